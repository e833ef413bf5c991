"""``phone-check setup``: the steps on their own, for a chosen or a detected phone."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from scanner.cli.main import build_parser
from scanner.cli.setup import run as run_setup
from scanner.device.discovery import DetectedPhone
from scanner.guidance import load_guidance
from scanner.setup_guide import load_setup_guide


def run(argv: list[str], **kwargs: object) -> tuple[int, str]:
    console = Console(file=StringIO(), width=80, color_system=None)
    args = build_parser().parse_args(["setup", *argv])
    code = run_setup(args, console, **kwargs)  # type: ignore[arg-type]
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return code, " ".join(output.split())  # compare words, not line wrapping


def nothing_plugged_in() -> list[DetectedPhone]:
    return []


def test_samsung_steps_are_printed_in_order():
    code, out = run(["--vendor", "samsung"])
    assert code == 0
    order = [
        "Get the phone ready",
        "Tap About phone. Then tap Software information.",
        "Find Build number. Tap it seven times, quite fast.",
        "Find USB debugging and turn it on.",
        "Auto Blocker",
        'asks "Allow USB debugging?". Tap Allow.',
        "After the check (Samsung Galaxy)",
        "Tap Revoke USB debugging authorisations.",
    ]
    positions = [out.index(text) for text in order]
    assert positions == sorted(positions)


def test_setup_shows_the_reports_before_the_check_warning():
    _, out = run(["--vendor", "pixel"])
    assert " ".join(load_guidance().ui("before_scan").split()) in out


@pytest.mark.parametrize("vendor_id", load_setup_guide().vendor_ids())
def test_every_vendor_prints(vendor_id: str):
    code, out = run(["--vendor", vendor_id])
    assert code == 0
    assert load_setup_guide().vendor(vendor_id).usb_debugging[-1].split(".")[0] in out


def test_plugged_in_phone_chooses_the_steps():
    pixel = DetectedPhone(
        serial="2B04", vendor="Google Inc.", model="Pixel 7", adb_enabled=False, busnum=1,
        devnum=9, devpath="x", vendor_id=0x18D1, file_transfer=True,
    )  # fmt: skip
    code, out = run([], detect=lambda: [pixel])
    assert code == 0
    assert "These steps are for the phone we can see, a Google Pixel." in out
    assert "Tap System, then Developer options." in out


def test_no_phone_and_no_vendor_gives_the_generic_steps():
    code, out = run([], detect=nothing_plugged_in)
    assert code == 0
    assert "type Build number" in out.replace("Type Build number", "type Build number")
    assert "we can see" not in out


def test_after_only_skips_the_turn_on_steps():
    code, out = run(["--vendor", "xiaomi", "--after"])
    assert code == 0
    assert "MIUI version" not in out
    assert out.index("make a safety plan with an advocate") < out.index("Tap Revoke")


def test_unknown_vendor_is_a_usage_error_naming_the_choices():
    code, out = run(["--vendor", "nokia"])
    assert code == 2
    assert "There are no setup steps for 'nokia'" in out and "samsung" in out


def test_vendor_list_is_shown():
    _, out = run(["--vendor", "generic"])
    assert "Xiaomi, Redmi or POCO: --vendor xiaomi" in out


def test_phone_chooser_asks_until_a_listed_number_is_given():
    from scanner.cli.setup import phone_chooser

    phones = [
        DetectedPhone(serial=s, vendor="Google Inc.", model="Pixel 7", adb_enabled=True,
                      busnum=1, devnum=n, devpath=s)
        for n, s in enumerate(("A1", "B2"), start=5)
    ]  # fmt: skip
    answers = iter(["", "3", "two", "2"])
    console = Console(file=StringIO(), width=80, color_system=None)
    chosen = phone_chooser(console, ask=lambda _prompt: next(answers))(phones)
    assert chosen.serial == "B2"
    assert "1. Google Inc. Pixel 7 (A1)" in console.file.getvalue()  # type: ignore[attr-defined]


def test_step_printer_shows_phone_names_as_text_not_markup():
    from scanner.cli.setup import step_printer
    from scanner.device.obstacles import Obstacle

    console = Console(file=StringIO(), width=80, color_system=None)
    step_printer(console)(Obstacle("wait_phone_found", (("phone", "[bold]Evil[/bold]"),)))
    assert "[bold]Evil[/bold]" in console.file.getvalue()  # type: ignore[attr-defined]
