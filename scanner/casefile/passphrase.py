"""Is a new case file passphrase strong enough? A pure check with a plain answer.

Someone who takes the case file can try passphrases offline for as long as they like;
scrypt slows each guess, but a short or very common passphrase falls anyway. So a new
case file refuses one that is shorter than ``MIN_LENGTH`` characters, is one of the most
common passwords or phrases, or is a simple run or repetition (see ``_is_repetition``).
"""

from __future__ import annotations

import unicodedata

from scanner.errors import ReportError
from scanner.model import Words
from scanner.phrases import words

MIN_LENGTH = 8


class WeakPassphrase(ReportError):
    """A new case file was refused its passphrase; ``message`` says why in plain words,
    and ``values["why"]`` holds the reason by id for the reader's language."""


_COMMON = frozenset(
    {
        # The most used passwords in published breach studies, 8 characters or more.
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "12345678",
        "123456789",
        "1234567890",
        "0987654321",
        "87654321",
        "11111111",
        "00000000",
        "12341234",
        "123123123",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "qwertyui",
        "qwertyuiop",
        "qwerty123",
        "qwerty12",
        "asdfghjkl",
        "zxcvbnm1",
        "abcd1234",
        "abc12345",
        "aa123456",
        "iloveyou",
        "iloveyou1",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "superman",
        "starwars",
        "whatever",
        "trustno1",
        "welcome1",
        "letmein1",
        "changeme",
        "computer",
        "internet",
        "liverpool",
        "chocolate",
        "butterfly",
        "jennifer",
        "michelle",
        "samantha",
        "passphrase",
        "secret123",
        "mypassword",
        "letmeinplease",
        # Phrases printed as examples so often that they are tried early.
        "correct horse battery staple",
        "correcthorsebatterystaple",
        "the quick brown fox jumps over the lazy dog",
        "ilovemyfamily",
        "ilovemykids",
    }
)

_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")

# Message ids (guidance/<lang>/messages/passphrase.yaml): the reason is said in the
# reader's language where it is shown.
TOO_SHORT = "passphrase.too_short"
TOO_COMMON = "passphrase.too_common"
TOO_SIMPLE = "passphrase.too_simple"
GOOD_ENOUGH = "passphrase.good_enough"


def passphrase_strength(passphrase: str) -> tuple[bool, Words]:
    """(whether ``passphrase`` may protect a new case file, the words saying why)."""
    # NFC, as the key derivation does, so the length counts what the user typed.
    text = unicodedata.normalize("NFC", passphrase)
    if len(text.strip()) < MIN_LENGTH:
        return False, words(TOO_SHORT, n=MIN_LENGTH)
    folded = " ".join(text.casefold().split())
    if folded in _COMMON or folded.replace(" ", "") in _COMMON:
        return False, words(TOO_COMMON)
    if _is_repetition(folded.replace(" ", "")):
        return False, words(TOO_SIMPLE)
    return True, words(GOOD_ENOUGH)


def _is_repetition(text: str) -> bool:
    """A run like 12345678, or one or two characters (or a piece of a run) repeated."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return size <= 2 or _is_run(text[:size])
    return _is_run(text)


def _is_run(piece: str) -> bool:
    return any(piece in run or piece in run[::-1] for run in _RUNS)
