"""Why a database or import file was refused is said in the reader's language: each
reason is a ``database_problems`` message, nested in the ``database_errors`` sentence,
with the file's own facts (field names, values) kept as written; the English reason
stays in the error's detail for ``--debug``. Every refusal written in scanner/sigdb
names such a message (checked over the source, not by a list kept by hand)."""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.errors import Malformed
from scanner.i18n import catalogue, placeholders, read_messages
from scanner.sigdb import verify
from scanner.sigdb.schema import build_db, parse_db
from tests.cli.helpers import private_dirs, run  # noqa: F401 - private_dirs applies here
from tests.sigdb.conftest import small_families, small_header

ROOT = Path(__file__).resolve().parents[2]
SIGDB = ROOT / "scanner" / "sigdb"
GROUP = "database_problems"
ENGLISH = read_messages("en")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reason(lang: str, key: str, **values: str) -> str:
    return _one_line(catalogue(lang).text(f"{GROUP}.{key}", **values))


def _english_runs() -> set[str]:
    """Every run of three or more words outside placeholders in the English database
    messages: none may be left in a translated refusal."""
    runs: set[str] = set()
    for key, raw in ENGLISH.items():
        if key.split(".")[0] not in (GROUP, "database_errors"):
            continue
        for text in [raw] if isinstance(raw, str) else raw.values():
            for part in re.split(r"\{[^}]*\}|'[^']*'|[():;,.]", text):
                if len(words := part.split()) >= 3:
                    runs.add(" ".join(words))
    return runs


def _native_db(tmp_path: Path) -> Path:
    _, data = build_db(small_header(), small_families())
    broken = data.decode().replace("- org.familywatch", "- org.family watch", 1)
    assert broken != data.decode()
    path = tmp_path / "mine.yaml"
    path.write_text(broken, encoding="utf-8")
    return path


def _echap(tmp_path: Path) -> Path:
    path = tmp_path / "ioc.yaml"
    path.write_text(
        "- name: Good\n  type: stalkerware\n"
        "- name: BadCert\n  type: stalkerware\n  certificates: [NOT-A-HASH]\n",
        encoding="utf-8",
    )
    return path


def _stix2(tmp_path: Path) -> Path:
    objects = [
        {"type": "malware", "id": "malware--1", "name": "Spy"},
        {
            "type": "indicator",
            "id": "indicator--9",
            "pattern_type": "stix",
            "pattern": "[file:hashes.sha256 = 'abc']",
        },
    ]
    path = tmp_path / "spy.stix2"
    path.write_text(json.dumps({"type": "bundle", "objects": objects}), encoding="utf-8")
    return path


def _bundle(tmp_path: Path) -> Path:
    _, data = build_db(small_header(), small_families())
    bundle = {
        "format": verify.BUNDLE_FORMAT,
        "version": verify.BUNDLE_VERSION,
        "db": base64.b64encode(data).decode(),
        "db_sha256": hashlib.sha256(data).hexdigest(),
        "signature": {"algorithm": "rsa", "key_id": "x", "value": ""},
    }
    path = tmp_path / "signatures.bundle"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _native_reason(lang: str) -> str:
    return _reason(lang, "not_package", value="'org.family watch'")


def _echap_reason(lang: str) -> str:
    inner = _reason(lang, "not_fingerprint", value="'NOT-A-HASH'")
    return _reason(lang, "in_field", field="certificates", reason=inner)


def _stix2_reason(lang: str) -> str:
    inner = _reason(lang, "not_sha256", value="'abc'")
    return _reason(lang, "in_pattern", value="\"[file:hashes.sha256 = 'abc']\"", reason=inner)


def _bundle_reason(lang: str) -> str:
    return _reason(lang, "signature_not_ed25519")


REASONS: dict[str, Callable[[str], str]] = {
    "native": _native_reason,
    "echap": _echap_reason,
    "stix2": _stix2_reason,
    "bundle": _bundle_reason,
}
"""Each case's reason in a language, worked out from the catalogue alone."""


def _expected(lang: str, case: str) -> tuple[str, str]:
    """The reason said in ``lang`` and in English."""
    return REASONS[case](lang), REASONS[case]("en")


CASES = {"native": _native_db, "echap": _echap, "stix2": _stix2, "bundle": _bundle}


