"""dumpsys adb: real captures (binary and XML keystores) and AOSP's Android 10-16 layouts."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.device.keys import ephemeral_signer, load_or_create_signer
from scanner.parse.adb_keys import (
    MAX_KEYS,
    NOT_TEXT,
    is_this_computer,
    key_fingerprint,
    parse_dumpsys_adb,
)
from tests.parse.helpers import real_text

ADB = ("mvt-artifacts", "android_data")


def _field(text: str, name: str) -> str:
    """A field's first line, read with plain string work (independent of the parser)."""
    for line in text.splitlines():
        if line.strip().startswith(f"{name}="):
            return line.strip()[len(name) + 1 :]
    raise AssertionError(name)


def _android_fingerprint(key_line: str) -> str:
    raw = base64.b64decode(key_line.split(" ", 1)[0])
    return ":".join(f"{b:02X}" for b in hashlib.md5(raw).digest())  # noqa: S324


def test_android12_binary_keystore_names_the_computer_and_keeps_none_of_the_binary():
    text = real_text(*ADB, "dumpsys_adb.txt")
    parsed = parse_dumpsys_adb(text)
    assert parsed.listed and parsed.warnings == ()
    (computer,) = parsed.computers
    assert computer.comment == "user@linux"
    # The phone's own fingerprint of the last key it saw is this key's.
    assert computer.fingerprint == _field(text, "last_key_received")
    assert computer.last_to_ask
    # The time sits in the binary keystore: unknown, and said to be unreadable.
    assert computer.last_connection is None and computer.last_connection_unreadable
    for value in (computer.key, computer.comment, computer.fingerprint):
        assert "\ufffd" not in value and "ABX" not in value and "\x00" not in value


def test_android11_wifi_variant_reads_the_same_keys():
    parsed = parse_dumpsys_adb(real_text(*ADB, "dumpsys_adb_wifi.txt"))
    assert parsed.warnings == ()
    assert [c.comment for c in parsed.computers] == ["user@linux"]


def test_text_keystore_gives_the_last_connection_in_utc():
    text = real_text(*ADB, "dumpsys_adb_xml.txt")
    parsed = parse_dumpsys_adb(text)
    (computer,) = parsed.computers
    assert computer.comment == "user@laptop"
    millis = int(text.split('lastConnection="', 1)[1].split('"', 1)[0])
    assert computer.last_connection == datetime.fromtimestamp(millis / 1000, tz=UTC)
    assert not computer.last_connection_unreadable
    assert not computer.last_to_ask  # this capture printed no last_key_received


KEY_A = "QAAAAFRlc3RrZXlBQUFBQUFBQUFBQUFB"
KEY_B = "QAAAAFRlc3RrZXlCQkJCQkJCQkJCQkJC"

ANDROID10 = f"""ADB MANAGER STATE (dumpsys adb):
{{
  debugging_manager={{
    connected_to_adb=true
    last_key_received={key_fingerprint(KEY_B)}
    user_keys={KEY_A} sam@home-pc
    {KEY_B} mark@laptop
<BLANK>
  }}
}}
""".replace("<BLANK>", "    ")  # the indenting writer indents the value's last, empty line

ANDROID11 = f"""ADB MANAGER STATE (dumpsys adb):
{{
  debugging_manager={{
    connected_to_adb=false
    user_keys={KEY_A} sam@home-pc
    {KEY_B} mark@laptop
<BLANK>
    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
    <keyStore version="1">
    <adbKey key="{KEY_A} sam@home-pc" lastConnection="1764000000000" />
    <adbKey key="{KEY_B} mark@laptop" lastConnection="1764026200000" />
    <wifiAP bssid="aa:bb:cc:dd:ee:ff" />
    </keyStore>
<BLANK>
    adb_wifi={{
      enabled=false
      network_bssid=
      network_ssid=
      is_trusted_network=false
      tls_port=0
    }}
  }}
}}
""".replace("<BLANK>", "    ")


def test_android10_lists_every_key_of_a_multi_line_value():
    parsed = parse_dumpsys_adb(ANDROID10)
    assert [(c.comment, c.key) for c in parsed.computers] == [
        ("sam@home-pc", KEY_A),
        ("mark@laptop", KEY_B),
    ]
    assert [c.last_to_ask for c in parsed.computers] == [False, True]
    assert all(c.last_connection is None for c in parsed.computers)
    assert not any(c.last_connection_unreadable for c in parsed.computers)


