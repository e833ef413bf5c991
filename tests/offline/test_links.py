"""Every file of an offline input is read inside the folder the user gave, links followed."""

from __future__ import annotations

import shutil
import stat
import zipfile
from datetime import UTC, datetime

import pytest

from scanner.errors import InputUnsafe
from scanner.offline import load_capture, read_input, write_capture
from scanner.offline.bugreport import load_bugreport
from tests.offline.builders import real_androidqf_copy, real_bugreport_zip, zip_folder

CREATED = datetime(2024, 5, 1, tzinfo=UTC)


def test_symlinked_sub_folder_leading_outside_is_refused(tmp_path):
    elsewhere = real_androidqf_copy(tmp_path / "elsewhere" / "acq")
    given = tmp_path / "given"
    given.mkdir()
    (given / "acq").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InputUnsafe, match="leads outside the androidqf folder you gave"):
        read_input("androidqf", given)


def test_symlinked_sub_folder_inside_the_folder_is_read(tmp_path):
    given = tmp_path / "given"
    real_androidqf_copy(given / "store" / "acq")
    (given / "link").symlink_to(given / "store" / "acq", target_is_directory=True)
    # "store" holds no androidqf file itself; the link is the one acquisition sub-folder.
    source = read_input("androidqf", given)
    assert source.capture.get("getprop").output == (given / "store/acq/getprop.txt").read_bytes()


def test_symlinked_file_leading_outside_is_refused(tmp_path):
    folder = real_androidqf_copy(tmp_path / "acq")
    outside = tmp_path / "outside.json"
    shutil.copyfile(folder / "packages.json", outside)
    (folder / "packages.json").unlink()
    (folder / "packages.json").symlink_to(outside)
    with pytest.raises(InputUnsafe, match=r"packages\.json leads outside"):
        read_input("androidqf", folder)


def test_given_folder_may_itself_be_a_link(tmp_path):
    folder = real_androidqf_copy(tmp_path / "acq")
    (tmp_path / "shortcut").symlink_to(folder, target_is_directory=True)
    assert (
        read_input("androidqf", tmp_path / "shortcut").capture
        == read_input("androidqf", folder).capture
    )


def test_capture_file_linked_outside_is_refused(tmp_path):
    source = load_bugreport(real_bugreport_zip(tmp_path / "br.zip"))
    saved = write_capture(tmp_path / "capture", source, created_at=CREATED)
    victim = next(p for p in saved.iterdir() if p.name.endswith("dumpsys_package.txt"))
    outside = tmp_path / "copy.txt"
    shutil.copyfile(victim, outside)  # same bytes: only the link is wrong
    victim.unlink()
    victim.symlink_to(outside)
    with pytest.raises(InputUnsafe, match="leads outside the capture folder"):
        load_capture(saved)


def test_zip_entry_that_is_a_link_is_refused(tmp_path):
    archive = zip_folder(real_androidqf_copy(tmp_path / "acq"), tmp_path / "acq.zip")
    with zipfile.ZipFile(archive, "a") as handle:
        info = zipfile.ZipInfo("settings_global.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        handle.writestr(info, "/etc/passwd")
    with pytest.raises(InputUnsafe, match="as a link"):
        read_input("androidqf", archive)
