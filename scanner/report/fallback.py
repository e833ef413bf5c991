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

ADVICE_MISSING: Final = "The advice texts could not be loaded, so only the findings are shown."
"""Said when no guidance or message file can be read (a broken install)."""

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


MESSAGES: Final = {
    # What was not checked, and the section names: a report without them could seem to
    # say more than the scan checked. Keep in step with guidance/en/messages/.
    "headline.no_database": "The check for known stalkerware did not run, because no "
    "stalkerware database could be used. This scan cannot say whether known stalkerware "
    "is on the phone.",
    "headline.apps_unread": "The list of apps on the phone could not be read, so no app "
    "was checked. This scan cannot say whether a spy app is on the phone.",
    "headline.apps_partly_read": "The list of apps could only be read in part ({count} apps "
    "read). Apps that were not read were not checked, so this scan cannot say that no known "
    "stalkerware is on the phone.",
    "headline.other_parts_unread": "Some other parts of the phone could not be read; the "
    "report lists them.",
    "headline.found_known": "The scan found {count} known stalkerware apps.",
    "report.section_summary": "Summary",
    "report.section_first": "What to do first",
    "report.section_helplines": "Helplines",
    "report.section_found": "What the scan found",
    "report.section_cannot_see": "What this scan cannot see",
    "report.section_not_read": "What could not be read",
}
"""The code's own words for the messages that matter most, used only when no message
file can be read (a broken install); every other message then shows its facts alone."""
