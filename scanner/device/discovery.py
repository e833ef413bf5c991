"""Notice an Android phone on USB, and say the one next step it needs.

A phone is recognised by the USB interfaces it shows, not by a list of makers:

- ``ff/42/01`` (vendor-specific class, subclass 0x42, protocol 1) is ADB: USB debugging is on;
- ``06/01/01`` (still image, PTP) or an MTP interface (``ff/ff/00`` that udev's libmtp rules
  mark ``ID_MTP_DEVICE=1``, or that names itself "MTP") means a phone that shares files but
  has USB debugging off;
- a device from a phone maker (USB vendor id in the setup texts) with neither is a phone in
  charge-only mode, or on a cable that cannot carry data.

On Linux with udev running, pyudev lists what is plugged in and then watches udev's USB
events (``usb_device`` events carry ``ID_USB_INTERFACES`` such as ``:ff4201:``; a bare
kernel ``usb_interface`` event carries ``INTERFACE=255/66/1``). Elsewhere, libusb is asked
for the device list every two seconds. Both feed one waiter, which calls ``on_step`` with
one plain-language step at a time, from ``guidance/en/setup/``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from scanner.device.obstacles import (
    LIBUSB_ERROR_ACCESS,
    NodeAccess,
    Obstacle,
    no_data_connection,
    no_phone_seen,
    probe_node,
    several_phones,
    usb_debugging_off,
    usb_permission,
)
from scanner.errors import NotConnected
from scanner.setup_guide import SetupGuide, default_guide

logger = logging.getLogger(__name__)

Interface = tuple[int, int, int]
"""A USB interface as (class, subclass, protocol)."""

ADB_INTERFACE: Interface = (0xFF, 0x42, 0x01)
PTP_INTERFACE: Interface = (0x06, 0x01, 0x01)
MTP_INTERFACE: Interface = (0xFF, 0xFF, 0x00)
# Classes a phone never shows: a maker's SSD, headset or webcam is not a phone.
_NOT_PHONE_CLASSES = frozenset({0x01, 0x03, 0x07, 0x08, 0x09, 0x0B, 0x0E, 0x10})

POLL_INTERVAL_S = 2.0
NO_PHONE_PATIENCE_S = 20.0
"""How long nothing may show up before the cable/port advice replaces "plug it in"."""

_INTERFACES_RE = re.compile(r"[0-9a-fA-F]{6}")
_PRINTABLE_RE = re.compile(r"[^\x20-\x7e]")
_REMOVE_ACTIONS = frozenset({"remove"})


@dataclass(frozen=True, slots=True)
class DetectedPhone:
    """A phone seen on USB, and whether it is ready for the check.

    ``vendor``, ``model`` and ``serial`` come from the phone's own USB descriptors:
    untrusted text, to be escaped before display.
    """

    serial: str | None
    """USB serial number (``ID_SERIAL_SHORT``); what ``--usb-serial`` takes."""
    vendor: str
    model: str
    adb_enabled: bool
    """The ADB interface is there: USB debugging is on."""
    busnum: int | None
    devnum: int | None
    devpath: str
    """Stable key while plugged in: udev's DEVPATH, or ``usb:BUS-PORTS`` from libusb."""
    vendor_id: int | None = None
    product_id: int | None = None
    file_transfer: bool = False
    """An MTP or PTP interface is there (the phone shares files)."""
    devnode: str | None = None
    """``/dev/bus/usb/BBB/DDD`` on Linux, for the permission check."""
    usb_error: str | None = None
    """A libusb error met while looking, e.g. ``LIBUSB_ERROR_ACCESS``."""
    interfaces: tuple[Interface, ...] = ()

    @property
    def label(self) -> str:
        """Maker, model and serial, for lists shown to the person."""
        name = " ".join(part for part in (self.vendor, self.model) if part) or "Phone"
        return f"{name} ({self.serial})" if self.serial else name


@dataclass(frozen=True, slots=True)
class UsbEvent:
    """One change seen by polling: ``present`` (there at the start), ``add`` or ``remove``."""

    action: str
    phone: DetectedPhone


class UdevDevice(Protocol):
    """The part of ``pyudev.Device`` this module reads."""

    @property
    def properties(self) -> Mapping[str, str]: ...

    @property
    def action(self) -> str | None: ...


