"""Who made an evidence pack, where, for which case, and what the survivor agreed to.

These go into the pack's manifest (so the hash chain and the signature cover them) and
into its printable summary. A detail not given is recorded as not given, never invented.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

FIELD_NAMES: tuple[tuple[str, str], ...] = (
    ("examiner", "Examiner's name"),
    ("organisation", "Examiner's organisation"),
    ("reference", "Case reference"),
    ("place", "Place of the examination"),
    ("present", "Who was present"),
    ("consent", "What the survivor agreed may be recorded"),
)
"""(field, plain name) in the order they are asked for and shown."""


@dataclass(frozen=True, slots=True)
class CaseDetails:
    examiner: str = ""
    organisation: str = ""
    reference: str = ""
    place: str = ""
    present: str = ""
    consent: str = ""

    def rows(self) -> tuple[tuple[str, str], ...]:
        """(plain name, value or "not given") for every detail, in order."""
        return tuple((label, getattr(self, name) or "not given") for name, label in FIELD_NAMES)

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
