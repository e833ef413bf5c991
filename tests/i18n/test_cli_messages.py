"""Every message id the code names exists in English, every English message is used, and
each one renders; errors named by id reach the screen in the reader's language."""

from __future__ import annotations

import ast
import re
import socket
from pathlib import Path

import pytest

from scanner.cli.main import main
from scanner.cli.words import error_words
from scanner.errors import WORDS_UNREADABLE, NotConnected
from scanner.i18n import Catalogue, LanguageInfo, catalogue, placeholders, read_messages
from scanner.sigdb.model import CAPABILITY_IDS, CAPABILITY_WORDS

ROOT = Path(__file__).resolve().parents[2]
CODE = sorted((ROOT / "scanner").rglob("*.py"))
ID_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
ID_PREFIX_RE = re.compile(r"^[a-z][a-z0-9_]*\.(?:[a-z][a-z0-9_]*_)?$")
SAYING = {"text", "count", "said"}
FILE_ENDINGS = (".yaml", ".json", ".py", ".txt", ".md")


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in CODE]


def _ids_said() -> dict[str, str]:
    """Literal message ids given to calls: the first argument of ``….text(…)``,
    ``….count(…)`` and ``….said(…)``, and any argument naming a message group (such as
    ``_check(topic, outcome, "verify.unsigned")``)."""
    groups = {key.split(".")[0] for key in ENGLISH}
    found: dict[str, str] = {}
    for path, tree in _trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            saying = isinstance(node.func, ast.Attribute) and node.func.attr in SAYING
            for index, arg in enumerate(node.args):
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    continue
                if not ID_RE.match(arg.value) or arg.value.endswith(FILE_ENDINGS):
                    continue  # not an id, or a file name such as capabilities.yaml
                if (saying and index == 0) or arg.value.split(".")[0] in groups:
                    found[arg.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def _string_constants() -> set[str]:
    return {
        node.value
        for _, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


ENGLISH = read_messages("en")


def test_every_message_id_the_code_says_exists_in_english() -> None:
    said = _ids_said()
    assert len(said) > 100  # the walk found the calls
    # A prefix ending in "_" (``"input_errors.too_large_"`` + an input's kind) must begin
    # at least one English message.
    missing = {
        key: where
        for key, where in said.items()
        if not (key in ENGLISH or (key.endswith("_") and any(k.startswith(key) for k in ENGLISH)))
    }
    assert not missing


def _used(key: str, constants: set[str], prefixes: tuple[str, ...]) -> bool:
    """Literal, or built from a literal prefix and a literal rest (``f"installer.{k}"``
    with ``"browser_itself"`` given somewhere, ``f"report.section_{name}"``)."""
    if key in constants:
        return True
    return any(key.startswith(p) and key[len(p) :] in constants for p in prefixes)


def test_every_english_message_is_used_by_the_code() -> None:
    constants = _string_constants()
    prefixes = tuple(c for c in constants if ID_PREFIX_RE.match(c))
    unused = sorted(key for key in ENGLISH if not _used(key, constants, prefixes))
    assert not unused


@pytest.mark.parametrize("key", sorted(ENGLISH))
def test_every_english_message_renders_with_its_placeholders(key: str) -> None:
    raw = ENGLISH[key]
    say = catalogue()
    if isinstance(raw, str):
        names = placeholders(raw)
        shown = say.text(key, **{name: f"<{name}>" for name in names})
        assert all(f"<{name}>" in shown for name in names)
        assert "{" not in shown.replace("{" + "}", "")
    else:
        assert set(raw) == {"one", "other"}, "English plurals are one and other"
        names = placeholders(raw["other"]) - {"count"}
        assert placeholders(raw["one"]) - {"count"} == names
        for n in (1, 2, 10_000):
            shown = say.count(key, n, **{name: f"<{name}>" for name in names})
            assert say.number(n) in shown


def test_capability_words_in_english_are_the_database_keywords_words() -> None:
    assert set(CAPABILITY_IDS) == set(CAPABILITY_WORDS)
    say = catalogue()
    assert {k: say.text(v) for k, v in CAPABILITY_IDS.items()} == dict(CAPABILITY_WORDS)


def _with_one_translation(key: str, words: str) -> Catalogue:
    english = catalogue()
    return Catalogue(
        LanguageInfo("xx", "Xx", "Test", "ltr", False),
        {key: words},
        english.english,
        frozenset(k for k in english.english if k != key),
    )


def test_an_error_named_by_id_is_shown_in_the_readers_language() -> None:
    error = NotConnected.said("device.unreachable", detail="test", label="10.0.0.1:5555")
    assert error.message == "Could not reach the phone at 10.0.0.1:5555."  # English kept
    say = _with_one_translation("device.unreachable", "Brak telefonu pod {label}.")
    assert error_words(error, say) == "Brak telefonu pod 10.0.0.1:5555."
    other = NotConnected.said("device.connection_lost")
    assert error_words(other, say) == other.message  # not translated: English, not a gap


def test_an_error_raised_with_words_only_keeps_them() -> None:
    error = NotConnected("Plain words.")
    assert error_words(error, catalogue()) == "Plain words."


def test_a_device_error_reaches_the_screen_in_catalogue_words_with_exit_3(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["--serial", f"127.0.0.1:{port}", "--yes"]) == 3
    shown = " ".join(capsys.readouterr().out.split())
    say = catalogue()
    expected = say.text("device.unreachable_check_on", label=f"127.0.0.1:{port}")
    assert f"{say.text('scan.lead_stopped')} {expected}" in shown


def test_an_error_whose_words_cannot_be_found_still_says_plain_words() -> None:
    # Damaged or missing catalogue files end the same way as an unknown id: one sentence
    # that needs no catalogue, naming the id for whoever fixes it; never a traceback.
    error = NotConnected.said("device.no_such_message_anywhere", detail="d", label="x")
    assert error.message == f"{WORDS_UNREADABLE} (device.no_such_message_anywhere)"
    assert error_words(error, catalogue()) == error.message
    assert (error.detail, error.exit_code) == ("d", 3)


def test_with_no_message_files_the_cli_words_are_the_last_resort_sentence() -> None:
    from scanner.cli.words import _LAST_RESORT, readable

    say = Catalogue(LanguageInfo("en", "English", "English"), _LAST_RESORT, _LAST_RESORT)
    assert not readable(say) and readable(catalogue())
    assert say.text("scan.internal", name="KeyError") == f"{WORDS_UNREADABLE} (scan.internal)"
    assert say.count("forget.done", 3) == f"{WORDS_UNREADABLE} (forget.done)"
    # An error raised with English words keeps them rather than the last resort.
    assert error_words(NotConnected.said("device.connection_lost"), say) == (
        "The connection to the phone was lost."
    )
