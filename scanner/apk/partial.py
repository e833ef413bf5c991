"""Read who signed an APK, and its label, from only the parts of it that say so.

``plan_reads`` walks the same structures the full readers walk (``zipread``, ``signing``,
``jar``, ``manifest``), over the bytes known so far, and names the byte ranges still
needed: the End of Central Directory (the last bytes), the central directory, the APK
Signing Block before it, and the local header and data of each ``META-INF`` signature
block (v1) and, for a label, ``AndroidManifest.xml`` and ``resources.arsc``. Once nothing
is missing, ``read_known`` runs the full readers over a file-sized view in which only
those ranges are filled: every byte they read is a byte of the real file, so what they
find is what a whole pull finds (the test suite compares both on every real APK).

Each step needs the one before (the trailer locates the directory, the directory the
entries), so a caller reads in rounds; the guesses below make three rounds enough for
almost every APK, a fourth mops up.

The v1 signature is the one part that needs the central directory, and a real app's
directory lists thousands of files (tens of kilobytes, more than all the rest). Android 7
and later identify an app by its v2/v3 signer when it has one and never look at v1 then,
so where only the certificate is wanted (no label) on such a phone, the signing block is
read first and the directory only if the block gives no signer the phone uses
(``v1_needed``). What is read then is what a whole pull gives with v1 left out.
"""

from __future__ import annotations

import mmap
import struct
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Final, NamedTuple

from scanner.apk import jar
from scanner.apk.manifest import MANIFEST_ENTRY, TABLE_ENTRY, ApkManifest, read_manifest
from scanner.apk.signers import SCHEME_V2, SINCE_SDK
from scanner.apk.signing import SIGNING_BLOCK_MAGIC, ApkSigners, read_signers
from scanner.apk.zipread import EOCD_SIZE, BadZip, ZipEntry, find_eocd, iter_signature_entries
from scanner.model import Words

TAIL_GUESS: Final = 8 * 1024
"""Bytes read from the end first: the trailer, and the whole directory of a small app."""

BLOCK_GUESS: Final = 16 * 1024
"""Bytes read before the central directory along with it: a signing block is 2 to 12 KB
(certificates, signatures, padding to 4 KB when verity is on)."""

BLOCK_ALONE_GUESS: Final = 8 * 1024
"""Bytes read before the directory when the signing block is read alone (``v1_needed``):
a v2/v3 block padded to 4 KB is 4 or 8 KB (130 of the 138 in ../shared/real-apks fit)."""

V2_SINCE: Final = SINCE_SDK[SCHEME_V2]
"""Android 7 (API 24): from here a v2/v3 signer, when there is one, is the app's identity."""

LOCAL_SLACK: Final = 256
"""Extra bytes read after an entry's expected end: the local header's extra field (zipalign
padding) is usually not the central directory's length."""

MAX_PARTIAL_BYTES: Final = 24 * 1024 * 1024
"""Past this many bytes for one APK, reading parts saves little: read it whole instead."""

_KEEP_WHOLE: Final = 16 * 1024
"""A store app's file this small, read whole with its certificate, is kept whole for its
label (2,000 such apps hold 32 MB at most)."""
_SMALL_VIEW: Final = 256 * 1024
"""Files up to this size are viewed in a plain buffer, larger ones in an anonymous map."""
_MAX_COMMENT_SEARCH: Final = EOCD_SIZE + 0xFFFF
_LOCAL_HEADER: Final = 30
_MAX_ENTRIES: Final = 500_000


