"""A case file saved through the CLI holds nothing readable without the passphrase."""

from __future__ import annotations

import base64
import stat
import zlib
from pathlib import Path

import pytest

from scanner.casefile import load_case
from scanner.cli import main
from scanner.cli.outputs import PASSPHRASE_ENV
from scanner.simulator import SimulatedPhone, load_profile

PASSPHRASE = "seven quiet owls over the river"
SECRETS = ("com.systemservice", "SIMINFECTED01", "SM-A525F", "dumpsys", "TheTruthSpy")


def test_saved_case_file_contains_no_plaintext(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    case = tmp_path / "phone.case"
    with SimulatedPhone(load_profile("infected")) as phone:
        assert main(["--serial", phone.serial_address, "--save", str(case)]) == 0
    capsys.readouterr()
    data = case.read_bytes()
    for secret in SECRETS:
        word = secret.encode()
        for form in (word, word.upper(), base64.b64encode(word)[:-2], secret.encode("utf-16-le")):
            assert form not in data, secret
    # Not merely compressed: the body does not inflate.
    with pytest.raises(zlib.error):
        zlib.decompress(data[91:])
    assert stat.S_IMODE(case.stat().st_mode) == 0o600
    # ...and it is the scan: it opens with the passphrase and names the spy app.
    scans = load_case(case, PASSPHRASE).scans
    assert any(f["package"] == "com.systemservice" for f in scans[0].report["findings"])


def test_a_forged_header_cannot_make_opening_allocate_gigabytes(tmp_path: Path) -> None:
    import hashlib
    import struct

    from scanner.casefile.crypto import MAGIC, open_sealed
    from scanner.errors import CaseFileDamaged

    # Every field within its own bound, but together 128 * 32 * 2**22 bytes = 16 GiB.
    fields = struct.pack(">8sHBHH16s12s16s", MAGIC, 1, 22, 32, 16, b"s" * 16, b"n" * 12, b"k" * 16)
    forged = fields + hashlib.sha256(fields).digest() + b"\0" * 64
    with pytest.raises(CaseFileDamaged) as caught:
        open_sealed(forged, PASSPHRASE, "forged.case")
    assert "scrypt parameters out of range" in caught.value.detail