class SeveralPhones(NotConnected):
    """More than one phone has USB debugging on and none was chosen."""

    def __init__(self, obstacle: Obstacle, phones: Sequence[DetectedPhone]) -> None:
        # The command line shows the obstacle's own words; this is only a fallback.
        super().__init__(
            "More than one phone is plugged in; choose one with --usb-serial.",
            detail=repr(obstacle.choices),
        )
        self.obstacle = obstacle
        self.phones = tuple(phones)


class NoUsablePhone(NotConnected):
    """Waiting for a phone ended without one that can be used; ``obstacle`` is the last
    step the person was shown (the best account of what is in the way)."""

    def __init__(self, obstacle: Obstacle, detail: str) -> None:
        super().__init__("No phone that can be checked was found on USB.", detail=detail)
        self.obstacle = obstacle


# --- reading what a device shows -------------------------------------------------------


def parse_usb_interfaces(value: str) -> tuple[Interface, ...]:
    """udev's ``ID_USB_INTERFACES`` (``:ff4201:060101:``) as (class, subclass, protocol)."""
    return tuple(
        (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)) for h in _INTERFACES_RE.findall(value)
    )


def parse_kernel_interface(value: str) -> Interface | None:
    """The kernel's ``INTERFACE=255/66/1`` (decimal) as (class, subclass, protocol)."""
    parts = value.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    cls, sub, proto = (int(p) for p in parts)
    return (cls, sub, proto)


def classify(
    interfaces: Iterable[Interface],
    *,
    vendor_id: int | None,
    mtp_hint: bool = False,
    phone_vendor_ids: frozenset[int] = frozenset(),
) -> tuple[bool, bool] | None:
    """``(adb_enabled, file_transfer)`` for a phone, or None for a device that is not one.

    ``mtp_hint`` says something outside the class triple marked the ``ff/ff/00``
    interface as MTP (udev's ``ID_MTP_DEVICE``, or the interface's own name).
    """
    found = set(interfaces)
    adb = ADB_INTERFACE in found
    mtp = MTP_INTERFACE in found and (mtp_hint or adb or vendor_id in phone_vendor_ids)
    file_transfer = PTP_INTERFACE in found or mtp or (mtp_hint and not found)
    if adb or file_transfer:
        return adb, file_transfer
    maker = vendor_id is not None and vendor_id in phone_vendor_ids
    if maker and not any(cls in _NOT_PHONE_CLASSES for cls, _, _ in found):
        return False, False
    return None


def _clean(value: str | None, limit: int = 64) -> str:
    # udev already escapes; libusb strings come raw from the phone.
    return _PRINTABLE_RE.sub("", (value or "").replace("_", " ")).strip()[:limit]


def _int(value: str | None, base: int = 10) -> int | None:
    try:
        return int(value, base) if value else None
    except ValueError:
        return None


def _ids(props: Mapping[str, str]) -> tuple[int | None, int | None]:
    vendor_id, product_id = _int(props.get("ID_VENDOR_ID"), 16), _int(props.get("ID_MODEL_ID"), 16)
    if vendor_id is None and "PRODUCT" in props:  # kernel form: "4e8/6860/400", hex
        parts = props["PRODUCT"].split("/")
        if len(parts) >= 2:
            vendor_id, product_id = _int(parts[0], 16), _int(parts[1], 16)
    return vendor_id, product_id


def phone_from_properties(
    props: Mapping[str, str],
    interfaces: Iterable[Interface] = (),
    *,
    phone_vendor_ids: frozenset[int] | None = None,
) -> DetectedPhone | None:
    """The phone a udev ``usb_device``'s properties describe, or None if it is not one.

    ``interfaces`` adds what was learnt from interface children or events, for devices
    whose properties lack ``ID_USB_INTERFACES``.
    """
    if props.get("SUBSYSTEM", "usb") != "usb" or props.get("DEVTYPE") != "usb_device":
        return None
    found = (*parse_usb_interfaces(props.get("ID_USB_INTERFACES", "")), *interfaces)
    vendor_id, product_id = _ids(props)
    vendor_ids = (
        default_guide().phone_vendor_ids() if phone_vendor_ids is None else phone_vendor_ids
    )
    kind = classify(
        found,
        vendor_id=vendor_id,
        mtp_hint=props.get("ID_MTP_DEVICE") == "1",
        phone_vendor_ids=vendor_ids,
    )
    if kind is None:
        return None
    vendor = _clean(props.get("ID_VENDOR_FROM_DATABASE") or props.get("ID_VENDOR"))
    model = _clean(props.get("ID_MODEL") or props.get("ID_MODEL_FROM_DATABASE"))
    return DetectedPhone(
        serial=_clean(props.get("ID_SERIAL_SHORT")) or None,
        vendor=vendor,
        model=model,
        adb_enabled=kind[0],
        file_transfer=kind[1],
        busnum=_int(props.get("BUSNUM")),
        devnum=_int(props.get("DEVNUM")),
        devpath=props.get("DEVPATH", ""),
        vendor_id=vendor_id,
        product_id=product_id,
        devnode=props.get("DEVNAME"),
        interfaces=tuple(dict.fromkeys(found)),
    )


