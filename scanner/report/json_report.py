"""The JSON report: a documented, versioned record of one scan.

The schema lives beside this module in ``report.schema.json``; bump
``SCHEMA_VERSION`` whenever a key changes meaning.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from scanner import TOOL_NAME, __version__, phrases
from scanner.i18n import Catalogue
from scanner.labels import NO_LABEL, label_for, label_source
from scanner.model import AppFileCheck, DeviceSnapshot, Finding, ScanResult, Words
from scanner.report.headline import headline
from scanner.report.language import safe_catalogue

SCHEMA_VERSION = "1.6"


def _iso(value: object) -> str:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def app_label(snapshot: DeviceSnapshot | None, package: str | None) -> dict[str, Any]:
    """The name a person sees for ``package`` and where it came from (empty without one)."""
    if package is None:
        return {}
    pkg = snapshot.package(package) if snapshot is not None else None
    label = label_for(pkg, package)
    if pkg is not None and pkg.label and pkg.label == label:
        source = label_source(label, pkg.label_source)
    else:  # not on the phone (a removed app): the catalogue's name, if any
        source = "catalogue" if label else NO_LABEL
    return {"label": label, "label_source": source}


def _message(name: str, said: Words | None) -> dict[str, Any]:
    """The catalogue message behind an English text, so a reader can word it again."""
    return {} if said is None else {name: phrases.as_json(said)}


def finding_to_dict(finding: Finding, snapshot: DeviceSnapshot | None = None) -> dict[str, Any]:
    kinds = {"kinds": list(finding.kinds)} if finding.kinds else {}
    return {
        "id": finding.id,
        "check": finding.check,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "package": finding.package,
        "family": finding.family,
        "title": finding.title,
        **_message("title_message", finding.title_words),
        "capabilities": list(finding.capabilities),
        "evidence": [
            {"source": e.source, "excerpt": e.excerpt, **_message("message", e.words)}
            for e in finding.evidence
        ],
        "guidance": finding.guidance,
        **app_label(snapshot, finding.package),
        **kinds,
    }


def _summary(result: ScanResult, say: Catalogue) -> dict[str, Any]:
    """The report's opening in data: what was not checked first, then what was found."""
    opening = headline(result, say)
    return {
        "headline": list(opening.lines),
        "not_checked": list(opening.not_checked),
        "known_stalkerware_ruled_out": opening.known_ruled_out,
        "app_list_complete": result.app_list_complete,
        "database_used": result.known_check_ran,
        "findings_by_severity": opening.counts,
    }


def to_dict(
    result: ScanResult, demo: bool | None = None, say: Catalogue | None = None
) -> dict[str, Any]:
    """The report as plain data (what ``render`` serialises). ``demo``: whether the scan
    was of the built-in simulated phone, so a demo report never passes for a real one;
    ``None``: as the result says (``ScanResult.demo``). ``say``: the language of the
    human sentences (the headline); English by default."""
    say = say or safe_catalogue()
    device = asdict(result.snapshot.device)
    device["serial"] = device.get("serial") or result.capture.serial
    device["connection"] = result.capture.transport
    commands = [
        {
            "command": r.command,
            "ok": r.ok,
            "bytes": len(r.output) if r.output is not None else 0,
            "sha256": hashlib.sha256(r.output).hexdigest() if r.output is not None else None,
            "duration_s": round(r.duration_s, 3),
            "truncated": r.truncated,
            "error": r.error,
        }
        for r in result.capture.results
    ]
    # APK pulls (sync RECV) come after the shell batch; listed so `commands` is complete.
    commands += [
        {
            "command": f"pull {p.path}",
            "ok": p.ok,
            "bytes": p.size_bytes,
            "sha256": p.sha256 or None,
            "duration_s": round(p.duration_s, 3),
            "truncated": False,
            "error": p.error,
        }
        for p in result.pulls
    ]
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "demo": result.demo if demo is None else demo,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "started_at": _iso(result.started_at),
        "finished_at": _iso(result.finished_at),
        "complete": result.complete,
        "language": say.lang,
        "language_reviewed": say.info.reviewed,
        "summary": _summary(result, say),
        "device": device,
        "signatures": asdict(result.signatures) if result.signatures is not None else None,
        "packages_scanned": len(result.snapshot.packages),
        "findings": [finding_to_dict(f, result.snapshot) for f in result.findings],
        "commands": commands,
        "errors": [
            {"message": p.message, "source": p.source, "detail": p.detail} for p in result.problems
        ],
        "warnings": [
            {"source": w.source, "message": w.message, "line": w.line, "excerpt": w.excerpt}
            for w in result.warnings
        ],
        "link": result.link,
        "not_applicable": [
            {"source": part.source, "reason": part.reason} for part in result.not_applicable
        ],
        "app_files_checked": [
            {
                "package": package,
                "source": facts.source,
                "path": facts.path,
                "sha256": facts.sha256 or None,
                "certificate_sha1": list(facts.cert_sha1),
                "certificate_sha256": list(facts.cert_sha256),
                **app_label(result.snapshot, package),
            }
            for package, facts in sorted(result.apks.items())
        ],
        "app_file_checks": [
            {**_app_check(c), **app_label(result.snapshot, c.package)} for c in result.app_checks
        ],
    }
    if result.signatures is None:
        # No database was loaded (e.g. it was refused): say so rather than fake one.
        del report["signatures"]
    return report


def _app_check(check: AppFileCheck) -> dict[str, Any]:
    entry = {
        "package": check.package,
        "path": check.path,
        "certificate": _file_check(check.certificate, check.certificate_not_checked),
        "sha256": _file_check(check.sha256, check.sha256_not_checked),
    }
    if check.splits:
        entry["splits"] = check.splits
    return entry


def _file_check(how: str, why_not: str) -> dict[str, Any]:
    return {"checked": bool(how), "how": how or None, "why_not": None if how else why_not}


def render(result: ScanResult, demo: bool | None = None, say: Catalogue | None = None) -> str:
    data = to_dict(result, demo, say)
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
