"""The words for what the device layer reports by id: obstacles and where a wait stands.

The device layer names each obstacle with an id and the facts it saw
(``scanner.device.obstacles.Obstacle``); this is where those become text, from the setup
guide (``guidance/<lang>/setup/``), with the steps of the phone maker that fits.
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.device.discovery import DetectedPhone
from scanner.device.obstacles import STEPS_FROM_MAKER, Obstacle
from scanner.setup_guide import SetupGuide, VendorGuide, default_guide


def vendor_for(phone: DetectedPhone, guide: SetupGuide | None = None) -> VendorGuide:
    """The setup steps that fit what the phone reports over USB."""
    return (guide or default_guide()).match_vendor(
        usb_vendor_id=phone.vendor_id, names=(phone.vendor, phone.model)
    )


def maker_steps(obstacle: Obstacle, guide: SetupGuide | None = None) -> tuple[str, ...]:
    """The numbered phone steps the fix needs: turning on USB debugging, for that maker."""
    if obstacle.id not in STEPS_FROM_MAKER or obstacle.phone is None:
        return ()
    vendor = vendor_for(obstacle.phone, guide)
    return (*vendor.developer_options, *vendor.usb_debugging)


def obstacle_text(obstacle: Obstacle, guide: SetupGuide | None = None) -> str:
    """The obstacle in plain words: what is wrong, what to try, steps, exact commands.

    A waiting notice (an id among the setup messages, e.g. ``wait_plug_in``) is its one
    message.
    """
    guide = guide or default_guide()
    values = dict(obstacle.values)
    if obstacle.id not in guide.obstacles:
        return guide.message(obstacle.id, **values)
    words = guide.obstacle(obstacle.id, **values)
    lines = [words.message, words.fix]
    lines += [f"  {n}. {step}" for n, step in enumerate(maker_steps(obstacle, guide), start=1)]
    lines += [f"    {command}" for command in obstacle.commands]
    return "\n".join(lines)


def obstacle_words(guide: SetupGuide | None = None) -> Callable[[Obstacle], str]:
    """``obstacle_text`` bound to one guide."""
    return lambda obstacle: obstacle_text(obstacle, guide)
