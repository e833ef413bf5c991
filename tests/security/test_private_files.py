"""Everything the tool creates is private (folders 0700, files 0600) whatever the umask.

Each case runs in its own process, because the umask belongs to the whole process: set in
the test process it would change every other test's files too.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.device.keys import load_or_create_signer
from scanner.private_files import create_private_file, make_private_dir

REPO = Path(__file__).resolve().parents[2]

# Creates one of everything the tool owns, under ROOT, with the given umask, and prints
# the mode of every path under ROOT.
CREATE_EVERYTHING = """
import json, os, stat, sys
from datetime import UTC, datetime
from pathlib import Path

os.umask(int(sys.argv[2], 8))
root = Path(sys.argv[1])

from scanner.casefile import (
    append_handover, generate_evidence_key, load_signing_key, save_scan, write_evidence,
)
from scanner.device.keys import load_or_create_signer
from tests.casefile.conftest import FAST_SCRYPT, PASSPHRASE, pixel8_capture, scan_at

load_or_create_signer()  # in $HOME/.config/phone-check
scan = scan_at(pixel8_capture(), datetime(2024, 3, 1, 10, 0, tzinfo=UTC))
save_scan(root / "cases" / "2024" / "case.phc", scan, PASSPHRASE, scrypt=FAST_SCRYPT)
save_scan(root / "cases" / "2024" / "case.phc", scan, PASSPHRASE, scrypt=FAST_SCRYPT)
key = generate_evidence_key(root / "keys" / "advocate.key")
pack = root / "packs" / "police" / "evidence"
write_evidence(pack, scan, signing_key=load_signing_key(key.private_path))
append_handover(pack, "PC Jane Doe", datetime(2024, 3, 2, 9, 0, tzinfo=UTC))
modes = {
    p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode)
    for p in root.rglob("*")
}
print(json.dumps(modes))
"""


def _create_everything(root: Path, umask: str) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
    env["HOME"] = str(root / "home")
    done = subprocess.run(
        [sys.executable, "-c", CREATE_EVERYTHING, str(root), umask],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    modes: dict[str, int] = json.loads(done.stdout.splitlines()[-1])
    return modes


def _expected_private(modes: dict[str, int], root: Path, existing: set[str]) -> dict[str, int]:
    return {
        path: (0o700 if (root / path).is_dir() else 0o600) for path in modes if path not in existing
    }


@pytest.mark.parametrize("umask", ["000", "022", "277"])
def test_everything_created_is_private_whatever_the_umask(tmp_path: Path, umask: str) -> None:
    # 000 would make files 0666; 277 would make folders 0500, which we could not write into.
    (tmp_path / "home").mkdir()

    modes = _create_everything(tmp_path, umask)

    existing = {"home"}
    assert modes.keys() >= {
        "home/.config",
        "home/.config/phone-check",
        "home/.config/phone-check/adbkey",
        "home/.config/phone-check/adbkey.pub",
        "cases",
        "cases/2024",
        "cases/2024/case.phc",
        "keys/advocate.key",
        "keys/advocate.key.pub",
        "packs/police/evidence/raw",
        "packs/police/evidence/manifest.json",
        "packs/police/evidence/manifest.sig",
        "packs/police/evidence/handovers.jsonl",
    }
    without_existing = {k: v for k, v in modes.items() if k not in existing}
    assert without_existing == _expected_private(modes, tmp_path, existing)


def test_an_existing_config_folder_keeps_its_own_mode(tmp_path: Path) -> None:
    config = tmp_path / "home" / ".config"
    config.mkdir(parents=True)
    config.chmod(0o755)

    modes = _create_everything(tmp_path, "000")

    assert modes["home/.config"] == 0o755
    assert modes["home/.config/phone-check"] == 0o700
    assert modes["home/.config/phone-check/adbkey"] == 0o600
    assert modes["home/.config/phone-check/adbkey.pub"] == 0o600


def test_loose_modes_on_the_tools_own_config_are_tightened_and_nothing_else(
    tmp_path: Path,
) -> None:
    # Files and folders from before this rule: the tool's own are made private on next use.
    config = tmp_path / "config"
    own = config / "phone-check"
    load_or_create_signer(own)
    config.chmod(0o755)
    own.chmod(0o777)
    (own / "adbkey").chmod(0o644)
    (own / "adbkey.pub").chmod(0o666)

    load_or_create_signer(own)

    assert stat.S_IMODE(config.stat().st_mode) == 0o755
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    assert stat.S_IMODE((own / "adbkey").stat().st_mode) == 0o600
    assert stat.S_IMODE((own / "adbkey.pub").stat().st_mode) == 0o600


def test_a_private_file_never_replaces_an_existing_one(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"mine")

    with pytest.raises(FileExistsError):
        create_private_file(path)

    assert path.read_bytes() == b"mine"


def test_a_private_folder_over_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "taken"
    path.write_bytes(b"a file, not a folder")

    with pytest.raises(FileExistsError):
        make_private_dir(path)

    assert path.read_bytes() == b"a file, not a folder"
