"""What an APK says about itself: declared package, version, app label and permissions.

``dumpsys package`` prints no app labels, so a report would show ``com.systemservice`` where
the person sees "System Service" on the phone. For the APKs the scanner pulls anyway
(off-store, non-system apps) the label can be read from the APK: ``AndroidManifest.xml``
(compiled binary XML) gives ``android:label`` of ``<application>``, either as text or as a
reference to a string resource in ``resources.arsc``. Both formats are read in
``scanner.apk.binres``; this module finds the two ZIP entries and picks out the fields.

Android matches ``android:`` attributes by resource id (``android.R.attr``), not by name,
so we do too: an obfuscated manifest with renamed attribute strings still gives its label,
and an attribute merely *named* ``label`` without the id is ignored, as the phone ignores it.
The ZIP is read from its central directory, as Android reads it, not from local headers.

``read_app_identity`` reads only the package and the label, for naming many apps quickly:
it gives the same two values as ``read_manifest`` on every input, but stops at
``<application>``'s start tag and resolves only the label's resource.

Both readers never raise: damaged or hostile input gives a partial result whose
``problems`` say what could not be read. Memory stays bounded: the manifest entry is read up
to ``MAX_MANIFEST_BYTES``, the resource table up to ``MAX_TABLE_BYTES`` (stored tables are
not copied), and strings are decoded one at a time up to a length cap. Labels are returned
as written, control and bidi characters included (the reports escape them), cut at
``MAX_LABEL_CHARS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from scanner.apk.binres import (
    NO_INDEX,
    TYPE_DYNAMIC_REFERENCE,
    TYPE_FIRST_INT,
    TYPE_LAST_INT,
    TYPE_REFERENCE,
    TYPE_STRING,
    BadResource,
    BinaryXml,
    ResourceTable,
    XmlAttribute,
)
from scanner.apk.problems import ProblemLog
from scanner.apk.zipread import BadZip, ZipEntry, entry_data, iter_named_entries

logger = logging.getLogger(__name__)

MANIFEST_ENTRY = "AndroidManifest.xml"
TABLE_ENTRY = "resources.arsc"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_TABLE_BYTES = 64 * 1024 * 1024
"""Large apps ship tables of tens of MiB; stored (uncompressed) ones cost no copy."""
MAX_LABEL_CHARS = 200
MAX_TEXT_CHARS = 1024
"""Cap for package, version name and permission names (real ones are far shorter)."""
MAX_PERMISSIONS = 1000

ANDROID_NS = "http://schemas.android.com/apk/res/android"
# android.R.attr resource ids.
ATTR_LABEL = 0x01010001
ATTR_NAME = 0x01010003
ATTR_VERSION_CODE = 0x0101021B
ATTR_VERSION_NAME = 0x0101021C
ATTR_VERSION_CODE_MAJOR = 0x01010576

_PERMISSION_ELEMENTS = frozenset(
    {"uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m"}
)
_IDENTITY_ELEMENTS: frozenset[str | None] = frozenset({"manifest", "application"})
"""The elements whose attributes hold the package and the label."""
_MAX_MANIFEST_STRINGS = 200_000
_MAX_TABLE_STRINGS = 4_000_000
_MAX_ZIP_ENTRIES = 500_000
_MAX_PROBLEMS = 30


@dataclass(frozen=True, slots=True)
class ApkManifest:
    """The identity an APK declares in its manifest, and what could not be read."""

    package: str | None = None
    """The ``package`` attribute of ``<manifest>``."""
    version_name: str | None = None
    version_code: int | None = None
    """``versionCodeMajor << 32 | versionCode``, as Android's long version code."""
    label: str | None = None
    """The app name the phone shows (default language), None when unknown or empty."""
    label_resource: int | None = None
    """Resource id the label refers to, None when the label is literal text or absent."""
    permissions: tuple[str, ...] = ()
    """``uses-permission`` names, in manifest order, without repeats."""
    problems: tuple[str, ...] = ()
    """Plain descriptions of what could not be read; empty for a clean APK."""


