"""Handover records: appended without breaking the chain or the signature; tampering shows."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scanner.casefile import (
    Outcome,
    Topic,
    append_handover,
    generate_evidence_key,
    load_public_key,
    load_signing_key,
    verify_evidence,
    write_evidence,
)
from scanner.cli.words import error_words
from scanner.errors import EvidenceError
from scanner.i18n import catalogue
from scanner.model import ScanResult

FIRST = datetime(2024, 3, 2, 9, 15, tzinfo=UTC)
SECOND = datetime(2024, 3, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def signed_pack(tmp_path: Path, scan: ScanResult) -> tuple[Path, Path]:
    key_info = generate_evidence_key(tmp_path / "keys" / "advocate.key")
    pack = tmp_path / "evidence"
    write_evidence(pack, scan, signing_key=load_signing_key(key_info.private_path))
    return pack, key_info.public_path


def _independent_links(pack: Path) -> list[str]:
    """Every handover link, rebuilt from the rule in handover.py's docstring with hashlib."""
    manifest_bytes = (pack / "manifest.json").read_bytes()
    head = bytes.fromhex(json.loads(manifest_bytes)["chain"]["head"])

    def link(previous: bytes, digest: bytes, name: str) -> bytes:
        return hashlib.sha256(previous + digest + name.encode("utf-8")).digest()

    current = link(head, hashlib.sha256(manifest_bytes).digest(), "manifest.json")
    links = []
    for line in (pack / "handovers.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        body = {k: record[k] for k in ("index", "received_by", "when", "note")}
        encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(encoded.encode("utf-8")).digest()
        current = link(current, digest, f"handover/{record['index']}")
        links.append(current.hex())
    return links


def _lines(pack: Path) -> list[str]:
    return (pack / "handovers.jsonl").read_text("utf-8").splitlines()


def _write_lines(pack: Path, lines: list[str]) -> None:
    (pack / "handovers.jsonl").write_text("".join(f"{line}\n" for line in lines), "utf-8")


def test_handovers_extend_the_chain_and_the_pack_still_verifies(
    signed_pack: tuple[Path, Path],
) -> None:
    pack, public_path = signed_pack
    manifest_before = (pack / "manifest.json").read_bytes()

    first = append_handover(pack, "PC Jane Doe, Example Police", FIRST, "exhibit JD/1")
    first_line = _lines(pack)[0]
    second = append_handover(pack, "Court clerk", SECOND)
    result = verify_evidence(pack, key=load_public_key(public_path))

    assert result.ok, result.problems
    assert (pack / "manifest.json").read_bytes() == manifest_before
    assert _lines(pack)[0] == first_line  # the earlier record is kept byte for byte
    assert [(h.index, h.received_by, h.when, h.note) for h in result.handovers] == [
        (1, "PC Jane Doe, Example Police", "2024-03-02T09:15:00Z", "exhibit JD/1"),
        (2, "Court clerk", "2024-03-05T14:00:00Z", ""),
    ]
    assert [first.chain, second.chain] == _independent_links(pack)
    assert result.latest_link == second.chain
    (sentence,) = [c.sentence for c in result.checks if c.topic is Topic.HANDOVERS]
    assert sentence == (
        "2 handover records follow on from the manifest without a break (1. to PC Jane Doe, "
        "Example Police at 2024-03-02T09:15:00Z; 2. to Court clerk at 2024-03-05T14:00:00Z). "
        f"The latest chain value is {second.chain}: a receipt showing a later value means "
        "records were removed. Handover records are not signed."
    )


def test_handover_time_is_stored_in_utc(signed_pack: tuple[Path, Path]) -> None:
    pack, _ = signed_pack
    local = datetime(2024, 3, 2, 10, 15, tzinfo=timezone(timedelta(hours=1)))

    record = append_handover(pack, "Advocate", local)

    assert record.when == "2024-03-02T09:15:00Z"


def test_handover_file_is_private_whatever_the_umask(signed_pack: tuple[Path, Path]) -> None:
    pack, _ = signed_pack
    old_umask = os.umask(0)
    try:
        append_handover(pack, "Advocate", FIRST)
    finally:
        os.umask(old_umask)

    assert stat.S_IMODE((pack / "handovers.jsonl").stat().st_mode) == 0o600
    assert sorted(p.name for p in pack.iterdir()) == [
        "case.json",
        "handovers.jsonl",
        "manifest.json",
        "manifest.sig",
        "raw",
        "report.json",
        "summary.html",
    ]


def _problems_after(pack: Path, public_path: Path) -> tuple[str, ...]:
    result = verify_evidence(pack, key=load_public_key(public_path))
    assert [c.outcome for c in result.checks if c.topic is Topic.HANDOVERS] == [Outcome.FAILED]
    return result.problems


def test_an_edited_handover_breaks_the_chain(signed_pack: tuple[Path, Path]) -> None:
    pack, public_path = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    append_handover(pack, "Court clerk", SECOND)
    lines = _lines(pack)
    _write_lines(pack, [lines[0].replace("PC Jane Doe", "PC John Roe"), lines[1]])

    assert _problems_after(pack, public_path) == (
        "Handover record 1 (to PC John Roe) was changed, or something before it was removed "
        "or replaced: the chain breaks there.",
    )


def test_a_removed_first_handover_is_found(signed_pack: tuple[Path, Path]) -> None:
    pack, public_path = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    append_handover(pack, "Court clerk", SECOND)
    _write_lines(pack, _lines(pack)[1:])

    assert _problems_after(pack, public_path) == (
        "Handover record 1 says it is number 2: records were removed or reordered.",
    )


def test_renumbered_handovers_still_break_the_chain(signed_pack: tuple[Path, Path]) -> None:
    pack, public_path = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    append_handover(pack, "Court clerk", SECOND)
    second = json.loads(_lines(pack)[1])
    second["index"] = 1
    _write_lines(pack, [json.dumps(second)])

    assert _problems_after(pack, public_path) == (
        "Handover record 1 (to Court clerk) was changed, or something before it was removed "
        "or replaced: the chain breaks there.",
    )


def test_handovers_copied_from_another_pack_do_not_fit(
    signed_pack: tuple[Path, Path], tmp_path: Path, scan: ScanResult
) -> None:
    pack, public_path = signed_pack
    other = tmp_path / "other"
    write_evidence(other, scan, created_at=datetime(2024, 3, 1, 12, 0, tzinfo=UTC))
    append_handover(other, "PC Jane Doe", FIRST)
    (pack / "handovers.jsonl").write_bytes((other / "handovers.jsonl").read_bytes())

    assert _problems_after(pack, public_path) == (
        "Handover record 1 (to PC Jane Doe) was changed, or something before it was removed "
        "or replaced: the chain breaks there.",
    )


def test_an_unreadable_handover_line_is_named(signed_pack: tuple[Path, Path]) -> None:
    pack, public_path = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    _write_lines(pack, [*_lines(pack), "not json"])

    (problem,) = _problems_after(pack, public_path)
    assert problem.startswith("Handover record 2 cannot be read (JSONDecodeError")
    assert problem.endswith("so it and any after it were not checked.")


def test_removing_the_last_handover_shows_against_the_receipt(
    signed_pack: tuple[Path, Path],
) -> None:
    # The stated limit: the last record can be dropped; the chain value on the receipt shows it.
    pack, public_path = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    receipt = append_handover(pack, "Court clerk", SECOND).chain
    _write_lines(pack, _lines(pack)[:1])

    result = verify_evidence(pack, key=load_public_key(public_path))

    assert result.ok
    assert result.latest_link != receipt


def test_no_handover_is_added_onto_a_broken_record(signed_pack: tuple[Path, Path]) -> None:
    pack, _ = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    _write_lines(pack, [_lines(pack)[0].replace("Jane", "John")])
    before = (pack / "handovers.jsonl").read_bytes()

    with pytest.raises(EvidenceError, match="do not follow on from its manifest"):
        append_handover(pack, "Court clerk", SECOND)

    assert (pack / "handovers.jsonl").read_bytes() == before


def test_a_broken_handover_is_said_in_the_readers_language(
    signed_pack: tuple[Path, Path],
) -> None:
    pack, public_path = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    _write_lines(pack, [_lines(pack)[0].replace("Jane Doe", "John Roe")])
    say = catalogue("pl")
    changed = say.text("casefile.handover_changed", number="1", name="PC John Roe")

    result = verify_evidence(pack, key=load_public_key(public_path))
    (failed,) = [c for c in result.checks if c.topic is Topic.HANDOVERS]
    with pytest.raises(EvidenceError) as refused:
        append_handover(pack, "Court clerk", SECOND)

    assert failed.words(say) == changed
    assert error_words(refused.value, say) == say.text(
        "casefile.handover_broken_chain", problem=changed
    )
    assert "changed" not in error_words(refused.value, say)


def test_handover_needs_a_name(signed_pack: tuple[Path, Path]) -> None:
    pack, _ = signed_pack

    with pytest.raises(EvidenceError, match="Say who received"):
        append_handover(pack, "   ", FIRST)

    assert not (pack / "handovers.jsonl").exists()


def test_handover_needs_a_pack(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no handover was recorded"):
        append_handover(tmp_path, "Court clerk", FIRST)

    assert list(tmp_path.iterdir()) == []


def test_handovers_are_not_checked_when_the_file_chain_is_broken(
    signed_pack: tuple[Path, Path],
) -> None:
    pack, public_path = signed_pack
    append_handover(pack, "PC Jane Doe", FIRST)
    manifest = json.loads((pack / "manifest.json").read_text("utf-8"))
    manifest["chain"]["head"] = "00" * 32
    (pack / "manifest.json").write_text(json.dumps(manifest), "utf-8")

    result = verify_evidence(pack, key=load_public_key(public_path))

    assert not result.ok
    assert [(c.outcome, c.sentence) for c in result.checks if c.topic is Topic.HANDOVERS] == [
        (
            Outcome.NOT_CHECKED,
            "The handover records were not checked: the chain they continue is broken.",
        )
    ]