@pytest.mark.parametrize(
    ("case", "lang"),
    [("native", "pl"), ("echap", "ro"), ("stix2", "ar"), ("bundle", "bn"), ("echap", "pl")],
)
def test_a_refused_import_says_its_reason_in_the_readers_language(
    case: str, lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = CASES[case](tmp_path)

    code, out = run(capsys, "--lang", lang, "signatures", "import", str(path), "--unsigned")

    assert code == Malformed.exit_code
    translated, english = _expected(lang, case)
    assert translated != english
    assert translated in out
    assert english not in out
    assert [run_ for run_ in _english_runs() if run_ in out] == []


def test_with_debug_the_english_reason_is_shown_as_the_detail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _echap(tmp_path)

    code, out = run(
        capsys, "--debug", "--lang", "pl", "signatures", "import", str(path), "--unsigned"
    )

    translated, english = _expected("pl", "echap")
    assert code == Malformed.exit_code
    assert translated in out
    assert f"{path}: entry 2 (BadCert): {english}" in out


def test_the_check_for_english_left_can_fail() -> None:
    out = _one_line(catalogue("en").text("database_errors.file_unusable", file="x", problem="y"))
    assert [r for r in _english_runs() if r in out] != []
    assert _reason("en", "not_utf8") in _english_runs()


def test_the_english_reason_and_a_librarys_words_stay_in_the_detail() -> None:
    fam = replace(small_families()[0], certificate_cname_re=("[unclosed",))
    _, data = build_db(small_header(), (fam,))

    with pytest.raises(Malformed) as caught:
        parse_db(data, "mine.yaml")

    english = _reason("en", "not_regex", value="'[unclosed'")
    assert english in _one_line(caught.value.message)
    # re.error's own words: only in the detail, never in the sentence the reader sees.
    assert "unterminated character set" in caught.value.detail
    assert "unterminated" not in caught.value.message
    assert english in caught.value.detail and "mine.yaml: entry 1 (EvilSpy)" in caught.value.detail


# --- every refusal written in scanner/sigdb names a catalogued reason -------------------

_REFUSALS = {"malformed_entry": 3, "malformed_file": 1}  # function -> the reason's argument


def _message_calls(tree: ast.AST) -> list[tuple[str, dict[str, str]]]:
    """Each literal reason id said (``problem``/``Reason``/``within`` and the kinds of value
    ``normalise`` names), with the values given."""
    said: list[tuple[str, dict[str, str]]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        values = {k.arg: "" for k in node.keywords if k.arg}
        first = node.args[0] if node.args else None
        if name in ("problem", "Reason", "within") and isinstance(first, ast.Constant):
            if name == "within":
                values["reason"] = ""
            said.append((str(first.value), values))
    # The kinds of value (``_text(value, "what_package")``, ``what: str = "what_name"``).
    said += [
        (node.value, {})
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("what_")
    ]
    return said


def wrong_refusals(source: str, where: str) -> list[str]:
    """Calls in ``source`` that refuse a file without a catalogued reason: a refusal whose
    reason is not ``problem("<id>")``/``reason_of(...)``, a ``ValueError`` raised with
    words, or a reason id English does not have with the same placeholders."""
    tree = ast.parse(source)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            if isinstance(func, ast.Name) and func.id == "ValueError":
                found.append(f"{where}:{node.lineno}: ValueError with words")
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        place = _REFUSALS.get(node.func.id)
        if place is None:
            continue
        reason = node.args[place] if len(node.args) > place else None
        ok = (
            isinstance(reason, ast.Call)
            and isinstance(reason.func, ast.Name)
            and (
                (
                    reason.func.id == "problem"
                    and bool(reason.args)
                    and isinstance(reason.args[0], ast.Constant)
                )
                or reason.func.id == "reason_of"
            )
        )
        if not ok:
            found.append(f"{where}:{node.lineno}: {node.func.id} without a message id")
    for key, values in _message_calls(tree):
        raw = ENGLISH.get(f"{GROUP}.{key}")
        if raw is None:
            found.append(f"{where}: {GROUP}.{key} is not an English message")
            continue
        text = raw if isinstance(raw, str) else raw["other"]
        if set(values) - {"count"} != placeholders(text) - {"count"}:
            found.append(f"{where}: {GROUP}.{key} is given {sorted(values)}")
    return found


def test_every_refusal_in_sigdb_names_a_catalogued_reason() -> None:
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(SIGDB.glob("*.py"))}
    calls = sum(
        1
        for text in sources.values()
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _REFUSALS
    )
    assert calls >= 25  # the walk found the importers' refusals
    store = sources.pop("store.py")  # its one ValueError is a programming error, never shown
    assert "raise ValueError" in store
    assert [w for name, text in sources.items() for w in wrong_refusals(text, name)] == []


@pytest.mark.parametrize(
    "code",
    [
        'raise malformed_file(file, "it is not a list")\n',
        'raise malformed_entry(file, 1, "", f"bad {x}")\n',
        'raise ValueError(f"{x!r} is not a list")\n',
        'raise malformed_file(file, problem("no_such_reason"))\n',
        'raise Reason("not_package")\n',  # its {value} is missing
    ],
)
def test_the_refusal_check_can_fail(code: str) -> None:
    assert len(wrong_refusals(code, "sample.py")) == 1


def test_every_reason_is_used_by_sigdb() -> None:
    said = {
        key
        for path in SIGDB.glob("*.py")
        for key, _ in _message_calls(ast.parse(path.read_text(encoding="utf-8")))
    }
    said.add("value_unreadable")  # problems.reason_of's general reason
    assert sorted(k for k in ENGLISH if k.startswith(f"{GROUP}.")) == sorted(
        f"{GROUP}.{k}" for k in said
    )
