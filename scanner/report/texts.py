"""The words every report shows, taken from ``guidance/`` (never written in code).

One adapter for the terminal and HTML reports. If the guidance files cannot be read, the
report still shows every finding and its evidence, and says the advice is missing.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable

from scanner.errors import GuidanceError
from scanner.guidance import (
    GuidanceLibrary,
    GuidanceText,
    HelplineRegion,
    load_guidance,
    load_helplines,
)
from scanner.report import fallback

_MISSING = "The advice texts could not be loaded, so only the findings are shown."


def _helpline_lines(region: HelplineRegion) -> tuple[str, ...]:
    lines = []
    for line in region:
        contact = " / ".join(x for x in (line.number, line.website) if x)
        hours = f" ({line.hours})" if line.hours else ""
        lines.append(f"{line.name}: {contact}{hours}. {line.description}")
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class ReportTexts:
    """Fixed texts plus guidance lookup for one language and helpline region."""

    library: GuidanceLibrary | None
    helplines: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def load(
        cls, lang: str = "en", region: str = "uk", base_dir: Traversable | None = None
    ) -> ReportTexts:
        """The texts from ``guidance/`` (or ``base_dir``); what cannot be read is named in
        ``problems`` and the code's own safety words stand in for it."""
        problems: list[str] = []
        library: GuidanceLibrary | None
        try:
            library = load_guidance(lang, base_dir)
        except GuidanceError as exc:
            library = None
            problems.append(f"{exc.message} {exc.detail}".strip())
        try:
            helplines = _helpline_lines(load_helplines(region, base_dir))
        except GuidanceError as exc:
            # The emergency numbers never depend on a file that can break.
            helplines = _helpline_lines(fallback.UK_EMERGENCY)
            problems.append(f"{exc.message} {exc.detail}".strip())
        return cls(library, helplines, tuple(problems))

    def _ui(self, key: str, default: str = "") -> str:
        if self.library is None:
            return default
        try:
            return self.library.ui(key)
        except GuidanceError:
            return default

    def guidance(self, key: str) -> GuidanceText | None:
        if self.library is None:
            return None
        try:
            return self.library.get(key)
        except GuidanceError:
            return None

    @property
    def title(self) -> str:
        return self._ui("screen_title", "Phone check")

    @property
    def incomplete(self) -> str:
        return self._ui("scan_incomplete", _MISSING)

    @property
    def removal_first(self) -> str:
        """The removal-risk warning; the code's own words if the guidance is missing."""
        text = self.guidance("known_stalkerware")
        return text.removal_warning if text and text.removal_warning else fallback.REMOVAL_WARNING

    def cannot_see(self, clean: bool) -> str:
        """What the scan cannot see; ``clean``: nothing worth a look was found."""
        if self.library is None:
            return _MISSING
        items: tuple[str, ...] = ()
        with contextlib.suppress(GuidanceError):
            items = self.library.ui_list("clean_result_cannot_see_list")
        body = self._ui("clean_result" if clean else "found_result_cannot_see")
        return "\n".join([body, *(f"• {item}" for item in items)]).strip()

    @property
    def after_scan(self) -> str:
        return self._ui("after_scan", _MISSING)