class KnownBytes:
    """The byte ranges of one file read so far (its size is known)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._starts: list[int] = []
        self._pieces: list[bytes] = []
        self._view: memoryview | None = None
        """The last ``view()``, until more bytes are added (planning asks for it often)."""
        self.directory_entries: list[ZipEntry] | None = None
        """What ``_wanted_entries`` found in the central directory, labels' entries
        included: walked once per file read, as ``label_parts`` below."""
        self.block_signers: ApkSigners | None = None
        """The signers the signing block gives, v1 left out (``v1_needed``), once it is
        all known: asked again each round, and by ``read_known``."""
        self.label_parts: tuple[ZipEntry, ...] | None = None
        """What ``label_entries`` found in the central directory: once found it stays
        (the directory of one file read does not change), and a big app's directory is
        thousands of entries to walk again."""

    def add(self, start: int, data: bytes) -> None:
        """Record ``data`` at ``start`` (merged with what touches it)."""
        if not data:
            return
        self._view = None
        end = start + len(data)
        keep_starts, keep_pieces = [], []
        merged_start, merged = start, bytearray(data)
        for s, piece in zip(self._starts, self._pieces, strict=True):
            e = s + len(piece)
            if e < merged_start or s > merged_start + len(merged):
                keep_starts.append(s)
                keep_pieces.append(piece)
                continue
            low = min(s, merged_start)
            high = max(e, merged_start + len(merged), end)
            joined = bytearray(high - low)
            joined[s - low : e - low] = piece
            joined[merged_start - low : merged_start - low + len(merged)] = merged
            merged_start, merged = low, joined
        keep_starts.append(merged_start)
        keep_pieces.append(bytes(merged))
        order = sorted(range(len(keep_starts)), key=keep_starts.__getitem__)
        self._starts = [keep_starts[i] for i in order]
        self._pieces = [keep_pieces[i] for i in order]

    def release_view(self) -> None:
        """Let the last ``view()`` go (the next one is built afresh)."""
        self._view = None

    def whole(self) -> bool:
        """True when every byte of the file is known."""
        return self._starts == [0] and len(self._pieces[0]) == self.size

    def has(self, start: int, end: int) -> bool:
        """True when every byte of ``[start, end)`` inside the file is known."""
        start, end = max(start, 0), min(end, self.size)
        if start >= end:
            return True
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and self._starts[i] + len(self._pieces[i]) >= end

    def known_bytes(self) -> int:
        return sum(len(p) for p in self._pieces)

    def suffix(self) -> bytes:
        """The known bytes that reach the end of the file (empty if the end is unknown)."""
        if self._pieces and self._starts[-1] + len(self._pieces[-1]) == self.size:
            return self._pieces[-1]
        return b""

    def view(self) -> memoryview:
        """A file-sized view, known ranges filled, the rest zero (untouched pages cost no
        memory: an anonymous map)."""
        if self._view is not None:
            return self._view
        if self.size == 0:
            return memoryview(b"")
        if self.whole():
            return memoryview(self._pieces[0])  # all of it is known: no copy
        # A small file's zeros cost less than a map's system calls.
        buffer = bytearray(self.size) if self.size <= _SMALL_VIEW else mmap.mmap(-1, self.size)
        for start, piece in zip(self._starts, self._pieces, strict=True):
            buffer[start : start + len(piece)] = piece
        self._view = memoryview(buffer)
        return self._view


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``plan_reads`` decided for one APK."""

    ranges: tuple[tuple[int, int], ...] = ()
    """Byte ranges ``[start, end)`` still to read; empty when everything needed is known."""
    too_big: bool = False
    """The parts needed add up to more than ``MAX_PARTIAL_BYTES``: read the file whole."""

    @property
    def done(self) -> bool:
        return not self.ranges and not self.too_big


