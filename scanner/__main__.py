"""``python -m scanner``: same as ``phone-check`` and ``python scan.py``."""

import sys

from scanner.cli import main

sys.exit(main())
