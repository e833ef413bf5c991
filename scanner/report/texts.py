"""The words every report shows, taken from ``guidance/`` (never written in code).

One adapter for the terminal and HTML reports. If the guidance files cannot be read, the
report still shows every finding and its evidence, and says the advice is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources.abc import Traversable

import yaml

from scanner.errors import GuidanceError
from scanner.guidance import GuidanceLibrary, GuidanceText, load_guidance
from scanner.i18n import Catalogue, MessageError, load_catalogue
from scanner.report import fallback
from scanner.report.helpchoice import HelpChoice, choose_help, from_region
from scanner.report.language import safe_catalogue


def _messages(lang: str, base_dir: Traversable | None) -> Catalogue:
    """The messages from ``base_dir`` when it has them, else the installed ones: headings
    and counts are part of the program, and a folder without them must not stop a report."""
    if base_dir is not None:
        try:
            found = load_catalogue(lang, base_dir)
        except (MessageError, OSError, UnicodeDecodeError, yaml.YAMLError):
            found = None
        if found is not None and found.english:
            return found
    return safe_catalogue(lang)


@dataclass(frozen=True, slots=True)
class ReportTexts:
    """Fixed texts plus guidance lookup for one language and helpline region."""

    library: GuidanceLibrary | None
    help: HelpChoice = field(default_factory=lambda: from_region(fallback.UK_EMERGENCY))
    problems: tuple[str, ...] = field(default_factory=tuple)
    say: Catalogue = field(default_factory=safe_catalogue)
    """The report's messages (headings, counts, labels) in the same language."""

    @classmethod
    def load(
        cls,
        lang: str = "en",
        region: str = "uk",
        base_dir: Traversable | None = None,
        say: Catalogue | None = None,
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
            help_choice = choose_help(region, base_dir, lang)
        except GuidanceError as exc:
            # The emergency numbers never depend on a file that can break.
            help_choice = from_region(fallback.UK_EMERGENCY)
            problems.append(f"{exc.message} {exc.detail}".strip())
        return cls(library, help_choice, tuple(problems), say or _messages(lang, base_dir))

    def ui(self, key: str, default: str = "") -> str:
        """A fixed report text, or ``default`` when the guidance cannot give it."""
        if self.library is None:
            return default
        try:
            return self.library.ui(key)
        except GuidanceError:
            return default

    def ui_list(self, key: str) -> tuple[str, ...]:
        if self.library is None:
            return ()
        try:
            return self.library.ui_list(key)
        except GuidanceError:
            return ()

    def guidance(self, key: str) -> GuidanceText | None:
        if self.library is None:
            return None
        try:
            return self.library.get(key)
        except GuidanceError:
            return None

    @property
    def title(self) -> str:
        return self.ui("screen_title", "Phone check")

    @property
    def missing(self) -> str:
        """Said when the advice texts could not be loaded."""
        if not self.say.english:  # no message file either: the code's own words
            return fallback.ADVICE_MISSING
        return self.say.text("report.no_guidance")

    @property
    def incomplete(self) -> str:
        return self.ui("scan_incomplete", self.missing)

    @property
    def removal_first(self) -> str:
        """The removal-risk warning; the code's own words if the guidance is missing."""
        text = self.guidance("known_stalkerware")
        return text.removal_warning if text and text.removal_warning else fallback.REMOVAL_WARNING

    def cannot_see(self, clean: bool) -> str:
        """What the scan cannot see, in full; ``clean``: nothing worth a look was found."""
        if self.library is None:
            return self.missing
        items = self.ui_list("clean_result_cannot_see_list")
        body = self.ui("clean_result" if clean else "found_result_cannot_see")
        return "\n".join([body, *(f"• {item}" for item in items)]).strip()

    @property
    def after_scan(self) -> str:
        return self.ui("after_scan", self.missing)