class _Needs:
    def __init__(self, known: KnownBytes) -> None:
        self.known = known
        self.ranges: list[tuple[int, int]] = []

    def want(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` is known; otherwise it is added to the plan."""
        start, end = max(start, 0), min(end, self.known.size)
        if self.known.has(start, end):
            return True
        self.ranges.append((start, end))
        return False


def plan_reads(known: KnownBytes, labels: bool, platform_sdk: int | None = None) -> Plan:
    """The ranges still needed to read the certificates (and, if ``labels``, the label).

    ``platform_sdk``: the phone's API level, when the v1 signature may be left unread for
    a v2/v3 signer the phone uses (None: it is always read)."""
    needs = _Needs(known)
    size = known.size
    if not needs.want(size - TAIL_GUESS, size):
        return _plan(needs)
    suffix = known.suffix()
    found = find_eocd(memoryview(suffix))
    if found is None:
        # Not in what was read: search as far back as a ZIP comment can reach.
        needs.want(size - _MAX_COMMENT_SEARCH, size)
        return _plan(needs)
    eocd = size - len(suffix) + found
    cd_size, cd_offset = struct.unpack_from("<II", suffix, found + 12)
    if cd_offset + cd_size > eocd:
        return _plan(needs)  # the readers stop here (ZIP64 or damaged): nothing more to read
    view = known.view()
    has_block = cd_offset + cd_size == eocd and cd_offset >= 32
    if _may_skip_v1(labels, platform_sdk):
        # The block alone first: with a signer this phone uses, nothing else is needed.
        if has_block and not _signing_block(needs, view, cd_offset, BLOCK_ALONE_GUESS):
            return _plan(needs)
        if not v1_needed(known, labels, platform_sdk):
            return _plan(needs)
        has_block = False  # all of it is known by now
    directory = needs.want(cd_offset, cd_offset + cd_size)
    if has_block:
        _signing_block(needs, view, cd_offset, BLOCK_GUESS)
    if not directory:
        return _plan(needs)
    try:
        entries = _known_entries(known, labels)
    except BadZip:
        entries = []  # the readers say what is damaged; what they read before it is known
    for entry in entries:
        _entry(needs, view, entry)
    return _plan(needs)


def _plan(needs: _Needs) -> Plan:
    # A file-sized view kept after planning would be held for every app of a round at
    # once, until more bytes come or a worker reads the app (hundreds of MB on a big phone).
    needs.known.release_view()
    total = needs.known.known_bytes() + sum(end - start for start, end in needs.ranges)
    if total > MAX_PARTIAL_BYTES:
        return Plan(too_big=True)
    return Plan(tuple(needs.ranges))


def _signing_block(needs: _Needs, view: memoryview, cd_offset: int, guess: int) -> bool:
    """The APK Signing Block, if the bytes before the directory end with its magic; True
    when nothing more is needed for it (all known, or there is none to read)."""
    if not needs.want(cd_offset - 24, cd_offset):
        # Its size is in those 24 bytes; read a typical block's worth with them.
        needs.ranges[-1] = (max(0, cd_offset - guess), cd_offset)
        return False
    tail = bytes(view[cd_offset - 24 : cd_offset])
    if tail[8:] != SIGNING_BLOCK_MAGIC:
        return True
    footer_size = struct.unpack_from("<Q", tail)[0]
    if footer_size < 24 or footer_size > cd_offset - 8:
        return True  # the reader reports it without reading more
    return needs.want(cd_offset - footer_size - 8, cd_offset)


def _may_skip_v1(labels: bool, platform_sdk: int | None) -> bool:
    return not labels and platform_sdk is not None and platform_sdk >= V2_SINCE


def v1_needed(known: KnownBytes, labels: bool, platform_sdk: int | None) -> bool:
    """Whether the v1 (JAR) signature is to be read, given the signing block is known.

    Not when only the certificate is wanted (``labels`` False), the phone runs Android 7
    or later and the block gives a signer it uses: Android then identifies the app by that
    signer and ignores v1 (apksig ``ApkSignatureVerifier`` falls back to v1 only when no
    v2/v3 signature is found), so a v1 signer could change neither the certificate matched
    nor what the phone trusts. The answer depends only on the block's bytes, so the plan
    and ``read_known`` agree on it whatever else was read.
    """
    if not _may_skip_v1(labels, platform_sdk):
        return True
    if known.block_signers is None:
        known.block_signers = read_signers(known.view(), "", known.size, v1=False)
    return not known.block_signers.current_signers(platform_sdk)


_LABEL_NAMES: Final = frozenset({MANIFEST_ENTRY.encode(), TABLE_ENTRY.encode()})


def _known_entries(known: KnownBytes, labels: bool) -> list[ZipEntry]:
    """``_wanted_entries`` of a file whose central directory is all known: walked once and
    kept on ``known`` (the directory does not change, and a real app's lists thousands of
    files). Raises BadZip as the walk does; nothing is kept then."""
    found = known.directory_entries
    if found is None:
        found = known.directory_entries = _wanted_entries(known.view(), labels=True)
    return found if labels else [e for e in found if e.name not in _LABEL_NAMES]


def _wanted_entries(view: memoryview, labels: bool) -> list[ZipEntry]:
    """The entries the readers open: v1 signature blocks, and the manifest and table."""
    meta: dict[str, ZipEntry] = {}
    named: dict[bytes, ZipEntry] = {}
    wanted_names = _LABEL_NAMES if labels else frozenset()
    for entry in iter_signature_entries(view, wanted_names, _MAX_ENTRIES):
        name = entry.text_name.upper()
        if name.startswith("META-INF/") and "/" not in name[len("META-INF/") :]:
            meta.setdefault(name, entry)
        if entry.name in wanted_names:
            named.setdefault(entry.name, entry)
    blocks = [e for n, e in meta.items() if n.endswith(jar.BLOCK_EXTENSIONS)]
    return blocks[: jar.MAX_BLOCK_FILES] + list(named.values())


def _entry(needs: _Needs, view: memoryview, entry: ZipEntry) -> None:
    """An entry's local header, name and data (as ``zipread.entry_data`` reads them)."""
    local = entry.local_offset
    size = needs.known.size
    if local > size - _LOCAL_HEADER:
        return  # refused without reading
    expected_end = local + _LOCAL_HEADER + len(entry.name) + entry.compressed_size
    if not needs.known.has(local, local + _LOCAL_HEADER):
        needs.want(local, expected_end + LOCAL_SLACK)
        return
    name_length, extra_length = struct.unpack_from("<HH", view, local + 26)
    start = local + _LOCAL_HEADER + name_length + extra_length
    if not needs.want(local, min(start, size)):
        needs.ranges[-1] = (local, min(start + entry.compressed_size + LOCAL_SLACK, size))
        return
    if bytes(view[local + _LOCAL_HEADER : local + _LOCAL_HEADER + name_length]) != entry.name:
        return  # refused: names another file
    if entry.compressed_size > size - start:
        return  # refused: runs past the end
    needs.want(start, start + entry.compressed_size)


class PartsRead(NamedTuple):
    """What ``read_known`` found in one APK's parts."""

    signers: ApkSigners
    manifest: ApkManifest | None
    v1_read: bool
    """False when the v1 signature was left unread (``v1_needed``)."""


def read_known(
    known: KnownBytes, sha256: str, labels: bool, platform_sdk: int | None = None
) -> PartsRead:
    """The full readers over the known ranges (``plan_reads`` with the same ``labels`` and
    ``platform_sdk`` must have said done).

    ``sha256``: the file's hash as the phone computed it, or "" when it was not hashed.
    """
    manifest = read_manifest(known.view()) if labels else None
    if v1_needed(known, labels, platform_sdk) or known.block_signers is None:
        signers = read_signers(known.view(), sha256.upper(), known.size)
        known.release_view()
        return PartsRead(signers, manifest, True)
    known.release_view()
    return PartsRead(replace(known.block_signers, sha256=sha256.upper()), manifest, False)


# --- a store app's label, after its certificate ----------------------------------------

MAX_LABEL_BYTES: Final = 4 * 1024 * 1024
"""Bytes read for one store app's label (its manifest and resource table as stored): a
table past this is not read, and the app is named by its package id, with why."""


class _Trailer(NamedTuple):
    """The End of Central Directory found in the known bytes that reach the file's end."""

    suffix: bytes
    start: int
    """Where ``suffix`` starts in the file."""
    eocd: int
    """Where the record starts in the file."""
    cd_offset: int
    cd_size: int


def _trailer(known: KnownBytes) -> _Trailer | None:
    suffix = known.suffix()
    found = find_eocd(memoryview(suffix))
    if found is None:
        return None
    cd_size, cd_offset = struct.unpack_from("<II", suffix, found + 12)
    start = known.size - len(suffix)
    return _Trailer(suffix, start, start + found, cd_offset, cd_size)


def directory_only(known: KnownBytes) -> KnownBytes | None:
    """The trailer and central directory of what was read, alone (kept, small, for a
    label read later); None when they are not all known."""
    trailer = _trailer(known)
    if trailer is None:
        return None
    suffix, start, eocd, cd_offset, cd_size = trailer
    # Known ranges that touch are merged: a directory read in full ends the last piece.
    if cd_offset < start or cd_offset + cd_size > eocd:
        return None
    kept = KnownBytes(known.size)
    kept.add(cd_offset, suffix[cd_offset - start :])
    kept.directory_entries = known.directory_entries  # the same directory
    return kept


def kept_for_label(known: KnownBytes) -> KnownBytes | None:
    """What a later label read needs of what was read: the trailer and central directory,
    and the manifest's and resource table's stored bytes where they are all known already
    (a small app's tail holds its whole file: its name then costs no more reads). When the
    directory was not read (``v1_needed``), the trailer alone, which locates it. None when
    not even the trailer is known."""
    if known.whole() and known.size <= _KEEP_WHOLE:
        return known  # all of a small file: its parts would be most of it
    kept = directory_only(known)
    if kept is None:
        return _trailer_only(known)
    parts = label_entries(kept)
    # Kept until the label pass: no file-sized view may stay with it (see ``_plan``).
    kept.release_view()
    if isinstance(parts, Words):
        return kept
    view = known.view()
    for entry in parts:
        span = _known_entry_span(known, view, entry)
        if span is not None:
            kept.add(span[0], bytes(view[span[0] : span[1]]))
    known.release_view()
    return kept


def _trailer_only(known: KnownBytes) -> KnownBytes | None:
    """The End of Central Directory record (and comment) of what was read, alone."""
    trailer = _trailer(known)
    if trailer is None:
        return None
    kept = KnownBytes(known.size)
    kept.add(trailer.eocd, trailer.suffix[trailer.eocd - trailer.start :])
    return kept


def _unread_directory(known: KnownBytes) -> tuple[int, int] | None:
    """The central directory's range when the trailer is known and the directory is not
    (the label reads it first); None otherwise (``label_entries`` says what is wrong)."""
    trailer = _trailer(known)
    if trailer is None:
        return None
    end = trailer.cd_offset + trailer.cd_size
    if end > trailer.eocd:
        return None  # ZIP64 or damaged: the readers refuse it
    return None if known.has(trailer.cd_offset, end) else (trailer.cd_offset, end)


def _known_entry_span(
    known: KnownBytes, view: memoryview, entry: ZipEntry
) -> tuple[int, int] | None:
    """An entry's local header and stored data, when every byte of them is known."""
    needs = _Needs(known)
    _entry(needs, view, entry)
    local = entry.local_offset
    if needs.ranges or local > known.size - _LOCAL_HEADER:
        return None
    name_length, extra_length = struct.unpack_from("<HH", view, local + 26)
    data_start = local + _LOCAL_HEADER + name_length + extra_length
    end = min(data_start + entry.compressed_size, known.size)
    # Only bytes read from the phone are kept: the view's unknown bytes are zeros.
    return (local, end) if known.has(local, end) else None


@dataclass(frozen=True, slots=True)
class LabelPlan:
    """What ``plan_label_reads`` decided for one APK."""

    ranges: tuple[tuple[int, int], ...] = ()
    refused: Words | None = None
    """Why the label will not be read, as a catalogue message (None when it can be)."""
    cost: int = 0
    """Bytes the manifest and resource table take in the file (what the label costs), or
    the central directory's bytes when it is read first (``directory``)."""
    directory: bool = False
    """The ranges are the central directory's: where the manifest is, is not known yet."""

    @property
    def done(self) -> bool:
        return not self.ranges and not self.refused


def label_entries(known: KnownBytes) -> tuple[ZipEntry, ...] | Words:
    """The manifest's and resource table's entries in a known central directory (the
    manifest first), or why they cannot be had. The directory does not change from round
    to round, so a caller finds them once per APK (and they are kept on ``known``)."""
    if known.label_parts is not None:
        return known.label_parts
    suffix = known.suffix()
    if find_eocd(memoryview(suffix)) is None:
        return Words("labels.end_not_read")
    try:
        entries = {e.name: e for e in _known_entries(known, labels=True)}
    except BadZip:
        return Words("labels.contents_unreadable")
    manifest = entries.get(MANIFEST_ENTRY.encode())
    if manifest is None:
        return Words("labels.no_manifest")
    table = entries.get(TABLE_ENTRY.encode())
    known.label_parts = (manifest,) if table is None else (manifest, table)
    return known.label_parts


def plan_label_reads(known: KnownBytes, max_bytes: int = MAX_LABEL_BYTES) -> LabelPlan:
    """The ranges still needed to read the label, given a known trailer: the central
    directory first if it is not known, then the entries ``label_entries`` finds in it
    (once, kept on ``known``, for the later rounds).

    A label is ``android:label`` of the manifest, mostly a reference into the resource
    table. Both are read whole: finding one string in a table means walking its chunks, a
    round trip each. So a table too big for ``max_bytes`` is refused, with why.
    """
    directory = _unread_directory(known)
    if directory is not None:
        cost = directory[1] - directory[0]
        if cost > max_bytes:
            refused = _too_big("labels.file_list_too_big", cost, max_bytes)
            return LabelPlan(refused=refused, cost=cost, directory=True)
        return LabelPlan((directory,), cost=cost, directory=True)
    parts = label_entries(known)
    if isinstance(parts, Words):
        return LabelPlan(refused=parts)
    cost = sum(e.compressed_size + _LOCAL_HEADER + len(e.name) for e in parts)
    if cost > max_bytes:
        return LabelPlan(refused=_too_big("labels.too_big", cost, max_bytes), cost=cost)
    needs = _Needs(known)
    view = known.view()
    for entry in parts:
        _entry(needs, view, entry)
    if needs.ranges:
        known.release_view()  # more bytes come first (as ``_plan`` says)
    return LabelPlan(tuple(needs.ranges), cost=cost)


def _too_big(key: str, cost: int, max_bytes: int) -> Words:
    return Words(key, (("size", _megabytes(cost)), ("limit", _megabytes(max_bytes))))


def _megabytes(size: int) -> str:
    """A size in MB with one decimal (a fact beside the words, the same in every language)."""
    return f"{size / 1_000_000:.1f} MB"
