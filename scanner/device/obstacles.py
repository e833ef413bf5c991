"""Why a phone on USB cannot be used yet: obstacles as ids and facts, never as words.

Each detection is a small function of facts that can be observed (a file mode, a libusb
error name, the interfaces a phone shows, whether the local adb server answers), so each
one is tested with made-up facts and no hardware. It returns an ``Obstacle``: a stable id
(a key of ``guidance/en/setup/obstacles.yaml``), the facts the words need, the phone whose
maker's steps apply, and the exact commands (kept here, next to the rule file they
install). The command line turns it into words (``scanner.cli.obstacle_text``).

The one probe that touches the network stack, ``probe_local_adb_server``, only connects
to 127.0.0.1:5037: that is the adb server on this same computer (local inter-process
talk over loopback), the program most likely to be holding the phone. It never leaves
the machine, takes no host argument, and sends one read-only ``host:version`` request.
"""

from __future__ import annotations

import os
import shlex
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from scanner.errors import AuthRefused, NotConnected
from scanner.resources import UDEV_RULE_NAME, on_disk, udev_rule

if TYPE_CHECKING:
    from scanner.device.discovery import DetectedPhone

RULE_FILE: Traversable = udev_rule()
"""The udev rule shipped with the scanner (matches the ADB interface, not a vendor list)."""

ADB_SERVER_PORT = 5037
"""The adb server's fixed port; only ever reached on 127.0.0.1."""
_LOOPBACK = "127.0.0.1"

LIBUSB_ERROR_ACCESS = "LIBUSB_ERROR_ACCESS"
LIBUSB_ERROR_BUSY = "LIBUSB_ERROR_BUSY"
_LIBUSB_CODES = {-3: LIBUSB_ERROR_ACCESS, -6: LIBUSB_ERROR_BUSY}
_LIBUSB_CLASSES = {"USBErrorAccess": LIBUSB_ERROR_ACCESS, "USBErrorBusy": LIBUSB_ERROR_BUSY}


@dataclass(frozen=True, slots=True)
class Obstacle:
    """One thing to tell the person, by id: something in the way, or where a wait stands.

    Ids are keys of ``obstacles.yaml`` (something in the way, with a fix) or of the setup
    messages (``wait_plug_in``, ``wait_phone_found`` ...: where waiting for a phone stands).
    """

    id: str
    values: tuple[tuple[str, str], ...] = ()
    """Named facts the words are filled with (``node``, ``phones``, ``serial`` ...)."""
    commands: tuple[str, ...] = ()
    """Exact commands to type, where the fix needs them (shown as they are)."""
    phone: DetectedPhone | None = None
    """The phone whose maker's setup steps fit the fix (USB debugging off, charge-only)."""
    choices: tuple[str, ...] = ()
    """Serial numbers to choose from (several phones): pass one to ``--usb-serial``."""

    def value(self, name: str) -> str | None:
        return dict(self.values).get(name)


STEPS_FROM_MAKER = frozenset({"usb_debugging_off", "no_data_connection"})
"""Obstacles fixed by turning on USB debugging: their words include the maker's steps."""


# --- no permission on the USB device node ---------------------------------------------


@dataclass(frozen=True, slots=True)
class NodeAccess:
    """What this user may do with one USB device node (``/dev/bus/usb/BBB/DDD``)."""

    path: str
    exists: bool
    readable: bool
    writable: bool


def probe_node(path: str) -> NodeAccess:
    """Look at the device node's permissions for this user (no device I/O)."""
    exists = os.path.exists(path)
    return NodeAccess(
        path=path,
        exists=exists,
        readable=exists and os.access(path, os.R_OK),
        writable=exists and os.access(path, os.W_OK),
    )


def udev_rule_commands(rule_file: Traversable = RULE_FILE) -> tuple[str, ...]:
    """The commands that install the shipped udev rule, wherever the scanner is installed."""
    path = on_disk(rule_file)
    copy = (
        f"sudo cp {shlex.quote(str(path))} /etc/udev/rules.d/"
        if path is not None
        # A zipped install has no file to copy: the scanner prints the rule itself.
        else f"phone-check setup --udev-rule | sudo tee /etc/udev/rules.d/{UDEV_RULE_NAME}"
    )
    return (copy, "sudo udevadm control --reload-rules && sudo udevadm trigger")


