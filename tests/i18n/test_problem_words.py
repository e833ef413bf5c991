"""What a scan could not read is said in the reader's language, wherever its English is
written: the sources table, offline inputs' constants, a saved capture, the database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scanner.apks import REASON_WORDS
from scanner.i18n import catalogue
from scanner.model import APK_FILES, AppFileCheck, NotApplicable, ScanProblem
from scanner.offline import androidqf, bugreport, capture
from scanner.offline.common import CUT_MESSAGE
from scanner.phrases import english, known_words, words
from scanner.report.problem_words import (
    database_warning,
    part_text,
    problem_line,
    reason_text,
    source_text,
)
from scanner.sigdb.commands import db_summary, load_shipped_db
from scanner.sources import SOURCES, NotHeld

NOT_HELD = [
    place.reason
    for source in SOURCES
    for place in (source.bugreport, source.androidqf)
    if isinstance(place, NotHeld)
]
OFFLINE_TEXTS = [
    *NOT_HELD,
    bugreport.NOT_HELD[APK_FILES],
    capture.NO_APK_FILES,
    capture.NO_CLOCK,
    bugreport.NOT_PRESENT,
    androidqf.NOT_PRESENT,
    CUT_MESSAGE,
]


@pytest.mark.parametrize("text", OFFLINE_TEXTS)
def test_every_offline_reason_is_a_known_message(text: str) -> None:
    said = known_words(text)
    assert said is not None, text
    assert english(said) == text


def test_a_part_an_input_lacks_is_said_in_the_readers_language() -> None:
    polish = catalogue("pl")
    for text in NOT_HELD:
        part = NotApplicable("x", text)  # as a saved capture gives it back: English only
        said = part_text(part, polish)
        assert said != text and said == polish.text(known_words(text).key)  # type: ignore[union-attr]


def test_the_shipped_databases_warning_is_said_in_the_readers_language() -> None:
    summary = db_summary(load_shipped_db())
    assert summary.warning
    arabic = database_warning(summary, catalogue("ar"))
    assert arabic == catalogue("ar").text("problems.known_database_incomplete")
    assert database_warning(summary, catalogue()) == summary.warning


def test_a_warning_no_message_has_is_quoted_as_it_is() -> None:
    summary = db_summary(load_shipped_db())
    other = replace(summary, warning="Test list: do not rely on it.")
    assert database_warning(other, catalogue("pl")) == "Test list: do not rely on it."


def test_each_fixed_reason_an_app_was_not_checked_has_the_same_english() -> None:
    for text, key in REASON_WORDS.items():
        assert catalogue().text(key) == text


def test_an_app_file_reason_is_said_in_the_readers_language() -> None:
    said = words("problems.app_not_checked", reason=words("problems.no_sha256sum"))
    check = AppFileCheck("com.example", "/data/app/x/base.apk", "", english(said))
    assert reason_text(check, catalogue("ro")) == english(said)  # no words: its English
    worded = AppFileCheck(
        "com.example", "/data/app/x/base.apk", "", english(said), certificate_words=said
    )
    romanian = reason_text(worded, catalogue("ro"))
    assert romanian.startswith("neverificat: ") and "sha256sum" in romanian


def test_the_scanners_own_source_names_are_words_and_commands_stay() -> None:
    bengali = catalogue("bn")
    assert source_text("dumpsys package", bengali) == "dumpsys package"
    assert source_text("connection", bengali) == bengali.text("problems.source_connection")
    app = source_text("app file com.example", bengali)
    assert app == bengali.text("problems.source_app_file", package="com.example")
    problem = ScanProblem(
        "no output", "pull /data/app/x/base.apk", words=words("problems.no_output")
    )
    assert problem_line(problem, bengali) == (
        bengali.text("problems.source_pull", path="/data/app/x/base.apk")
        + ": "
        + bengali.text("problems.no_output")
    )
