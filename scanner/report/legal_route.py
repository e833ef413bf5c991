"""The legal route: shown under the findings of any report that has one worth acting on.

The risk of removing anything is said first, as in every finding's advice; the text itself
lives in ``guidance/en/legal_route.yaml`` with its sources.
"""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from scanner.errors import GuidanceError
from scanner.guidance import GuidanceLibrary, GuidanceText
from scanner.i18n import Catalogue
from scanner.model import ScanResult, Severity
from scanner.report.language import safe_catalogue
from scanner.report.timeline_views import esc

KEY = "legal_route"


def applies(result: ScanResult) -> bool:
    """Only a finding above "for your information" calls for the legal route."""
    return any(f.severity is not Severity.INFO for f in result.findings)


def _text(library: GuidanceLibrary | None) -> GuidanceText | None:
    if library is None:
        return None
    try:
        return library.get(KEY)
    except GuidanceError:
        return None


def print_legal_route(
    result: ScanResult,
    console: Console,
    library: GuidanceLibrary | None,
    *,
    full: bool = True,
    say: Catalogue | None = None,
) -> None:
    """The legal route; ``full`` False (the short screen report): its title and where it is."""
    text = _text(library)
    if text is None or not applies(result):
        return
    if not full:
        # Only the terminal's details and an evidence pack's summary hold it: the HTML
        # report keeps to its printed-page budget.
        say = say or safe_catalogue()
        console.print(Text(say.text("report.legal_route_pointer", title=text.title)))
        return
    console.rule(text.title)
    if text.removal_warning:
        console.print(Padding(Text(text.removal_warning, style="bold"), (0, 1)))
    console.print(Padding(Text(text.what_it_means), (0, 1)))
    for option in text.options:
        console.print(Padding(Text(f"• {option}"), (0, 1)))


def legal_route_section(
    result: ScanResult,
    library: GuidanceLibrary | None,
    *,
    full: bool = False,
    say: Catalogue | None = None,
) -> str:
    """The legal route as an HTML section. The report's removal warning already comes
    before it ("What to do first"); ``full`` repeats this text's own warning (the pack)."""
    text = _text(library)
    if text is None or not applies(result):
        return ""
    say = say or safe_catalogue()
    before = esc(say.text("report.before_you_change"))
    warning = (
        f'<div class="warning"><strong>{before}</strong><p>{esc(text.removal_warning)}</p></div>'
        if text.removal_warning and full
        else ""
    )
    options = "".join(f"<li>{esc(option)}</li>" for option in text.options)
    return (
        f"<section><h2>{esc(text.title)}</h2>{warning}<p>{esc(text.what_it_means)}</p>"
        f'<ul class="small">{options}</ul></section>'
    )
