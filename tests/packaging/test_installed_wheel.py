"""The product as a user installs it: a wheel in a fresh virtual environment, run from an
empty folder, far from the checkout. Nothing here imports the checkout's code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STALKERWARE = {"com.mobiletrackerfree.www", "com.systemservice"}
REMOVAL_RISK = "Removing this app can alert the person who put it there."
UK_NUMBERS = ("999", "0808 2000 247", "0808 802 0300")


@dataclass(frozen=True, slots=True)
class Installed:
    """A fresh virtual environment holding only the wheel and its dependencies."""

    venv: Path
    site_packages: Path
    home: Path

    @property
    def phone_check(self) -> Path:
        return self.venv / "bin" / "phone-check"

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
        }
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / "config"),
            XDG_DATA_HOME=str(self.home / "data"),
            NO_COLOR="1",
            COLUMNS="200",
        )
        return subprocess.run(
            [str(self.phone_check), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )


def _pip(*args: str, python: str = sys.executable) -> None:
    subprocess.run(
        [python, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "-w", str(out), str(REPO))
    (built,) = out.glob("phone_check-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    _pip("install", str(wheel), python=python)
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return Installed(venv, Path(purelib), tmp_path_factory.mktemp("home"))


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


@pytest.fixture
def spoiled(installed: Installed) -> Iterator[Installed]:
    """The same install; whatever a test edits in it is put back afterwards."""
    backup = installed.home / "backup"
    for name in ("guidance", "signatures"):
        shutil.copytree(installed.site_packages / name, backup / name)
    yield installed
    for name in ("guidance", "signatures"):
        shutil.rmtree(installed.site_packages / name, ignore_errors=True)
        shutil.copytree(backup / name, installed.site_packages / name)
    shutil.rmtree(backup)


def test_the_wheel_carries_the_data_the_scanner_reads(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "guidance/en/known_stalkerware.yaml",
        "guidance/en/ui.yaml",
        "guidance/en/setup/samsung.yaml",
        "guidance/helplines.yaml",
        "guidance/udev/51-android-phone-check.rules",
        "signatures/stalkerware.yaml",
        "signatures/installed.json",
        "scanner/report/report.schema.json",
        "scanner/simulator/profiles/infected/profile.yaml",
    ):
        assert needed in names, needed
    assert not any(name.startswith("tests/") for name in names)


def test_demo_from_an_empty_folder_finds_both_apps_and_gives_the_safety_words(
    installed: Installed, empty: Path
) -> None:
    done = installed.run("--demo", "--json", "r.json", "--html", "r.html", cwd=empty)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    report = json.loads((empty / "r.json").read_text(encoding="utf-8"))
    found = {f["package"] for f in report["findings"] if f["severity"] == "stalkerware"}
    assert found == STALKERWARE
    assert report["summary"]["database_used"] is True
    assert report["complete"] is True
    page = (empty / "r.html").read_text(encoding="utf-8")
    flat_page = " ".join(page.split())
    assert REMOVAL_RISK in flat_page
    for number in UK_NUMBERS:
        assert number in page
    assert REMOVAL_RISK in " ".join(done.stdout.split())
    assert sorted(p.name for p in empty.iterdir()) == ["r.html", "r.json"]


def test_setup_steps_and_help_work_when_installed(installed: Installed, empty: Path) -> None:
    setup = installed.run("setup", "--vendor", "samsung", cwd=empty)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert "Developer options" in setup.stdout
    assert "missing" not in setup.stdout.lower()


def test_an_edited_shipped_database_is_refused_and_the_headline_says_the_check_did_not_run(
    spoiled: Installed, empty: Path
) -> None:
    import hashlib
    from dataclasses import replace

    from scanner.sigdb import store  # only to write the manifest as an attacker would

    folder = spoiled.site_packages / "signatures"
    db_file = folder / "stalkerware.yaml"
    text = db_file.read_text(encoding="utf-8")
    db_file.write_text(text.replace("  - com.systemservice\n", "", 1), encoding="utf-8")
    manifest = store.read_manifest(folder)
    assert manifest is not None
    digest = hashlib.sha256(db_file.read_bytes()).hexdigest()
    store.write_manifest(folder, replace(manifest, sha256=digest))

    done = spoiled.run("--demo", "--json", "r.json", cwd=empty)

    assert done.returncode == 7, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    report = json.loads((empty / "r.json").read_text(encoding="utf-8"))
    assert report["summary"]["database_used"] is False
    assert report["summary"]["headline"][0].startswith(
        "The check for known stalkerware did not run"
    )
    out = " ".join(done.stdout.split())
    assert "has been changed" in out
    assert "No known stalkerware" not in out
    assert out.index("The check for known stalkerware did not run") < out.index("Help")


def test_without_guidance_files_reports_keep_the_removal_warning_and_numbers(
    spoiled: Installed, empty: Path
) -> None:
    guidance = spoiled.site_packages / "guidance"
    for yaml_file in guidance.rglob("*.yaml"):
        yaml_file.unlink()

    done = spoiled.run("--demo", "--json", "r.json", "--html", "r.html", cwd=empty)

    assert "Traceback" not in done.stdout + done.stderr
    # The scan ran and the reports were written, but the advice could not be read.
    assert done.returncode == 8, done.stdout + done.stderr
    page = " ".join((empty / "r.html").read_text(encoding="utf-8").split())
    out = " ".join(done.stdout.split())
    for text in (page, out):
        assert "can alert the person who put it there" in text
        for number in UK_NUMBERS:
            assert number in text
    report = json.loads((empty / "r.json").read_text(encoding="utf-8"))
    found = {f["package"] for f in report["findings"] if f["severity"] == "stalkerware"}
    assert found == STALKERWARE


def test_nothing_imports_the_checkout(installed: Installed, empty: Path) -> None:
    done = subprocess.run(
        [
            str(installed.venv / "bin" / "python"),
            "-c",
            "import scanner, guidance, signatures; "
            "print(scanner.__file__, guidance.__file__, signatures.__file__)",
        ],
        cwd=empty,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    for path in done.stdout.split():
        assert Path(path).is_relative_to(installed.site_packages), path
    assert sysconfig.get_paths()["purelib"] != str(installed.site_packages)


def test_with_the_data_packages_gone_the_scan_still_warns_and_names_what_is_missing(
    spoiled: Installed, empty: Path
) -> None:
    shutil.rmtree(spoiled.site_packages / "guidance")
    shutil.rmtree(spoiled.site_packages / "signatures")

    done = spoiled.run("--demo", "--json", "r.json", cwd=empty)

    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 7, done.stdout + done.stderr
    out = " ".join(done.stdout.split())
    assert out.index("The check for known stalkerware did not run") < out.index("Help")
    for number in UK_NUMBERS:
        assert number in out
    report = json.loads((empty / "r.json").read_text(encoding="utf-8"))
    assert report["summary"]["database_used"] is False
