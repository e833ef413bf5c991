"""Regenerate the built-in simulator profiles (``clean``, ``infected``) from fabricate.

Usage: ``python tools/make_profiles.py [OUTPUT_DIR]`` (default: the package's profiles
folder). The committed profile files must be exactly what this writes; a test checks it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.fabricate import builtin_phones, write_profile  # noqa: E402

DEFAULT_OUTPUT = ROOT / "scanner" / "simulator" / "profiles"


def main(argv: Sequence[str] | None = None) -> int:
    """Write every built-in phone as ``<output>/<name>/``; returns an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        sys.stderr.write(__doc__ or "")
        return 2
    output = Path(args[0]) if args else DEFAULT_OUTPUT
    for phone in builtin_phones():
        write_profile(phone, output / phone.name)
        sys.stderr.write(f"wrote {output / phone.name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
