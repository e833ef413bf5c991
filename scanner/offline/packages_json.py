"""androidqf's ``packages.json`` -> what it recorded of each app's files.

androidqf (``adb/packages.go``, ``acquisition/apks.go``) writes a JSON list, one object
per package from ``pm list packages -U -u -i``::

    {"name": "com.example", "installer": "null", "uid": 10271,
     "disabled": false, "system": false, "third_party": true,
     "files": [{"path": "/data/app/~~…==/com.example-…==/base.apk", "local_name": "",
                "md5": "…", "sha1": "…", "sha256": "…", "sha512": "…", "error": "",
                "verified_certificate": true, "certificate_error": "",
                "trusted_certificate": false,
                "certificate": {"Md5": "…", "Sha1": "…", "Sha256": "…",
                                "Subject": "C=US, ST=…, O=…, OU=…, CN=…", "Issuer": "…",
                                "ValidFrom": "…", "ValidTo": "…", …}}]}

``files`` has one entry per file of ``pm path`` (the base APK, then any splits). The hashes
are of the file; the certificate digests are of the signing certificate (its DER bytes,
lower-case hex) that apkverifier picked, and are only there when androidqf downloaded the
APK: otherwise ``certificate`` holds empty strings. ``Subject`` lists ``C``, ``ST``, ``L``,
``O``, ``OU``, ``CN`` in that order, each ``KEY=value`` followed by ``", "``; several
values of one key are joined with ``;``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

from scanner.model import ApkFacts, Words
from scanner.phrases import english, words

SOURCE: Final = "androidqf packages.json"
"""The evidence source of facts taken from this file."""

_HEX: Final = re.compile(r"[0-9a-fA-F]+")
_SUBJECT_KEY: Final = re.compile(r"(?:^|, )(C|ST|L|O|OU|CN)=")


@dataclass(frozen=True, slots=True)
class RecordedCertificate:
    """The signing certificate androidqf recorded for one file."""

    sha1: str
    """Lower-case hex; empty when not recorded."""
    sha256: str
    subject: str


@dataclass(frozen=True, slots=True)
class RecordedFile:
    """One file of an app, as androidqf recorded it."""

    path: str
    sha256: str
    """Lower-case hex; empty when androidqf could not hash it."""
    certificate: RecordedCertificate | None
    """None when androidqf recorded no certificate (the APK was not downloaded)."""
    certificate_error: str = ""
    error: str = ""
    """Why androidqf could not download the file, when it could not."""


@dataclass(frozen=True, slots=True)
class RecordedPackage:
    """One app listed in ``packages.json``."""

    name: str
    installer: str | None
    """``None`` when androidqf recorded none (``"null"`` or empty)."""
    system: bool
    third_party: bool
    files: tuple[RecordedFile, ...]


@dataclass(frozen=True, slots=True)
class PackagesJson:
    """Every app ``packages.json`` lists, and how many entries could not be read."""

    packages: tuple[RecordedPackage, ...]
    unreadable_entries: int = 0


def parse_packages_json(text: str) -> PackagesJson:
    """Read ``packages.json``; raises ValueError when it is not a JSON list.

    An entry that is not an object with a text ``name`` is counted, not guessed at; a
    digest that is not hex of the right length is treated as not recorded.
    """
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError("not a JSON list")
    packages: list[RecordedPackage] = []
    unreadable = 0
    for entry in entries:
        package = _package(entry)
        if package is None:
            unreadable += 1
        else:
            packages.append(package)
    return PackagesJson(tuple(packages), unreadable)


def _package(entry: object) -> RecordedPackage | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return None
    name = entry["name"].strip()
    if not name:
        return None
    files = entry.get("files")
    installer = _text(entry.get("installer"))
    return RecordedPackage(
        name=name,
        installer=None if installer in ("", "null") else installer,
        system=entry.get("system") is True,
        third_party=entry.get("third_party") is True,
        files=tuple(
            recorded
            for recorded in (_file(f) for f in (files if isinstance(files, list) else []))
            if recorded is not None
        ),
    )


def _file(entry: object) -> RecordedFile | None:
    if not isinstance(entry, dict):
        return None
    cert = entry.get("certificate")
    certificate = None
    if isinstance(cert, dict):
        sha1, sha256 = _digest(cert.get("Sha1"), 40), _digest(cert.get("Sha256"), 64)
        if sha1 or sha256:
            certificate = RecordedCertificate(sha1, sha256, _text(cert.get("Subject")))
    return RecordedFile(
        path=_text(entry.get("path")),
        sha256=_digest(entry.get("sha256"), 64),
        certificate=certificate,
        certificate_error=_text(entry.get("certificate_error")),
        error=_text(entry.get("error")),
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _digest(value: object, length: int) -> str:
    text = _text(value)
    return text.lower() if len(text) == length and _HEX.fullmatch(text) else ""


def subject_fields(subject: str, key: str) -> tuple[str, ...]:
    """The values of ``key`` (``O``, ``CN``...) in an apkverifier subject string.

    A value may itself hold ``", "`` (``O=Google, Inc``): only ``", "`` followed by one of
    the six keys and ``=`` starts the next field.
    """
    starts = list(_SUBJECT_KEY.finditer(subject))
    values: list[str] = []
    for index, match in enumerate(starts):
        if match[1] != key:
            continue
        end = starts[index + 1].start() if index + 1 < len(starts) else len(subject)
        value = subject[match.end() : end].strip().rstrip(",").strip()
        values.extend(part.strip() for part in value.split(";") if part.strip())
    return tuple(values)


def apk_facts(package: RecordedPackage) -> ApkFacts | None:
    """What the scan's certificate and hash checks can use for one app; None when
    androidqf recorded neither a hash nor a certificate for any of its files."""
    files = [f for f in package.files if f.sha256 or f.certificate is not None]
    if not files:
        return None
    base = next((f for f in files if f.path.endswith("/base.apk")), files[0])
    certificates = [f.certificate for f in files if f.certificate is not None]
    subjects = [c.subject for c in certificates]
    return ApkFacts(
        package=package.name,
        path=base.path,
        sha256=base.sha256,
        cert_sha1=tuple(sorted({c.sha1 for c in certificates if c.sha1})),
        cert_sha256=tuple(sorted({c.sha256 for c in certificates if c.sha256})),
        cert_subjects=tuple(sorted(set(subjects))),
        cert_organizations=tuple(sorted({o for s in subjects for o in subject_fields(s, "O")})),
        cert_common_names=tuple(sorted({n for s in subjects for n in subject_fields(s, "CN")})),
        source=SOURCE,
        split_sha256=tuple(f.sha256 for f in files if f is not base and f.sha256),
    )


def why_no_certificate(package: RecordedPackage) -> str | None:
    """Why no signing certificate is known for this app (English), or None when one is."""
    said = certificate_unknown(package)
    return None if said is None else english(said)


def certificate_unknown(package: RecordedPackage) -> Words | None:
    """Why no signing certificate is known for this app, or None when one is."""
    if any(f.certificate is not None for f in package.files):
        return None
    errors = [
        f.certificate_error or f.error for f in package.files if f.certificate_error or f.error
    ]
    if errors:
        return words("problems.androidqf_certificate_error", error=errors[0])
    if not package.files:
        return words("problems.known_androidqf_no_files")
    return words("problems.known_androidqf_no_certificate")
