"""``python -m scanner``: same as ``python scan.py``."""

import sys

from scanner.cli import main

sys.exit(main())
