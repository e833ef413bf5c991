"""Phone check: ``python scan.py --help``."""

import sys

from scanner.cli import main

if __name__ == "__main__":
    sys.exit(main())
