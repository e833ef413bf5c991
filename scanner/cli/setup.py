"""``phone-check setup [--vendor NAME] [--after] [--udev-rule]``: getting a phone ready.

Part of the command line (prints and returns exit codes). The words come from
``guidance/en/setup/``; the phone's maker is taken from ``--vendor``, or from a phone
already plugged in, or the steps for any Android phone are shown.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scanner.cli.exits import Exit
from scanner.cli.obstacle_text import obstacle_text
from scanner.cli.words import error_words, words_for
from scanner.device.discovery import DetectedPhone, list_phones
from scanner.device.obstacles import Obstacle
from scanner.errors import GuidanceError
from scanner.i18n import Catalogue
from scanner.resources import udev_rule
from scanner.setup_guide import FALLBACK_VENDOR, SetupGuide, VendorGuide, guide_for


def _heading(console: Console, text: str) -> None:
    console.print()
    console.print(Text(text, style="bold"))


def _steps(console: Console, steps: Sequence[str]) -> None:
    # A grid keeps wrapped lines indented under their own step.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for number, step in enumerate(steps, start=1):
        grid.add_row(Text(f"{number}.", style="bold"), Text(step))
    console.print(grid)


def print_setup(console: Console, vendor: VendorGuide, guide: SetupGuide) -> None:
    """The steps that turn on USB debugging on ``vendor``'s phones, then connect."""
    from scanner.guidance import load_guidance

    console.print(Text(guide.message("setup_title"), style="bold underline"))
    console.print(Text(guide.message("setup_intro")))
    # Same words as the report's "before the check" note, so the two never disagree.
    console.print()
    console.print(Text(load_guidance(guide.lang).ui("before_scan")))
    _heading(console, f"{guide.message('developer_options_heading')} ({vendor.name})")
    _steps(console, vendor.developer_options)
    _heading(console, guide.message("usb_debugging_heading"))
    _steps(console, vendor.usb_debugging)
    if vendor.notes:
        _heading(console, guide.message("notes_heading"))
        for note in vendor.notes:
            console.print(Text("- ") + Text(note))
    console.print()
    console.print(Text(guide.message("menus_differ")))
    _heading(console, guide.message("connect_heading"))
    _steps(console, guide.message_list("connect_steps"))


def print_after_scan(console: Console, vendor: VendorGuide, guide: SetupGuide) -> None:
    """How to turn USB debugging and Developer options back off, safety caveat first."""
    _heading(console, f"{guide.message('after_scan_heading')} ({vendor.name})")
    console.print(Text(guide.message("after_scan_intro")))
    _steps(console, vendor.after_scan)


def step_printer(console: Console, guide: SetupGuide | None = None) -> Callable[[Obstacle], None]:
    """An ``on_step`` for ``wait_for_phone``: each step in words, as plain text (phone
    names escaped)."""

    def show(step: Obstacle) -> None:
        console.print()
        console.print(Text(obstacle_text(step, guide)))

    return show


def phone_chooser(
    console: Console, ask: Callable[[str], str] = input, say: Catalogue | None = None
) -> Callable[[Sequence[DetectedPhone]], DetectedPhone]:
    """A ``choose`` for ``wait_for_phone``: list the phones and ask for a number."""

    words = words_for() if say is None else say

    def choose(phones: Sequence[DetectedPhone]) -> DetectedPhone:
        console.print()
        for number, phone in enumerate(phones, start=1):
            console.print(Text(f"{number:>2}. {phone.label}"))
        while True:
            answer = ask(words.text("setup.which_phone", last=words.number(len(phones)))).strip()
            if answer.isdigit() and 1 <= int(answer) <= len(phones):
                return phones[int(answer) - 1]

    return choose


def _print_vendors(console: Console, guide: SetupGuide) -> None:
    _heading(console, guide.message("vendors_heading"))
    for vendor_id in guide.vendor_ids():
        # A maker's name and the option are the same in every language.
        console.print(Text(f"  {guide.vendors[vendor_id].name}: --vendor {vendor_id}"))


def run(
    args: argparse.Namespace,
    console: Console,
    *,
    detect: Callable[[], Sequence[DetectedPhone]] | None = None,
) -> int:
    """Print the setup steps; ``detect`` lists plugged-in phones (default: look on USB)."""
    if args.udev_rule:
        console.print(udev_rule().read_text(encoding="utf-8"), end="", markup=False)
        return Exit.OK
    say = words_for(args)
    try:
        guide = guide_for(say.lang)
    except GuidanceError as exc:
        console.print(Text(error_words(exc, say)))
        return exc.exit_code
    if args.vendor:
        try:
            vendor = guide.vendor(args.vendor)
        except GuidanceError as exc:
            console.print(Text(error_words(exc, say)))
            return Exit.USAGE
    else:
        vendor = _vendor_of((detect or list_phones)(), guide)
        if vendor.id != FALLBACK_VENDOR:
            console.print(Text(guide.message("detected_vendor", vendor=vendor.name)))
    if not args.after:
        print_setup(console, vendor, guide)
    print_after_scan(console, vendor, guide)
    _print_vendors(console, guide)
    return Exit.OK


def _vendor_of(phones: Sequence[DetectedPhone], guide: SetupGuide) -> VendorGuide:
    for phone in phones:
        vendor = guide.match_vendor(
            usb_vendor_id=phone.vendor_id, names=(phone.vendor, phone.model)
        )
        if vendor.id != FALLBACK_VENDOR:
            return vendor
    return guide.vendors[FALLBACK_VENDOR]
