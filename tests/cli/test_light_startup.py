"""``--help`` and ``--version`` load only the argument parser, so they answer at once.

Speed itself is measured by ``bench/startup.py`` (goal 0.15 s); this proves the cause
that keeps it there: none of the heavy modules is imported to answer them. ``--help``
reads its own words (``help.yaml``, so YAML) but never Babel or the message catalogues.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "scanner.model",
    "scanner.report",
    "scanner.device",
    "scanner.i18n",  # the message catalogues
    "rich",
    "babel",
    "cryptography",
)
HEAVY_FOR = {"--help": HEAVY, "--version": (*HEAVY, "yaml")}

PROBE = """
import json, sys
from scanner.cli.main import main
try:
    main([{option!r}])
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_nothing_heavy(option: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(option=option)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = json.loads(done.stderr)
    heavy = HEAVY_FOR[option]
    assert done.stdout.strip()  # it answered
    assert not [m for m in loaded if m.split(".")[0] in heavy or m.startswith(heavy)]
