"""Canonical forms of identifiers, so the same fact always looks the same.

Each function returns the canonical string or raises ``Reason`` (a ``ValueError``) naming a
``database_problems`` message; importers turn it into a ``Malformed`` error that names the
file and the entry. ``what`` names the kind of value (a ``database_problems.what_*`` message).
"""

from __future__ import annotations

import ipaddress
import re

from scanner.sigdb.problems import Reason, problem

_HEX_RE = re.compile(r"^[0-9A-F]+$")
_UPPER_SHA1_RE = re.compile(r"^[0-9A-F]{40}$")
# Android package names: dot-separated Java identifiers. Upstream lists only well-formed
# names, but we accept '-' too because some vendors' ids on other stores use it.
_PACKAGE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$")
_LABEL_RE = re.compile(r"^[a-z0-9_]([a-z0-9_\-]*[a-z0-9_])?$")
CERT_SHA1_LEN = 40
CERT_SHA256_LEN = 64


def package(value: object) -> str:
    """An Android package name (or iOS bundle id), unchanged apart from whitespace."""
    text = _text(value, "what_package")
    if not _PACKAGE_RE.match(text):
        raise Reason("not_package", value=repr(text))
    return text


def certificate(value: object) -> str:
    """A signing-certificate fingerprint: SHA-1 or SHA-256, upper-case hex, no colons."""
    if isinstance(value, str) and len(value) == CERT_SHA1_LEN and _UPPER_SHA1_RE.match(value):
        return value  # already canonical: the common case when matching a phone's apps
    text = _text(value, "what_certificate").replace(":", "").replace(" ", "").upper()
    if len(text) not in (CERT_SHA1_LEN, CERT_SHA256_LEN) or not _HEX_RE.match(text):
        raise Reason("not_fingerprint", value=repr(value))
    return text


def sha256(value: object) -> str:
    """A file SHA-256 in lower-case hex (the way Echap and most tools print it)."""
    text = _text(value, "what_sha256").lower()
    if len(text) != CERT_SHA256_LEN or not _HEX_RE.match(text.upper()):
        raise Reason("not_sha256", value=repr(value))
    return text


def ip(value: object) -> str:
    """An IPv4 or IPv6 address in its standard text form."""
    text = _text(value, "what_ip")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise Reason("not_ip", value=repr(text)) from None


def domain(value: object) -> str:
    """A host name, lower-case, without a trailing dot."""
    text = _text(value, "what_domain").lower().rstrip(".")
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        raise Reason("not_domain", value=repr(text))
    return text


def host_or_url(value: object) -> str:
    """A website or download location: a domain, or a full URL kept as written."""
    text = _text(value, "what_website")
    if "://" in text:
        return text
    return domain(text)


def is_plain_host(value: str) -> bool:
    """True for a bare domain (safe to match as a host), False for a URL with a path."""
    return "://" not in value and "/" not in value


def name(value: object, what: str = "what_name") -> str:
    """A family or alternative name: a non-empty single line."""
    text = _text(value, what)
    if "\n" in text:
        raise Reason("several_lines", what=problem(what), value=repr(text))
    return text


def _text(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Reason("not_text", what=problem(what), type=type(value).__name__)
    text = str(value).strip()
    if not text:
        raise Reason("empty", what=problem(what))
    return text
