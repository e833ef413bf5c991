"""The SHA-256 of the database shipped with this version of the scanner, pinned in code.

The manifest beside the shipped file records the same hash, but anyone who can edit the
file can edit the manifest too. This constant is checked as well, so editing the shipped
database means editing the scanner's code. ``tools/build_signatures.py`` rewrites this
file when the shipped database is rebuilt; ``tests/sigdb/test_pinned.py`` keeps them equal.
"""

from typing import Final

SHIPPED_SHA256: Final = "60da6fc1c781d1f97c768c7c060a2e649879e462b629d894f0ae444fd1da7f8b"
