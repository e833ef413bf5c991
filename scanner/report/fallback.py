"""The safety words no missing or damaged file can take out of a report.

The texts normally come from ``guidance/``. If those files cannot be read (a broken
install, an edited file), every report still warns about the risk of removing an app
and still gives the emergency numbers, from here. Keep these in step with
``guidance/en/known_stalkerware.yaml`` and ``guidance/helplines.yaml``.
"""

from __future__ import annotations

from typing import Final

from scanner.guidance import Helpline, HelplineRegion

REMOVAL_WARNING: Final = (
    "Removing an app or changing a setting can alert the person who put it there. "
    "If they find out, they may become more dangerous. Removing it also destroys "
    "evidence. Please make a safety plan with an advocate before you change anything."
)

UK_EMERGENCY: Final = HelplineRegion(
    code="uk",
    name="United Kingdom",
    lines=(
        Helpline(
            id="emergency",
            name="Police emergency",
            kind="urgent",
            number="999",
            hours="Any time",
            description="If you are in danger now, call 999. If you cannot speak, "
            "listen, then press 55 when you are asked.",
            sources=("https://uksaysnomore.org/learn/domestic-abuse/stalking/",),
        ),
        Helpline(
            id="national_domestic_abuse_helpline",
            name="National Domestic Abuse Helpline (run by Refuge)",
            number="0808 2000 247",
            hours="Any time, day or night",
            website="nationaldahelpline.org.uk",
            description="Free and private help, day or night.",
            sources=("https://refuge.org.uk/",),
        ),
        Helpline(
            id="national_stalking_helpline",
            name="National Stalking Helpline (Suzy Lamplugh Trust)",
            number="0808 802 0300",
            description="Free advice if someone is stalking you.",
            sources=("https://uksaysnomore.org/learn/domestic-abuse/stalking/",),
        ),
    ),
)
"""The emergency numbers shown when ``guidance/helplines.yaml`` cannot be read."""