def _child_interfaces(device: object) -> tuple[Interface, ...]:
    """Interfaces read from a real sysfs device's children (``bInterfaceClass`` ...)."""
    found: list[Interface] = []
    try:
        for child in getattr(device, "children", ()):
            attrs = child.attributes
            triple = tuple(
                _int(attrs.asstring(name), 16)
                for name in ("bInterfaceClass", "bInterfaceSubClass", "bInterfaceProtocol")
            )
            if None not in triple:
                found.append(triple)  # type: ignore[arg-type]
    except (KeyError, OSError, AttributeError, ValueError):
        logger.debug("could not read interface children", exc_info=True)
    return tuple(found)


def phone_from_udev(device: UdevDevice) -> DetectedPhone | None:
    """The phone one pyudev ``usb_device`` describes, or None if it is not a phone."""
    props = dict(device.properties)
    extra = () if "ID_USB_INTERFACES" in props else _child_interfaces(device)
    return phone_from_properties(props, extra)


# --- the waiter ------------------------------------------------------------------------


@dataclass
class _Record:
    props: dict[str, str] = field(default_factory=dict)
    interfaces: set[Interface] = field(default_factory=set)


class _Waiter:
    """Keeps what is plugged in, and decides the next step. No I/O of its own."""

    def __init__(self, guide: SetupGuide, phone_vendor_ids: frozenset[int]) -> None:
        self.guide = guide
        self.vendor_ids = phone_vendor_ids
        self.records: dict[str, _Record] = {}
        self.polled: dict[str, DetectedPhone] = {}

    def feed(self, item: UdevDevice | UsbEvent) -> bool:
        """Take one event; True when it was a live change (not part of the first listing)."""
        if isinstance(item, UsbEvent):
            if item.action in _REMOVE_ACTIONS:
                self.polled.pop(item.phone.devpath, None)
            else:
                self.polled[item.phone.devpath] = item.phone
            return item.action != "present"
        props = dict(item.properties)
        action = item.action or "present"
        devpath = props.get("DEVPATH", "")
        if props.get("SUBSYSTEM") != "usb" or not devpath:
            return False
        if props.get("DEVTYPE") == "usb_interface":
            triple = parse_kernel_interface(props.get("INTERFACE", ""))
            parent = devpath.rsplit("/", 1)[0]
            if triple is not None and action not in _REMOVE_ACTIONS | {"unbind"}:
                self.records.setdefault(parent, _Record()).interfaces.add(triple)
            return action != "present"
        if props.get("DEVTYPE") != "usb_device":
            return False
        if action in _REMOVE_ACTIONS:
            self.records.pop(devpath, None)
        else:
            record = self.records.setdefault(devpath, _Record())
            record.props = props
            if "ID_USB_INTERFACES" not in props:
                record.interfaces.update(_child_interfaces(item))
        return action != "present"

    def phones(self) -> list[DetectedPhone]:
        found = list(self.polled.values())
        for record in self.records.values():
            if record.props:
                phone = phone_from_properties(
                    record.props, sorted(record.interfaces), phone_vendor_ids=self.vendor_ids
                )
                if phone is not None:
                    found.append(phone)
        return found


def udev_available() -> bool:
    """True on Linux when udev runs and pyudev can be imported."""
    if not sys.platform.startswith("linux") or not Path("/run/udev/control").exists():
        return False
    try:
        import pyudev  # noqa: F401
    except ImportError:
        return False
    return True