@dataclass(frozen=True, slots=True)
class AppIdentity:
    """The package an APK declares and the app name the phone shows, nothing else."""

    package: str | None = None
    """As ``ApkManifest.package``, for every input."""
    label: str | None = None
    """As ``ApkManifest.label``, for every input."""
    problems: tuple[str, ...] = ()
    """What stood in the way of the package or the label (said as ``read_manifest`` says
    it). Empty does not mean the whole manifest is sound: what comes after
    ``<application>``'s start tag (and the version and permissions) is not read."""


class _Problems(ProblemLog):
    def __init__(self) -> None:
        super().__init__(_MAX_PROBLEMS)


def read_manifest(apk: bytes | memoryview) -> ApkManifest:
    """Read package, version, label and permissions from the bytes of one APK.

    Never raises: whatever could not be read is described in ``problems``.
    """
    return _never_raising(_read, apk, lambda said: ApkManifest(problems=said))


def read_app_identity(apk: bytes | memoryview) -> AppIdentity:
    """Read only the package and the label from the bytes of one APK.

    Gives ``read_manifest(apk).package`` and ``.label`` for every input (damaged ones too)
    while reading less: the ZIP directory is walked as there but only the manifest's and
    table's entries are built, the elements stop at ``<application>``'s start tag, only
    ``<manifest>``'s and ``<application>``'s attributes are decoded, and only the label's
    resource is looked up. Never raises, as ``read_manifest``.
    """
    return _never_raising(_read_identity, apk, lambda said: AppIdentity(problems=said))


_Result = TypeVar("_Result")


def _never_raising(
    read: Callable[[memoryview, _Problems], _Result],
    apk: bytes | memoryview,
    failed: Callable[[tuple[str, ...]], _Result],
) -> _Result:
    """``read``, or ``failed`` with what was said up to an unexpected error."""
    problems = _Problems()
    try:
        return read(memoryview(apk), problems)
    # The contract is "never raises" (a scan must go on); the property tests assert this
    # note never appears, so a bug here still fails the test suite.
    except Exception as exc:
        logger.exception("unexpected failure reading an APK manifest")
        problems.add(f"the manifest reader failed unexpectedly ({type(exc).__name__})")
        return failed(problems.result())


@dataclass(slots=True)
class _Fields:
    """The manifest being assembled while the elements are walked."""

    package: str | None = None
    version_name: str | None = None
    version_name_resource: int | None = None
    version_code: int | None = None
    label: str | None = None
    label_resource: int | None = None
    permissions: list[str] = field(default_factory=list)
    permission_set: set[str] = field(default_factory=set)
    application_seen: bool = False


def _open(apk: memoryview, problems: _Problems) -> tuple[dict[str, ZipEntry], BinaryXml] | None:
    """The two ZIP entries and the manifest document; None (said in problems) when the
    manifest cannot be opened."""
    try:
        entries = _zip_entries(apk, problems)
    except BadZip as exc:
        problems.add(f"the APK's ZIP directory could not be read: {exc}")
        return None
    if MANIFEST_ENTRY not in entries:
        problems.add("the APK has no AndroidManifest.xml")
        return None
    try:
        document = BinaryXml(
            memoryview(entry_data(apk, entries[MANIFEST_ENTRY], MAX_MANIFEST_BYTES)),
            _MAX_MANIFEST_STRINGS,
        )
    except (BadZip, BadResource) as exc:
        problems.add(f"AndroidManifest.xml could not be read: {exc}")
        return None
    return entries, document


def _read_elements(
    document: BinaryXml, problems: _Problems, identity_only: bool = False
) -> _Fields:
    fields = _Fields()
    try:
        _walk(document, fields, problems, identity_only)
    except BadResource as exc:
        problems.add(f"AndroidManifest.xml is damaged, read up to the damage: {exc}")
    return fields


def _read_identity(apk: memoryview, problems: _Problems) -> AppIdentity:
    opened = _open(apk, problems)
    if opened is None:
        return AppIdentity(problems=problems.result())
    entries, document = opened
    fields = _read_elements(document, problems, identity_only=True)
    if fields.label_resource is not None:
        table = _resource_table(apk, entries.get(TABLE_ENTRY), problems)
        fields.label = _resolve(table, fields.label_resource, "label", problems)
    return AppIdentity(
        package=fields.package,
        label=_capped(fields.label, MAX_LABEL_CHARS, "label", problems),
        problems=problems.result(),
    )