def usb_permission(
    access: NodeAccess | None = None,
    *,
    libusb_error: str | None = None,
) -> Obstacle | None:
    """The user may not open the phone: the node is not read-write, or libusb said ACCESS."""
    denied_node = access is not None and access.exists and not (access.readable and access.writable)
    if not denied_node and libusb_error != LIBUSB_ERROR_ACCESS:
        return None
    node = (("node", access.path),) if access is not None else ()
    return Obstacle("usb_permission", node, commands=udev_rule_commands())


# --- another adb server holds the phone -----------------------------------------------


@dataclass(frozen=True, slots=True)
class AdbServerProbe:
    """Whether a local adb server answered on 127.0.0.1:5037."""

    answered: bool
    version: int | None = None
    """The server's protocol version, when it gave one."""


def parse_adb_version_reply(reply: bytes) -> AdbServerProbe:
    """Read an adb server's answer to ``host:version`` (``OKAY`` + 4 hex length + hex)."""
    if not reply.startswith(b"OKAY"):
        return AdbServerProbe(answered=bool(reply))
    try:
        length = int(reply[4:8], 16)
        return AdbServerProbe(answered=True, version=int(reply[8 : 8 + length], 16))
    except ValueError:
        return AdbServerProbe(answered=True)


def probe_local_adb_server(
    timeout_s: float = 0.5, *, port: int = ADB_SERVER_PORT
) -> AdbServerProbe:
    """Ask the adb server on this computer, if one runs, for its version.

    Loopback only: the host is fixed to 127.0.0.1 (``port`` exists for tests). Nothing
    is sent but ``host:version``, which changes nothing in the server.
    """
    try:
        with socket.create_connection((_LOOPBACK, port), timeout=timeout_s) as conn:
            conn.sendall(b"000chost:version")
            reply = b""
            while len(reply) < 12:
                chunk = conn.recv(12 - len(reply))
                if not chunk:
                    break
                reply += chunk
    except OSError:
        return AdbServerProbe(answered=False)
    return parse_adb_version_reply(reply)


def adb_server(
    probe: AdbServerProbe | None = None,
    *,
    libusb_error: str | None = None,
) -> Obstacle | None:
    """adb holds the phone (libusb BUSY), or an adb server runs and probably does."""
    commands = ("adb kill-server",)
    if libusb_error == LIBUSB_ERROR_BUSY:
        return Obstacle("adb_server_busy", commands=commands)
    if probe is not None and probe.answered:
        return Obstacle("adb_server_running", commands=commands)
    return None


# --- several phones --------------------------------------------------------------------


def several_phones(phones: Sequence[DetectedPhone]) -> Obstacle | None:
    """More than one phone with USB debugging on: the person has to pick one."""
    ready = [p for p in phones if p.adb_enabled]
    if len(ready) < 2:
        return None
    return Obstacle(
        "several_phones",
        (("phones", "; ".join(p.label for p in ready)),),
        choices=tuple(p.serial or p.devpath for p in ready),
    )


# --- nothing, or nothing useful, on the cable ------------------------------------------


def no_phone_seen(
    phones: Sequence[DetectedPhone],
    *,
    waited_s: float,
    patience_s: float = 20.0,
) -> Obstacle | None:
    """Nothing phone-like has shown up for a while: a charge-only cable, port or hub."""
    if phones or waited_s < patience_s:
        return None
    return Obstacle("no_phone_seen")


def usb_debugging_off(phones: Sequence[DetectedPhone]) -> Obstacle | None:
    """A phone shares files (MTP/PTP) but has no debugging interface: debugging is off."""
    if any(p.adb_enabled for p in phones):
        return None
    for phone in phones:
        if phone.file_transfer:
            return Obstacle("usb_debugging_off", phone=phone)
    return None


def no_data_connection(phones: Sequence[DetectedPhone]) -> Obstacle | None:
    """A phone maker's device with neither debugging nor file sharing: charge-only mode."""
    if any(p.adb_enabled or p.file_transfer for p in phones):
        return None
    for phone in phones:
        return Obstacle("no_data_connection", phone=phone)
    return None


