"""Handover records: who received an evidence pack, and when, chained onto the pack.

``handovers.jsonl`` holds one JSON object per line. The manifest is signed and never
changes, so records go in their own file and continue the manifest's hash chain::

    start  = chain_link(head, SHA-256(manifest.json bytes), "manifest.json")
    link_k = chain_link(link_(k-1), SHA-256(body_k), "handover/k")      (link_0 = start)

where ``body_k`` is the UTF-8 JSON of ``{"index", "received_by", "when", "note"}`` with
sorted keys and no spaces. Each record stores its ``chain`` link, so changing, removing or
reordering a record breaks the chain from there on, and a record copied from another pack
does not fit. Two limits, said plainly when verifying: records are not signed (they show
order and that earlier ones were kept, not who wrote them), and removing the *last*
records shows only against a chain value noted down at the handover (the receipt).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scanner.casefile.crypto import atomic_write
from scanner.casefile.evidence import MANIFEST, chain_link, utc_iso
from scanner.casefile.filelock import LockBusy, exclusive_lock
from scanner.errors import EvidenceError
from scanner.model import Words
from scanner.phrases import render, words

HANDOVERS = "handovers.jsonl"
_LOCK_WAIT_S = 10.0


@dataclass(frozen=True, slots=True)
class Handover:
    """One handover of the pack."""

    index: int
    """1 for the first handover, then 2, 3, ..."""
    received_by: str
    when: str
    """ISO 8601 UTC time of the handover, ending in ``Z``."""
    note: str
    chain: str
    """Hex chain link after this record: note it on the receipt."""


@dataclass(frozen=True, slots=True)
class HandoverLog:
    """The records read from ``handovers.jsonl`` and what is wrong with them, if anything."""

    records: tuple[Handover, ...]
    """The records that follow on from the manifest, up to the first one that does not."""
    problems: tuple[str, ...]
    """What is wrong, in English (quoted by verify's checks and the pack's records)."""
    last_link: str
    """Hex chain link after the last good record (the start link when there are none)."""
    problem_words: tuple[Words, ...] = ()
    """The same problems by message id, to be said in the reader's language."""


def start_link(chain_head: bytes, manifest_bytes: bytes) -> bytes:
    """The link the first handover continues from: the file chain, then the manifest."""
    return chain_link(chain_head, hashlib.sha256(manifest_bytes).digest(), MANIFEST)


def record_link(previous: bytes, index: int, received_by: str, when: str, note: str) -> bytes:
    body = json.dumps(
        {"index": index, "received_by": received_by, "when": when, "note": note},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return chain_link(previous, hashlib.sha256(body).digest(), f"handover/{index}")


def parse_handovers(text: bytes, start: bytes) -> HandoverLog:
    """Read and check ``handovers.jsonl`` content against the chain ``start`` link."""
    records: list[Handover] = []
    link = start
    lines = text.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the newline after the last record
    for number, line in enumerate(lines, start=1):
        try:
            data = json.loads(line.decode("utf-8"))
            if not isinstance(data, dict):
                raise TypeError("not an object")
            index, received_by = data["index"], data["received_by"]
            when, note, recorded = data["when"], data["note"], data["chain"]
            if not (
                isinstance(index, int)
                and all(isinstance(v, str) for v in (received_by, when, note, recorded))
            ):
                raise TypeError("a field has the wrong type")
        except (ValueError, KeyError, TypeError) as exc:
            return _stop(
                records,
                link,
                words(
                    "casefile.handover_unreadable",
                    number=number,
                    problem=f"{type(exc).__name__}: {exc}",
                ),
            )
        if index != number:
            return _stop(
                records,
                link,
                words("casefile.handover_renumbered", number=number, index=index),
            )
        expected = record_link(link, index, received_by, when, note)
        if expected.hex() != recorded:
            return _stop(
                records,
                link,
                words("casefile.handover_changed", number=number, name=received_by),
            )
        records.append(Handover(index, received_by, when, note, recorded))
        link = expected
    return HandoverLog(tuple(records), (), link.hex())


def _stop(records: list[Handover], good: bytes, problem: Words) -> HandoverLog:
    # English kept for the pack's records and verify's checks; the words for the reader.
    return HandoverLog(tuple(records), (render(problem),), good.hex(), (problem,))


def append_handover(
    directory: str | os.PathLike[str], received_by: str, when: datetime, note: str = ""
) -> Handover:
    """Add a handover record to the pack in ``directory``; returns it (with its chain link).

    Refuses when the manifest cannot be read or the records already there do not follow on
    from it, so a record is never chained onto a broken chain. Earlier records and the
    signed manifest are not changed.
    """
    root = Path(directory)
    name = received_by.strip()
    if not name:
        raise EvidenceError.said("casefile.handover_no_name")
    manifest_path = root / MANIFEST
    try:
        manifest_bytes = manifest_path.read_bytes()
        head = bytes.fromhex(json.loads(manifest_bytes.decode("utf-8"))["chain"]["head"])
    except OSError as exc:
        raise EvidenceError.said(
            "casefile.handover_no_manifest", str(exc), path=manifest_path
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise EvidenceError.said(
            "casefile.handover_bad_manifest", f"{type(exc).__name__}: {exc}", path=manifest_path
        ) from exc
    path = root / HANDOVERS
    try:
        with exclusive_lock(path, _LOCK_WAIT_S):
            earlier = path.read_bytes() if path.exists() else b""
            log = parse_handovers(earlier, start_link(head, manifest_bytes))
            if log.problems:
                raise EvidenceError.said(
                    "casefile.handover_broken_chain", problem=log.problem_words[0]
                )
            index = len(log.records) + 1
            stamp = utc_iso(when)
            link = record_link(bytes.fromhex(log.last_link), index, name, stamp, note)
            record = Handover(index, name, stamp, note, link.hex())
            fields = {"index": index, "received_by": name, "when": stamp, "note": note}
            line = json.dumps({**fields, "chain": link.hex()}, ensure_ascii=False)
            if earlier and not earlier.endswith(b"\n"):
                earlier += b"\n"
            atomic_write(path, earlier + line.encode("utf-8") + b"\n")
    except LockBusy as exc:
        raise EvidenceError.said("casefile.handover_busy", str(exc)) from exc
    except OSError as exc:
        raise EvidenceError.said("casefile.handover_not_recorded", str(exc), path=root) from exc
    return record