def _read(apk: memoryview, problems: _Problems) -> ApkManifest:
    opened = _open(apk, problems)
    if opened is None:
        return ApkManifest(problems=problems.result())
    entries, document = opened
    fields = _read_elements(document, problems)

    if fields.label_resource is not None or fields.version_name_resource is not None:
        table = _resource_table(apk, entries.get(TABLE_ENTRY), problems)
        if fields.label_resource is not None:
            fields.label = _resolve(table, fields.label_resource, "label", problems)
        if fields.version_name_resource is not None:
            fields.version_name = _resolve(
                table, fields.version_name_resource, "versionName", problems
            )
    return ApkManifest(
        package=fields.package,
        version_name=_capped(fields.version_name, MAX_TEXT_CHARS, "versionName", problems),
        version_code=fields.version_code,
        label=_capped(fields.label, MAX_LABEL_CHARS, "label", problems),
        label_resource=fields.label_resource,
        permissions=tuple(fields.permissions),
        problems=problems.result(),
    )


def _walk(
    document: BinaryXml, fields: _Fields, problems: _Problems, identity_only: bool = False
) -> None:
    """Read ``<manifest>`` and its direct children ``<application>`` and permissions.

    ``identity_only``: only the package and the label, stopping at ``<application>``'s
    start tag (nothing after it changes either: the first ``<application>`` is the one
    read, and the root is decided by the first element).
    """
    root_seen = in_manifest = False
    elements = document.start_elements(
        max_depth=2, attributes_of=_IDENTITY_ELEMENTS if identity_only else None
    )
    for element in elements:
        if element.depth == 1:
            in_manifest = not root_seen and element.name == "manifest"
            if not root_seen and not in_manifest:
                problems.add(f"the root element is {element.name!r}, not 'manifest'")
            root_seen = True
            if in_manifest:
                _package_attribute(document, element.attributes, fields, problems)
                if not identity_only:
                    _version_attributes(document, element.attributes, fields, problems)
        elif not in_manifest:
            continue
        elif element.name == "application":
            if fields.application_seen:
                problems.add("more than one <application>; the first one was read")
                continue
            fields.application_seen = True
            _label_attribute(document, element.attributes, fields, problems)
            if identity_only:
                return
        elif element.name in _PERMISSION_ELEMENTS and not identity_only:
            _permission(document, element.attributes, fields, problems)


def _package_attribute(
    document: BinaryXml, attributes: Sequence[XmlAttribute], fields: _Fields, problems: _Problems
) -> None:
    # ``package`` has no namespace and no resource id: Android looks it up by name.
    package = next((a for a in attributes if a.name == "package" and a.namespace == NO_INDEX), None)
    if package is None:
        problems.add("<manifest> has no package attribute")
    else:
        fields.package = _text(document, package, MAX_TEXT_CHARS, "package", problems)


def _version_attributes(
    document: BinaryXml, attributes: Sequence[XmlAttribute], fields: _Fields, problems: _Problems
) -> None:
    code = _by_id(attributes, ATTR_VERSION_CODE)
    if code is not None:
        fields.version_code = _integer(code, "versionCode", problems)
    major = _by_id(attributes, ATTR_VERSION_CODE_MAJOR)
    if major is not None and fields.version_code is not None:
        high = _integer(major, "versionCodeMajor", problems)
        if high:
            fields.version_code |= high << 32

    name = _by_id(attributes, ATTR_VERSION_NAME)
    if name is None:
        return
    if name.data_type in (TYPE_REFERENCE, TYPE_DYNAMIC_REFERENCE):
        fields.version_name_resource = name.data
    else:
        fields.version_name = _text(document, name, MAX_TEXT_CHARS + 1, "versionName", problems)