# --- the phone does not answer ---------------------------------------------------------


def phone_locked(
    *,
    adb_interface: bool,
    answered: bool,
    auth_pending: bool = False,
) -> Obstacle | None:
    """Debugging is on but the phone did not answer, or waits for "Allow": unlock it."""
    if not adb_interface or (answered and not auth_pending):
        return None
    return Obstacle("phone_locked")


# --- from an error to an obstacle ------------------------------------------------------


def libusb_error_name(exc: BaseException) -> str | None:
    """``LIBUSB_ERROR_ACCESS``/``_BUSY`` when libusb raised it anywhere in the chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = _LIBUSB_CLASSES.get(type(current).__name__)
        value = getattr(current, "value", None)
        if name is None and isinstance(value, int):
            name = _LIBUSB_CODES.get(value)
        text = f"{current} {getattr(current, 'detail', '')}"
        for code in (LIBUSB_ERROR_ACCESS, LIBUSB_ERROR_BUSY):
            if name is None and code in text:
                name = code
        if name is not None:
            return name
        current = current.__cause__ or current.__context__
    return None


def obstacle_for_error(
    exc: BaseException,
    phone: DetectedPhone | None = None,
    *,
    adb_probe: AdbServerProbe | None = None,
) -> Obstacle | None:
    """The obstacle behind a failed USB connection, or None when it is something else.

    ``phone`` is what ``wait_for_phone`` returned (for the device node's path);
    ``adb_probe`` lets a BUSY-less failure still name a running adb server.
    """
    libusb = libusb_error_name(exc)
    if libusb == LIBUSB_ERROR_ACCESS:
        access = probe_node(phone.devnode) if phone is not None and phone.devnode else None
        return usb_permission(access, libusb_error=libusb)
    if libusb == LIBUSB_ERROR_BUSY:
        return adb_server(libusb_error=libusb)
    if isinstance(exc, AuthRefused):
        return phone_locked(adb_interface=True, answered=True, auth_pending=True)
    if isinstance(exc, NotConnected) and phone is not None and phone.adb_enabled:
        found = adb_server(adb_probe)
        return found or phone_locked(adb_interface=True, answered=False)
    return None


# --- all together ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UsbFacts:
    """Everything observed about the USB side before connecting."""

    phones: tuple[DetectedPhone, ...] = ()
    node_access: tuple[NodeAccess, ...] = ()
    libusb_error: str | None = None
    adb_probe: AdbServerProbe | None = None
    waited_s: float = 0.0


def diagnose(facts: UsbFacts) -> tuple[Obstacle, ...]:
    """Every obstacle the facts show, the one to fix first first."""
    found: list[Obstacle | None] = [
        no_phone_seen(facts.phones, waited_s=facts.waited_s),
        no_data_connection(facts.phones),
        usb_debugging_off(facts.phones),
        several_phones(facts.phones),
    ]
    found += [usb_permission(a) for a in facts.node_access]
    found.append(usb_permission(libusb_error=facts.libusb_error))
    found.append(adb_server(facts.adb_probe, libusb_error=facts.libusb_error))
    return _unique(o for o in found if o is not None)


def before_connect(
    phone: DetectedPhone,
    *,
    adb_probe: AdbServerProbe | None = None,
    node: NodeAccess | None = None,
) -> tuple[Obstacle, ...]:
    """What to fix before connecting to ``phone``: node permission and a running adb server.

    By default it looks at the device node and asks the local adb server (loopback only).
    """
    if node is None and phone.devnode:
        node = probe_node(phone.devnode)
    probe = adb_probe if adb_probe is not None else probe_local_adb_server()
    facts = UsbFacts(phones=(phone,), node_access=(node,) if node else (), adb_probe=probe)
    return diagnose(facts)


def _unique(obstacles: Iterable[Obstacle]) -> tuple[Obstacle, ...]:
    seen: set[str] = set()
    kept: list[Obstacle] = []
    for obstacle in obstacles:
        if obstacle.id not in seen:
            seen.add(obstacle.id)
            kept.append(obstacle)
    return tuple(kept)