def udev_events(*, tick_s: float = 1.0) -> Iterator[UdevDevice | None]:
    """What is plugged in now, then udev's USB events; ``None`` every ``tick_s`` when quiet."""
    import pyudev

    context = pyudev.Context()
    monitor = pyudev.Monitor.from_netlink(context)
    monitor.filter_by(subsystem="usb")
    monitor.start()  # before listing, so a phone plugged in meanwhile is not missed
    yield from context.list_devices(subsystem="usb")
    yield None
    while True:
        yield monitor.poll(timeout=tick_s)


def scan_usb(phone_vendor_ids: frozenset[int] | None = None) -> list[DetectedPhone]:
    """Every phone libusb can see right now (the fallback where udev is not available)."""
    import usb1

    vendor_ids = (
        default_guide().phone_vendor_ids() if phone_vendor_ids is None else phone_vendor_ids
    )
    phones: list[DetectedPhone] = []
    with usb1.USBContext() as context:
        for device in context.getDeviceIterator(skip_on_error=True):
            settings = list(device.iterSettings())
            interfaces = [(s.getClass(), s.getSubClass(), s.getProtocol()) for s in settings]
            vendor_id, product_id = device.getVendorID(), device.getProductID()
            serial: str | None = None
            error: str | None = None
            names: list[str] = []
            if classify(interfaces, vendor_id=vendor_id, phone_vendor_ids=vendor_ids) is None and (
                MTP_INTERFACE not in interfaces
            ):
                continue
            try:
                handle = device.open()
            except usb1.USBErrorAccess:
                error = LIBUSB_ERROR_ACCESS
            except usb1.USBError:
                logger.debug("could not open %04x:%04x", vendor_id, product_id, exc_info=True)
            else:
                try:
                    serial = handle.getSerialNumber()
                    names = [
                        handle.getASCIIStringDescriptor(s.getDescriptor()) or "" for s in settings
                    ]
                except usb1.USBError:
                    logger.debug("could not read strings", exc_info=True)
                finally:
                    handle.close()
            kind = classify(
                interfaces,
                vendor_id=vendor_id,
                mtp_hint=any(n.strip().upper() == "MTP" for n in names),
                phone_vendor_ids=vendor_ids,
            )
            if kind is None:
                continue
            bus, address = device.getBusNumber(), device.getDeviceAddress()
            ports = ".".join(str(p) for p in device.getPortNumberList())
            guide = default_guide().match_vendor(usb_vendor_id=vendor_id)
            phones.append(
                DetectedPhone(
                    serial=_clean(serial) or None,
                    vendor=guide.name if guide.usb_vendor_ids else f"{vendor_id:04x}",
                    model=f"{product_id:04x}",
                    adb_enabled=kind[0],
                    file_transfer=kind[1],
                    busnum=bus,
                    devnum=address,
                    devpath=f"usb:{bus}-{ports}",
                    vendor_id=vendor_id,
                    product_id=product_id,
                    devnode=f"/dev/bus/usb/{bus:03d}/{address:03d}"
                    if sys.platform.startswith("linux")
                    else None,
                    usb_error=error,
                    interfaces=tuple(dict.fromkeys(interfaces)),
                )
            )
    return phones


def list_phones() -> list[DetectedPhone]:
    """The phones plugged in right now; empty when USB cannot be looked at."""
    guide = default_guide()
    try:
        if udev_available():
            import pyudev

            waiter = _Waiter(guide, guide.phone_vendor_ids())
            for device in pyudev.Context().list_devices(subsystem="usb"):
                waiter.feed(device)
            return waiter.phones()
        return scan_usb(guide.phone_vendor_ids())
    except Exception:  # a convenience only: no libusb, no permission, no USB at all
        logger.debug("could not list USB devices", exc_info=True)
        return []


