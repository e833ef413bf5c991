"""passphrase_strength: short, common and trivially patterned passphrases are refused."""

from __future__ import annotations

import pytest

from scanner.casefile import passphrase_strength
from scanner.casefile.passphrase import GOOD_ENOUGH, TOO_COMMON, TOO_SHORT, TOO_SIMPLE
from scanner.phrases import words


@pytest.mark.parametrize("passphrase", ["", "abc", "1234567", "  seven  ", "éééé"])
def test_fewer_than_eight_characters_is_too_short(passphrase: str) -> None:
    assert passphrase_strength(passphrase) == (False, words(TOO_SHORT, n=8))


def test_length_counts_characters_not_bytes_and_composed_accents_once() -> None:
    # "é" typed as e + combining accent is one character after NFC, as scrypt sees it.
    assert passphrase_strength("cafe\u0301 au lait")[0]
    assert not passphrase_strength("cafe\u0301s")[0]  # 5 characters, 6 code points


@pytest.mark.parametrize(
    "passphrase",
    [
        "password",
        "PASSWORD123",
        "iloveyou",
        "qwertyuiop",
        "Correct Horse Battery Staple",
        "correct  horse battery   staple",
        "P@ssw0rd",
    ],
)
def test_very_common_passphrases_are_refused(passphrase: str) -> None:
    assert passphrase_strength(passphrase) == (False, words(TOO_COMMON))


@pytest.mark.parametrize(
    "passphrase", ["aaaaaaaa", "zzzzzzzzzzzz", "abababab", "abcabcabc", "98765432", "lkjhgfdsa"]
)
def test_runs_and_repeats_are_refused(passphrase: str) -> None:
    assert passphrase_strength(passphrase) == (False, words(TOO_SIMPLE))


@pytest.mark.parametrize(
    "passphrase",
    ["amber ladder under seven clouds", "hellohello", "Tr0ub4dor&3x", "k9!mQ2#v", "ЖёлтыйКот42"],
)
def test_other_passphrases_of_eight_or_more_are_accepted(passphrase: str) -> None:
    assert passphrase_strength(passphrase) == (True, words(GOOD_ENOUGH))
