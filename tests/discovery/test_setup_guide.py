"""The setup texts load for every maker, pick the right maker, and refuse bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.errors import GuidanceError
from scanner.guidance import load_guidance
from scanner.setup_guide import DEFAULT_BASE_DIR, OBSTACLE_IDS, load_setup_guide

VENDORS = ("samsung", "google", "xiaomi", "motorola", "oneplus", "huawei", "generic")


@pytest.mark.parametrize("vendor_id", VENDORS)
def test_every_vendor_has_all_three_step_lists(vendor_id: str):
    vendor = load_setup_guide().vendor(vendor_id)
    assert vendor.id == vendor_id
    assert vendor.developer_options and vendor.usb_debugging and vendor.after_scan
    assert any("seven times" in step for step in vendor.developer_options)
    assert any("USB debugging" in step for step in vendor.usb_debugging)
    assert any("Revoke USB debugging authorisations" in s for s in vendor.after_scan)


@pytest.mark.parametrize(
    ("alias", "vendor_id"),
    [("Pixel", "google"), ("redmi", "xiaomi"), ("POCO", "xiaomi"), ("oppo", "oneplus"),
     ("realme", "oneplus"), ("honor", "huawei"), ("galaxy", "samsung"), ("moto", "motorola")],
)  # fmt: skip
def test_vendor_aliases(alias: str, vendor_id: str):
    assert load_setup_guide().vendor(alias).id == vendor_id


def test_unknown_vendor_names_the_known_ones():
    with pytest.raises(GuidanceError) as caught:
        load_setup_guide().vendor("nokia")
    assert "samsung" in caught.value.message and "generic" in caught.value.message


@pytest.mark.parametrize(
    ("usb_vendor_id", "names", "expected"),
    [
        (0x04E8, (), "samsung"),
        (0x2717, (), "xiaomi"),
        (0x22D9, (), "oneplus"),
        (0x12D1, (), "huawei"),
        (0x22B8, (), "motorola"),
        # Many phones use Google's vendor id for debugging; their name wins.
        (0x18D1, ("Xiaomi", "Redmi_Note_8_Pro"), "xiaomi"),
        (0x18D1, ("Google Inc.", "Pixel_7"), "google"),
        (None, ("samsung",), "samsung"),  # getprop ro.product.manufacturer after connecting
        (None, ("HMD Global", "Nokia 5.4"), "generic"),
        (None, ("Microsoft",), "generic"),  # "mi" is matched as a whole word only
        (0x1234, ("SAMSUNG_Android",), "samsung"),  # not the generic "android" alias
    ],
)
def test_vendor_is_chosen_from_what_the_phone_reports(usb_vendor_id, names, expected):
    guide = load_setup_guide()
    assert guide.match_vendor(usb_vendor_id=usb_vendor_id, names=names).id == expected


def test_every_obstacle_has_a_text():
    guide = load_setup_guide()
    assert set(guide.obstacles) == set(OBSTACLE_IDS)


def test_placeholders_are_filled_and_braces_in_phone_names_stay_data():
    guide = load_setup_guide()
    text = guide.message("wait_phone_found", phone="Evil {0} {serial}")
    assert text == "We can see the phone: Evil (0) (serial)."


def test_finding_guidance_loader_ignores_the_setup_folder():
    # The setup texts sit in guidance/en/setup/; the finding loader skips sub-folders.
    assert (DEFAULT_BASE_DIR / "en" / "setup").is_dir()
    keys = load_guidance().keys()
    assert "setup" not in keys
    assert "messages" not in keys


@pytest.fixture
def setup_copy(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_BASE_DIR / "en" / "setup", tmp_path / "en" / "setup")
    return tmp_path


def refused(base: Path) -> str:
    with pytest.raises(GuidanceError) as caught:
        load_setup_guide(base_dir=base)
    return caught.value.message


def test_copy_of_the_shipped_files_loads(setup_copy: Path):
    assert load_setup_guide(base_dir=setup_copy).vendor_ids()[-1] == "generic"


def test_duplicate_key_is_refused(setup_copy: Path):
    path = setup_copy / "en" / "setup" / "google.yaml"
    path.write_text(path.read_text() + "name: Pixel again\n")
    assert "google.yaml" in refused(setup_copy)


def test_unknown_field_is_refused(setup_copy: Path):
    path = setup_copy / "en" / "setup" / "samsung.yaml"
    path.write_text(path.read_text() + "colour: blue\n")
    assert "unknown field(s) colour" in refused(setup_copy)


def test_id_must_match_file_name(setup_copy: Path):
    path = setup_copy / "en" / "setup" / "motorola.yaml"
    path.write_text(path.read_text().replace("id: motorola", "id: moto"))
    assert "must match the file name" in refused(setup_copy)


def test_unknown_placeholder_is_refused(setup_copy: Path):
    path = setup_copy / "en" / "setup" / "messages.yaml"
    path.write_text(path.read_text().replace("Tap Allow.", "Tap {button}."))
    assert "placeholder" in refused(setup_copy)


def test_missing_obstacle_text_is_refused(setup_copy: Path):
    path = setup_copy / "en" / "setup" / "obstacles.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("phone_locked:")])
    assert "missing field(s) phone_locked" in refused(setup_copy)


def test_missing_generic_guide_is_refused(setup_copy: Path):
    (setup_copy / "en" / "setup" / "generic.yaml").unlink()
    assert "incomplete" in refused(setup_copy)


def test_bad_usb_vendor_id_is_refused(setup_copy: Path):
    path = setup_copy / "en" / "setup" / "huawei.yaml"
    path.write_text(path.read_text().replace('"12d1"', '"0x12D1"'))
    assert "usb_vendor_ids" in refused(setup_copy)
