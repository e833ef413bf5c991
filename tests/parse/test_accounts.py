"""dumpsys account: fixture written from AOSP AccountManagerService.dump."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.model import Account
from scanner.parse.accounts import parse_account_line, parse_dumpsys_account
from tests.parse.helpers import fixture_text


def test_accounts_of_each_user_are_read():
    parsed = parse_dumpsys_account(fixture_text("account", "pixel8_a14.txt"))
    assert parsed.accounts == (
        Account(type="com.google", name="someone@gmail.com", user=0),
        Account(type="com.whatsapp", name="Someone Example", user=0),
        Account(type="com.example.sync", name="odd, type=name", user=0),
        Account(type="com.google", name="worker@example.com", user=10),
    )
    assert parsed.warnings == ()


def test_authenticator_lines_are_not_accounts():
    parsed = parse_dumpsys_account(fixture_text("account", "pixel8_a14.txt"))
    assert all(a.type != "com.google.android.gms" for a in parsed.accounts)


def test_account_line_shapes():
    assert parse_account_line("Account {name=a, type=b}") == ("a", "b")
    assert parse_account_line("Account {name=a}") is None


def test_unrecognised_output_is_a_warning():
    assert parse_dumpsys_account("garbage\n").warnings


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_dumpsys_account(text)
    parse_dumpsys_account("User UserInfo{0:Owner:c13}:\n  Accounts: 1\n" + text)