def test_android11_text_keystore_times_each_key():
    parsed = parse_dumpsys_adb(ANDROID11)
    times = {c.comment: c.last_connection for c in parsed.computers}
    assert times == {
        "sam@home-pc": datetime(2025, 11, 24, 16, 0, tzinfo=UTC),
        "mark@laptop": datetime(2025, 11, 24, 23, 16, 40, tzinfo=UTC),
    }
    assert parsed.warnings == ()


def test_no_adb_keys_file_means_no_trusted_computer_but_a_listed_state():
    text = (
        "ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n"
        "    connected_to_adb=true\n  }\n}\n"
    )
    parsed = parse_dumpsys_adb(text)
    assert parsed.listed and parsed.computers == () and parsed.warnings == ()


def test_no_debugging_manager_is_said_plainly():
    parsed = parse_dumpsys_adb("ADB MANAGER STATE (dumpsys adb):\n{\n}\n")
    assert not parsed.listed
    assert [w.not_understood for w in parsed.warnings] == [False]


def test_unknown_text_is_not_understood():
    parsed = parse_dumpsys_adb("something else entirely\n")
    assert not parsed.listed and parsed.warnings[0].not_understood


def test_comment_loses_control_and_format_characters():
    hostile = f"{KEY_A} mark\x1b[2J@lap\u202etop\ufffd\x00\n"
    text = ANDROID10.replace(f"{KEY_A} sam@home-pc\n", hostile)
    parsed = parse_dumpsys_adb(text)
    assert parsed.computers[0].comment == "mark[2J@laptop"
    # Replacement characters outside a binary keystore are still reported.
    assert NOT_TEXT in [w.message for w in parsed.warnings]


def test_a_key_line_that_is_not_base64_is_warned_and_left_out():
    text = ANDROID10.replace(f"{KEY_B} mark@laptop", "not*base64 mark@laptop")
    parsed = parse_dumpsys_adb(text)
    assert [c.comment for c in parsed.computers] == ["sam@home-pc"]
    bad_line = [n for n, line in enumerate(text.splitlines(), 1) if "not*base64" in line]
    assert [w.line for w in parsed.warnings] == bad_line


def test_this_computer_is_recognised_by_key_material_not_by_name():
    signer = ephemeral_signer()
    ours = signer.public_key_bytes.decode()
    material = ours.split(" ", 1)[0]
    assert is_this_computer(f"{material} someone@else", ours)
    other = ephemeral_signer().public_key_bytes.decode()
    same_name = other.split(" ", 1)[0] + " " + ours.split(" ", 1)[1]
    assert not is_this_computer(same_name, ours)
    assert not is_this_computer("not base64 at all", ours)


@pytest.mark.skipif(shutil.which("adb") is None, reason="the adb tool is not installed")
def test_our_public_key_is_the_one_adb_itself_writes_for_the_same_private_key(tmp_path: Path):
    # Independent check: Google's adb makes a key pair; our signer loads the private key,
    # and the public key it offers must be the very key adb wrote (comments differ).
    subprocess.run(["adb", "keygen", str(tmp_path / "adbkey")], check=True, capture_output=True)
    adb_line = (tmp_path / "adbkey.pub").read_text().strip()
    ours = load_or_create_signer(tmp_path).public_key_bytes
    assert is_this_computer(adb_line, ours)
    assert key_fingerprint(adb_line) == _android_fingerprint(adb_line)


def test_trusted_keys_are_bounded_and_memory_stays_small():
    line = f"    {KEY_A} same@host\n"
    body = "".join(
        f"    QAAAA{i:08d}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= host{i}\n"
        for i in range(200_000)
    )
    text = (
        "ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n    user_keys="
        + line.strip()
        + "\n"
        + body
        + "\n    keystore=ABX\x00"
        + "\ufffd" * 5_000_000
        + "\n  }\n}\n"
    )
    tracemalloc.start()
    try:
        parsed = parse_dumpsys_adb(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) > 20_000_000
    assert len(parsed.computers) == MAX_KEYS
    assert any("more trusted computers were not kept" in w.message for w in parsed.warnings)
    assert peak < 8 * 1024 * 1024  # a bounded result and a few lines, not the whole text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parse_dumpsys_adb(text)
    parse_dumpsys_adb(ANDROID11.replace("connected_to_adb=false", text))
