"""Which helplines a report shows, for the place the person is in (``--region``).

The UK has one emergency service but four nations, each with its own domestic abuse line
(the National Domestic Abuse Helpline is England's). With no region chosen a report shows
all four, so nobody gets a line for the wrong nation as their only help.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources.abc import Traversable

from scanner.guidance import Helpline, HelplineRegion, load_helplines
from scanner.i18n import Catalogue
from scanner.report.language import safe_catalogue

UK_NAME = "United Kingdom"
"""How helplines.yaml names the UK region: lines for the whole UK carry no nation label."""
NATIONS: tuple[str, ...] = ("england", "scotland", "wales", "northern-ireland")
REGIONS: tuple[str, ...] = ("uk", *NATIONS, "outside-uk")
"""The values ``--region`` accepts; ``uk`` (the default) means "somewhere in the UK"."""


@dataclass(frozen=True, slots=True)
class HelpChoice:
    """The helplines for one region, in the order a report shows them."""

    region: str
    name: str
    urgent: tuple[Helpline, ...]
    """Danger now (999, Silent Solution); always first."""
    main: tuple[tuple[str, Helpline], ...]
    """(where it serves, line): shown one a line on the first screen."""
    specialist: tuple[Helpline, ...]
    """Help for particular people (men, LGBT+, forced marriage, Deaf access)."""
    more: tuple[Helpline, ...]
    """Shown in the full report only."""
    outside_uk: bool = False
    """True when the reader is outside the UK: a pointer comes before the lines."""
    uk_name: str = UK_NAME
    """The UK region's name in the report's language (lines for the whole UK carry it)."""

    @property
    def all_lines(self) -> tuple[Helpline, ...]:
        return (*self.urgent, *(line for _, line in self.main), *self.specialist, *self.more)

    def as_region(self) -> HelplineRegion:
        """Every line as one region, for code that lists them all."""
        return HelplineRegion(code=self.region, name=self.name, lines=self.all_lines)


def _kind(region: HelplineRegion, kind: str) -> tuple[Helpline, ...]:
    return tuple(line for line in region if line.kind == kind)


def choose_help(
    region: str = "uk", base_dir: Traversable | None = None, lang: str = "en"
) -> HelpChoice:
    """The lines for ``region`` (one of ``REGIONS``), their words in ``lang`` where
    translated; raises ``GuidanceError`` when the helpline file cannot be read or lacks
    the region."""
    if region == "outside-uk":
        abroad = load_helplines("outside-uk", base_dir, lang)
        return HelpChoice(
            region=region,
            name=abroad.name,
            urgent=(),
            main=tuple((abroad.name, line) for line in abroad),
            specialist=(),
            more=(),
            outside_uk=True,
        )
    uk = load_helplines("uk", base_dir, lang)
    nations = NATIONS if region == "uk" else (region,)
    main: list[tuple[str, Helpline]] = []
    for nation in nations:
        lines = load_helplines(nation, base_dir, lang)
        main.extend((lines.name, line) for line in lines)
    main.extend((uk.name, line) for line in _kind(uk, "main"))
    here = load_helplines(region, base_dir, lang).name
    name = uk.name if region == "uk" else f"{here}, {uk.name}"
    return HelpChoice(
        region=region,
        name=name,
        urgent=_kind(uk, "urgent"),
        main=tuple(main),
        specialist=_kind(uk, "specialist"),
        more=_kind(uk, "more"),
        uk_name=uk.name,
    )


def from_region(emergency: HelplineRegion) -> HelpChoice:
    """One region's lines as they are (the code's own emergency lines, or a caller's list)."""
    return HelpChoice(
        region="uk",
        name=emergency.name,
        urgent=tuple(line for line in emergency if line.kind == "urgent"),
        main=tuple((emergency.name, line) for line in emergency if line.kind != "urgent"),
        specialist=(),
        more=(),
    )


def compact_lines(choice: HelpChoice, say: Catalogue | None = None) -> list[str]:
    """The helplines in as few lines as a first screen allows: danger now first, then each
    nation's domestic abuse line, then the specialist lines as one item."""
    say = say or safe_catalogue()
    out = []
    if choice.urgent:
        out.append(" ".join(line.short or line.description for line in choice.urgent))
    nations = [(where, line) for where, line in choice.main if where != choice.uk_name]
    others = [line for where, line in choice.main if where == choice.uk_name]
    if len(nations) > 1:
        # One line per nation would fill the screen: the numbers side by side, named.
        hours = {line.hours or "" for _, line in nations}
        same = next(iter(hours)).lower() if len(hours) == 1 else ""
        numbers = " · ".join(
            say.text("report.nation_number", place=where, number=line.number or "")
            for where, line in nations
        )
        if same:
            out.append(say.text("report.nation_lines_hours", hours=same, numbers=numbers))
        else:
            out.append(say.text("report.nation_lines", numbers=numbers))
    else:
        others = [line for _, line in nations] + others
    for line in others:
        contact = ", ".join(x for x in (line.number, line.website) if x)
        key = "report.helpline_short" if line.short else "report.helpline_short_bare"
        out.append(say.text(key, name=line.name, contact=contact, short=line.short or ""))
    if choice.specialist:
        parts = [
            say.text(
                "report.specialist_line_short" if line.short else "report.specialist_line",
                name=line.name,
                number=line.number or "",
                short=line.short or "",
            )
            for line in choice.specialist
        ]
        out.append(say.text("report.specialist_lines", lines="; ".join(parts)))
    return out
