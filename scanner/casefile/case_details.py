"""Who made an evidence pack, where, for which case, and what the survivor agreed to.

These go into the pack's manifest (so the hash chain and the signature cover them) and
into its printable summary. A detail not given is recorded as not given, never invented.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scanner.i18n import Catalogue

FIELD_NAMES: tuple[tuple[str, str], ...] = (
    ("examiner", "Examiner's name"),
    ("organisation", "Examiner's organisation"),
    ("reference", "Case reference"),
    ("place", "Place of the examination"),
    ("present", "Who was present"),
    ("consent", "What the survivor agreed may be recorded"),
)
"""(field, plain name) in the order they are asked for and shown; the English names are
the manifest's."""

FIELD_MESSAGES = {
    "examiner": "case.field_examiner",
    "organisation": "case.field_organisation",
    "reference": "case.field_reference",
    "place": "case.field_place",
    "present": "case.field_present",
    "consent": "case.field_consent",
}
"""Each case detail's name as a message, for the reader's language."""


@dataclass(frozen=True, slots=True)
class CaseDetails:
    examiner: str = ""
    organisation: str = ""
    reference: str = ""
    place: str = ""
    present: str = ""
    consent: str = ""

    def rows(self, say: Catalogue | None = None) -> tuple[tuple[str, str], ...]:
        """(plain name, value or "not given") for every detail, in order, in ``say``'s
        language (English when none is given)."""
        from scanner.i18n import catalogue

        say = say or catalogue()
        not_given = say.text("case.value_not_given")
        return tuple(
            (say.text(FIELD_MESSAGES[name]), getattr(self, name) or not_given)
            for name, _ in FIELD_NAMES
        )

    def missing(self) -> tuple[str, ...]:
        """Plain names of the details not given."""
        return tuple(label for name, label in FIELD_NAMES if not getattr(self, name))

    def as_manifest(self) -> dict[str, Any]:
        """The manifest's ``case`` object: every field, None where not given."""
        return {spec.name: getattr(self, spec.name) or None for spec in fields(self)}


def details_from(values: dict[str, str | None]) -> CaseDetails:
    """Case details from option values: blank and missing ones count as not given."""
    return CaseDetails(
        **{name: " ".join((values.get(name) or "").split()) for name, _ in FIELD_NAMES}
    )
