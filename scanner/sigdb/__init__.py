"""The stalkerware signature database: formats, importers, fast lookups, integrity.

Checks use ``SignatureIndex`` over the database ``commands.load_active_db`` returns.
"""

from __future__ import annotations

from scanner.sigdb.index import Match, SignatureIndex
from scanner.sigdb.model import CAPABILITY_WORDS, Counts, Family, Header, Kind, Sample, SignatureDB

__all__ = [
    "CAPABILITY_WORDS",
    "Counts",
    "Family",
    "Header",
    "Kind",
    "Match",
    "Sample",
    "SignatureDB",
    "SignatureIndex",
]
