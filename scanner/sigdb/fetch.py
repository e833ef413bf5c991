"""Downloading Echap's current indicator files: the one place sigdb touches the network.

Only ever used when the user explicitly asks for an update, never during a scan.
Callers pass a ``Fetcher`` so tests can supply bytes without a network.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from typing import Final

from scanner.errors import SignatureDBError

Fetcher = Callable[[str], bytes]
ECHAP_RAW_BASE: Final = "https://raw.githubusercontent.com/AssoEchap/stalkerware-indicators/master/"
MAX_DOWNLOAD_BYTES: Final = 32 * 1024 * 1024
TIMEOUT_S: Final = 30.0


def https_fetch(url: str) -> bytes:
    """GET an https URL with a time and size limit."""
    if not url.startswith("https://"):
        raise SignatureDBError.said("database_errors.update_not_https", f"refused url {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "phone-check"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            data: bytes = response.read(MAX_DOWNLOAD_BYTES + 1)
    except OSError as exc:
        raise SignatureDBError.said(
            "database_errors.update_not_downloaded", f"{url}: {exc}"
        ) from exc
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise SignatureDBError.said(
            "database_errors.update_too_large", f"{url}: more than {MAX_DOWNLOAD_BYTES} bytes"
        )
    return data