def poll_events(
    *,
    interval_s: float = POLL_INTERVAL_S,
    scan: Callable[[], Sequence[DetectedPhone]] = scan_usb,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[UsbEvent | None]:
    """Look every ``interval_s`` and report what changed; ``None`` after each look."""
    previous: dict[str, DetectedPhone] | None = None
    while True:
        current = {phone.devpath: phone for phone in scan()}
        if previous is None:
            for phone in current.values():
                yield UsbEvent("present", phone)
        else:
            for devpath in previous.keys() - current.keys():
                yield UsbEvent("remove", previous[devpath])
            for devpath, phone in current.items():
                if previous.get(devpath) != phone:
                    yield UsbEvent("add", phone)
        previous = current
        yield None
        sleep(interval_s)


def default_events() -> Iterator[UdevDevice | UsbEvent | None]:
    """udev events where udev runs, otherwise libusb polling every two seconds."""
    if udev_available():
        return udev_events()
    return poll_events()


def wait_for_phone(
    events: Iterable[UdevDevice | UsbEvent | None] | None = None,
    *,
    on_step: Callable[[Obstacle], None],
    serial: str | None = None,
    choose: Callable[[Sequence[DetectedPhone]], DetectedPhone] | None = None,
    timeout_s: float | None = None,
    check_node: Callable[[str], NodeAccess] = probe_node,
    patience_s: float = NO_PHONE_PATIENCE_S,
    clock: Callable[[], float] = time.monotonic,
    guide: SetupGuide | None = None,
) -> DetectedPhone:
    """Wait until a phone with USB debugging on is plugged in and usable; return it.

    ``events`` defaults to ``default_events()``; tests pass pyudev ``Device`` objects or
    ``UsbEvent`` values (``None`` items are quiet ticks). On the way, ``on_step`` gets
    one next step at a time, by id with its facts (never the same one twice in a row):
    plug it in, turn on USB debugging (for that maker), install the udev rule, try another
    cable; the command line puts it into words. ``serial`` waits for that phone only.
    With several phones and no ``serial``, ``choose`` picks one, or ``SeveralPhones`` is
    raised with the list.
    Raises ``NoUsablePhone`` (with the last step) when ``timeout_s`` passes or the events
    end.
    """
    guide = guide or default_guide()
    waiter = _Waiter(guide, guide.phone_vendor_ids())
    last_said: list[Obstacle] = []

    def say(step: Obstacle) -> None:
        if not last_said or last_said[-1] != step:
            last_said.append(step)
            on_step(step)

    started = clock()
    quiet_since = started
    had_phone = False

    def decide() -> DetectedPhone | None:
        nonlocal quiet_since, had_phone
        phones = waiter.phones()
        now = clock()
        if not phones:
            if had_phone:
                had_phone = False
                quiet_since = now
                say(Obstacle("wait_unplugged"))
                return None
            obstacle = no_phone_seen(phones, waited_s=now - quiet_since, patience_s=patience_s)
            say(obstacle or Obstacle("wait_plug_in"))
            return None
        had_phone = True
        ready = [p for p in phones if p.adb_enabled]
        if serial is not None:
            wanted = [p for p in ready if p.serial == serial]
            if not wanted:
                if ready:
                    listed = "; ".join(p.label for p in ready)
                    say(Obstacle("wait_wrong_serial", (("serial", serial), ("phones", listed))))
                else:
                    _say_setup(phones)
                return None
            ready = wanted[:1]
        if len(ready) > 1:
            if choose is None:
                obstacle = several_phones(ready)
                if obstacle is not None:  # always, with two or more ready phones
                    raise SeveralPhones(obstacle, ready)
            else:
                ready = [choose(ready)]
        if not ready:
            _say_setup(phones)
            return None
        phone = ready[0]
        access = check_node(phone.devnode) if phone.devnode else None
        blocked = usb_permission(access, libusb_error=phone.usb_error)
        if blocked is not None:
            say(blocked)
            return None
        say(Obstacle("wait_phone_found", (("phone", phone.label),)))
        return phone

    def _say_setup(phones: Sequence[DetectedPhone]) -> None:
        obstacle = usb_debugging_off(phones) or no_data_connection(phones)
        if obstacle is not None:
            say(obstacle)

    source = default_events() if events is None else events
    undecided = False  # items from the first listing wait for its closing tick
    for item in source:
        live = True if item is None else waiter.feed(item)
        undecided = not live
        if live:
            found = decide()
            if found is not None:
                return found
        if timeout_s is not None and clock() - started >= timeout_s:
            break
    if undecided and (found := decide()) is not None:
        return found
    # The step on screen is the best account of what is in the way.
    raise NoUsablePhone(
        last_said[-1] if last_said else Obstacle("wait_plug_in"),
        detail=f"gave up waiting; saw {[p.label for p in waiter.phones()]}",
    )
