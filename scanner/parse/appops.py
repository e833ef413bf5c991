"""``dumpsys appops``: special accesses granted through app-ops.

Only the ``  Uid …:`` blocks are read (``AppOpsService.dump``)::

      Uid u0a123:
        state=cch
          SYSTEM_ALERT_WINDOW: mode=allow          <- uid-wide mode (non-default only)
        Package com.example:
          GET_USAGE_STATS (allow):                 <- Android 10-16
          FINE_LOCATION (allow / switch COARSE_LOCATION=allow):
              Access: [top-s] 2024-05-01 …         <- history, skipped
          WAKE_LOCK: mode=0; time=+1h ago          <- Android 7-9 (numeric modes)

What is kept is bounded: every mode of the ops in ``SPECIAL_ACCESS_OPS`` (the accesses a
stalkerware app asks the user to switch on by hand), plus uid-wide modes, which AOSP
prints only when they differ from the op's default. At most ``MAX_ENTRIES`` are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from scanner.commands import DUMPSYS_APPOPS
from scanner.model import AppOp, CollectionWarning
from scanner.parse.common import WarningLog, ascii_int, has_text, indent_of, nonblank_lines
from scanner.phrases import words

SPECIAL_ACCESS_OPS = frozenset(
    {
        "SYSTEM_ALERT_WINDOW",
        "GET_USAGE_STATS",
        "REQUEST_INSTALL_PACKAGES",
        "ACCESS_RESTRICTED_SETTINGS",
        "MANAGE_EXTERNAL_STORAGE",
        "WRITE_SETTINGS",
        "PROJECT_MEDIA",
        "ACTIVATE_VPN",
        "ACCESS_NOTIFICATIONS",
        "MOCK_LOCATION",
        "RUN_ANY_IN_BACKGROUND",
        "BIND_ACCESSIBILITY_SERVICE",
    }
)
"""Ops whose mode is kept whatever it is."""

MAX_ENTRIES = 5000

MAX_UID_OPS = 200
"""Uid-wide modes kept per uid block (AOSP defines about 150 ops)."""

MAX_UID_PACKAGES = 1000
"""Packages kept per uid block (a shared uid such as ``system`` has a few dozen)."""

# ``AppOpsManager.MODE_*`` as Android 7-9 print them (numbers) -> the names 10+ print.
_MODE_NAMES = {0: "allow", 1: "ignore", 2: "deny", 3: "default", 4: "foreground"}


@dataclass(frozen=True, slots=True)
class AppOpsParse:
    """App-op entries kept, plus warnings."""

    ops: tuple[AppOp, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def uid_from_text(text: str) -> int | None:
    """``UserHandle.formatUid`` back to a uid: ``u0a123`` -> 10123, ``1000`` -> 1000."""
    text = text.strip()
    plain = ascii_int(text)
    if plain is not None:
        return plain
    if not text.startswith("u"):
        return None
    for marker, base in (("a", 10000), ("s", 0), ("i", 99000)):
        user_text, sep, rest = text[1:].partition(marker)
        if sep:
            user, app = ascii_int(user_text), ascii_int(rest)
            if user is not None and app is not None:
                return user * 100000 + base + app
    return None


def _mode_name(text: str) -> str:
    text = text.strip()
    number = ascii_int(text)
    if number is not None:
        return _MODE_NAMES.get(number, text)
    return text


def parse_op_line(text: str) -> tuple[str, str] | None:
    """``OP (allow):``, ``OP (allow / switch X=allow):`` or ``OP: mode=allow; …``."""
    paren = text.find(" (")
    colon = text.find(":")
    if paren > 0 and (colon < 0 or paren < colon):
        name = text[:paren]
        mode = text[paren + 2 :].split(" ", 1)[0].split(")", 1)[0]
    elif colon > 0 and text[colon:].startswith(": mode="):
        name = text[:colon]
        mode = text[colon + 7 :].split(";", 1)[0].split(" ", 1)[0]
    else:
        return None
    if not name or not mode or not name.replace("_", "").isalnum() or not name.isupper():
        return None
    return name, _mode_name(mode)


class _UidBlock:
    __slots__ = ("packages", "uid", "uid_ops")

    def __init__(self, uid: int | None) -> None:
        self.uid = uid
        self.uid_ops: list[tuple[str, str]] = []
        self.packages: list[str] = []


def parse_dumpsys_appops(text: str) -> AppOpsParse:
    """Parse ``dumpsys appops``; never raises."""
    log = WarningLog(DUMPSYS_APPOPS)
    ops: list[AppOp] = []
    block: _UidBlock | None = None
    package: str | None = None
    dropped = 0
    recognised = False

    def keep(entry: AppOp) -> None:
        nonlocal dropped
        if len(ops) < MAX_ENTRIES:
            ops.append(entry)
        else:
            dropped += 1

    def close_block() -> None:
        # Uid-wide modes apply to every package of the uid; what does not fit is only
        # counted, so a hostile block costs no more than the room left.
        nonlocal dropped
        if block is None:
            return
        packages = block.packages or [""]
        pairs = ((pkg, op, mode) for op, mode in block.uid_ops for pkg in packages)
        room = max(0, MAX_ENTRIES - len(ops))
        ops.extend(AppOp(pkg, op, mode, block.uid) for pkg, op, mode in islice(pairs, room))
        dropped += max(0, len(block.uid_ops) * len(packages) - room)

    for number, line in nonblank_lines(text):
        stripped = line.strip()
        indent = indent_of(line)
        if indent == 2 and stripped.startswith("Uid ") and stripped.endswith(":"):
            close_block()
            block, package, recognised = _UidBlock(uid_from_text(stripped[4:-1])), None, True
            continue
        if stripped.startswith("Current AppOps Service state"):
            recognised = True
            continue
        if block is None:
            continue
        if indent <= 2:
            close_block()
            block, package = None, None
            continue
        if indent == 4:
            if stripped.startswith("Package ") and stripped.endswith(":"):
                package = stripped[8:-1].strip()
                if len(block.packages) < MAX_UID_PACKAGES:
                    block.packages.append(package)
                else:
                    dropped += 1
            # other 4-space lines are the uid's state (state=, capability=, …)
            continue
        if indent != 6:
            continue  # access history, attribution tags, foreground op lists …
        parsed = parse_op_line(stripped)
        if parsed is None:
            if stripped.replace("_", "").isalnum() and stripped.isupper():
                continue  # a bare op name (listed under a uid state heading)
            log.line(number, line, words("problems.appop_line"))
            continue
        op, mode = parsed
        if package is None:
            if len(block.uid_ops) < MAX_UID_OPS:
                block.uid_ops.append((op, mode))
            else:
                dropped += 1
        elif op in SPECIAL_ACCESS_OPS:
            keep(AppOp(package, op, mode, block.uid))
    close_block()
    if dropped:
        log.add(words("problems.appops_dropped", count=dropped, limit=str(MAX_ENTRIES)))
    if has_text(text) and not recognised:
        log.add(words("problems.appops_unknown"), text)
    return AppOpsParse(tuple(ops), log.result())