def _label_attribute(
    document: BinaryXml, attributes: Sequence[XmlAttribute], fields: _Fields, problems: _Problems
) -> None:
    label = _by_id(attributes, ATTR_LABEL)
    if label is None:
        return  # No label: the phone shows the package name, which we already have.
    if label.data_type in (TYPE_REFERENCE, TYPE_DYNAMIC_REFERENCE):
        fields.label_resource = label.data
    else:
        fields.label = _text(document, label, MAX_LABEL_CHARS + 1, "label", problems)


def _permission(
    document: BinaryXml, attributes: Sequence[XmlAttribute], fields: _Fields, problems: _Problems
) -> None:
    name_attribute = _by_id(attributes, ATTR_NAME)
    if name_attribute is None:
        problems.add("a <uses-permission> has no android:name")
        return
    name = _text(document, name_attribute, MAX_TEXT_CHARS, "permission name", problems)
    if not name or name in fields.permission_set:
        return
    if len(fields.permissions) >= MAX_PERMISSIONS:
        if len(fields.permission_set) == MAX_PERMISSIONS:  # Say so once.
            problems.add(f"more than {MAX_PERMISSIONS} permissions; the rest were not listed")
            fields.permission_set.add(name)
        return
    fields.permissions.append(name)
    fields.permission_set.add(name)


def _by_id(attributes: Sequence[XmlAttribute], resource_id: int) -> XmlAttribute | None:
    return next((a for a in attributes if a.resource_id == resource_id), None)


def _text(
    document: BinaryXml, attribute: XmlAttribute, max_chars: int, what: str, problems: _Problems
) -> str | None:
    """An attribute's string value; a non-string value is a problem, not a guess."""
    if attribute.data_type == TYPE_STRING:
        index = attribute.data
    elif attribute.raw_value != NO_INDEX:
        index = attribute.raw_value
    else:
        problems.add(f"{what} is not text (value type 0x{attribute.data_type:02x})")
        return None
    try:
        return document.strings.get(index, max_chars)
    except BadResource as exc:
        problems.add(f"{what} could not be read: {exc}")
        return None


def _integer(attribute: XmlAttribute, what: str, problems: _Problems) -> int | None:
    if TYPE_FIRST_INT <= attribute.data_type <= TYPE_LAST_INT:
        return attribute.data
    problems.add(f"{what} is not a number (value type 0x{attribute.data_type:02x})")
    return None


def _capped(text: str | None, max_chars: int, what: str, problems: _Problems) -> str | None:
    if not text:
        return None
    if len(text) > max_chars:
        problems.add(f"{what} is longer than {max_chars} characters; only the start was kept")
        return text[:max_chars]
    return text


def _resource_table(
    apk: memoryview, entry: ZipEntry | None, problems: _Problems
) -> ResourceTable | None:
    if entry is None:
        problems.add("the manifest refers to resources but the APK has no resources.arsc")
        return None
    try:
        return ResourceTable(
            memoryview(entry_data(apk, entry, MAX_TABLE_BYTES)), _MAX_TABLE_STRINGS
        )
    except (BadZip, BadResource) as exc:
        problems.add(f"resources.arsc could not be read: {exc}")
        return None


def _resolve(
    table: ResourceTable | None, resource_id: int, what: str, problems: _Problems
) -> str | None:
    if table is None:
        problems.add(f"{what} refers to resource 0x{resource_id:08x}, which could not be looked up")
        return None
    try:
        return table.string(
            resource_id, MAX_LABEL_CHARS + 1 if what == "label" else MAX_TEXT_CHARS + 1
        )
    except BadResource as exc:
        problems.add(
            f"{what} refers to resource 0x{resource_id:08x}, which could not be read: {exc}"
        )
        return None


# --- ZIP ----------------------------------------------------------------------------------


def _zip_entries(apk: memoryview, problems: _Problems) -> dict[str, ZipEntry]:
    """The manifest and resource table entries, from the central directory."""
    wanted = {MANIFEST_ENTRY.encode(): MANIFEST_ENTRY, TABLE_ENTRY.encode(): TABLE_ENTRY}
    found: dict[str, ZipEntry] = {}
    for entry in iter_named_entries(apk, wanted, _MAX_ZIP_ENTRIES):
        name = wanted[entry.name]
        if name in found:
            problems.add(f"the APK holds {name} more than once; the first one was read")
        else:
            found[name] = entry
    return found
