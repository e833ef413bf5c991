"""The one exception hierarchy.

Every error carries ``message`` (plain words a frightened non-expert can act on) and
``detail`` (technical, shown only with ``--debug``). ``cli.py`` maps each class to one
documented exit code.

An error may also name its words by id (``message_id``, a ``guidance/<lang>/messages``
key) with the facts that fill them (``values``): the command line then shows them in the
reader's language, and ``message`` keeps the English words for logs and reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from scanner.i18n import Catalogue

WORDS_UNREADABLE = (
    "Something went wrong, and the scanner's own files with its words are missing or "
    "damaged, so it cannot say more. Please reinstall it."
)
"""What an error says when no message catalogue can be read (English, kept in code)."""


def said_values(values: Mapping[str, object], say: Catalogue | None) -> dict[str, object]:
    """``values`` ready to fill a message: a nested message (a ``Words``, such as a
    passphrase's reason) said in ``say``'s language (a ``Catalogue``; English for None)."""
    from scanner.model import Words

    if not any(isinstance(v, Words) for v in values.values()):
        return dict(values)
    from scanner.phrases import render

    return {k: render(v, say) if isinstance(v, Words) else v for k, v in values.items()}


class ScannerError(Exception):
    """Base of every error the scanner raises on purpose."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        detail: str = "",
        *,
        message_id: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.message_id = message_id
        self.values: dict[str, object] = dict(values or {})

    @classmethod
    def said(cls, message_id: str, detail: str = "", **values: object) -> Self:
        """The error named by ``message_id``, its English words from the catalogue."""
        try:
            from scanner.i18n import catalogue

            english = catalogue().text(message_id, **said_values(values, None))
        except Exception:  # no catalogue can be read: the one sentence that needs none
            english = f"{WORDS_UNREADABLE} ({message_id})"
        return cls(english, detail, message_id=message_id, values=values)


class DeviceError(ScannerError):
    """Something went wrong talking to the phone."""

    exit_code = 3
    partial: bytes = b""
    """What a command had already sent when this happened (kept, never thrown away)."""


class NotConnected(DeviceError):
    """No phone could be reached."""

    exit_code = 3


class UsbUnavailable(DeviceError):
    """USB support (libusb) is missing on this computer."""

    exit_code = 3


class AuthRefused(DeviceError):
    """The phone refused, or never answered, the USB debugging authorisation."""

    exit_code = 4


class Disconnected(DeviceError):
    """The phone went away in the middle of the scan."""

    exit_code = 5


class ProtocolViolation(Disconnected):
    """The phone broke the rules of the ADB connection (an oversized message, data for a
    stream never opened, no heed of flow control); the scanner stopped reading from it."""


class CommandTimeout(DeviceError):
    """One command took longer than its time limit."""

    exit_code = 5


class PullTimeSpent(CommandTimeout):
    """The time allowed for reading all app files ran out; the rest are named, not read."""


class FileTooLarge(DeviceError):
    """A file being pulled grew past the size limit; reading it stopped there."""

    exit_code = 5


class CommandRefused(DeviceError):
    """A command that is not on the read-only allowlist was about to be sent."""

    exit_code = 9


class ParseError(ScannerError):
    """Text from the phone could not be understood at all."""

    exit_code = 6


class SignatureDBError(ScannerError):
    """The stalkerware signature database could not be used."""

    exit_code = 7


class Tampered(SignatureDBError):
    """The database changed since it was installed, or its signature is wrong."""


class Malformed(SignatureDBError):
    """The database or an import file is not in the expected format."""


class GuidanceError(ScannerError):
    """The guidance texts are missing or malformed."""

    exit_code = 8


class ReportError(ScannerError):
    """A report or case file could not be written or read."""

    exit_code = 8


class Untrusted(SignatureDBError):
    """A database file is not signed, or is signed by a key nobody chose to trust."""


class WrongPassphrase(ReportError):
    """The passphrase given does not open the case file."""


class CaseFileDamaged(ReportError):
    """The case file is truncated, corrupted, changed by someone, or not a case file."""


class EvidenceError(ReportError):
    """An evidence pack or its signing key could not be written or read."""


class ProfileError(ScannerError):
    """A simulated-phone profile folder is missing a file or is not valid."""

    exit_code = 8


class UnknownProfile(ProfileError):
    """No built-in profile has that name and no folder is there: a wrong argument."""

    exit_code = 2


class InputMissing(ScannerError):
    """An offline input (bug report, androidqf folder or zip, saved capture) is not there
    or could not be opened: nothing was refused, it could not be read."""

    exit_code = 8


class InputRefused(ScannerError):
    """An offline input was refused: damaged, changed since it was saved, unsafe to read,
    or not the kind of file it was given as. Nothing from it was used."""

    exit_code = 10


class InputUnsafe(InputRefused):
    """Reading it would go where the user did not point: a zip bomb, or a link that
    leads out of the folder the user gave."""


class InputChanged(InputRefused):
    """A file no longer matches the hash recorded when it was saved."""


class InputDamaged(InputRefused):
    """The file is cut short, corrupted or locked (encrypted), so it cannot be read."""


class InputNotRecognised(InputRefused):
    """The file or folder is not the kind of input it was given as."""
