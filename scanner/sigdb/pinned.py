"""The SHA-256 of the database shipped with this version of the scanner, pinned in code.

The manifest beside the shipped file records the same hash, but anyone who can edit the
file can edit the manifest too. This constant is checked as well, so editing the shipped
database means editing the scanner's code. ``tools/build_signatures.py`` rewrites this
file when the shipped database is rebuilt; ``tests/sigdb/test_pinned.py`` keeps them equal.
"""

from typing import Final

SHIPPED_SHA256: Final = "8651c38c707781550c544c3b3048484661b95e72a47108eb65858544d5c69ca3"
