"""Read single entries of a zip (a bug report, an androidqf acquisition) into memory.

Nothing is extracted to disk. Each entry is refused when it is a link, is encrypted, or
is larger than its limit; the size is checked against the zip's own header and again
while decompressing, since a zip bomb can lie in its header.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path
from types import TracebackType
from typing import Final, Self, TypeVar

from scanner.errors import InputDamaged, InputMissing, InputUnsafe, ScannerError

MAX_ENTRIES: Final = 500_000
"""A real bug report holds a few thousand entries; past this the listing itself is an attack."""

_E = TypeVar("_E", bound=ScannerError)

_ZIP_ERRORS: Final = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError)


class ZipInput:
    """An open zip whose entries are read whole into memory, one at a time, with limits."""

    def __init__(self, path: Path, kind: str) -> None:
        # ``kind`` (``androidqf_zip`` or ``bug_report``) names the input in the message
        # ids: each refusal is its own whole sentence in every language.
        self.path = path
        self.kind = kind
        try:
            self._archive = zipfile.ZipFile(path)
        except OSError as exc:
            raise self._refusal(InputMissing, "input_errors.unreadable_", str(exc)) from exc
        except _ZIP_ERRORS as exc:
            raise self._refusal(InputDamaged, "input_errors.damaged_", repr(exc)) from exc
        infos = self._archive.infolist()
        if len(infos) > MAX_ENTRIES:
            self._archive.close()
            raise self._refusal(
                InputUnsafe, "input_errors.too_many_files_", f"{len(infos)} entries"
            )
        self.entries: dict[str, zipfile.ZipInfo] = {i.filename: i for i in infos if not i.is_dir()}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._archive.close()

    def read(self, name: str, limit: int) -> bytes:
        """The whole entry ``name``, refused when it is a link, encrypted or over ``limit``."""
        info = self.entries[name]
        if stat.S_ISLNK(info.external_attr >> 16):
            # A link entry's bytes are a path on the sender's computer, not the file.
            raise self._refusal(
                InputUnsafe, "input_errors.link_", f"{name}: symbolic link entry", name=name
            )
        if info.flag_bits & 0x1:
            raise self._refusal(InputDamaged, "input_errors.locked_", f"{name}: encrypted entry")
        if info.file_size > limit:
            raise self._too_large(f"{name}: {info.file_size} bytes uncompressed")
        try:
            with self._archive.open(info) as handle:
                data = handle.read(limit + 1)
        except OSError as exc:
            raise self._refusal(InputMissing, "input_errors.unreadable_", str(exc)) from exc
        except RuntimeError as exc:  # zipfile's "File is encrypted, password required"
            raise self._refusal(InputDamaged, "input_errors.locked_", repr(exc)) from exc
        except _ZIP_ERRORS as exc:
            raise self._refusal(InputDamaged, "input_errors.damaged_", repr(exc)) from exc
        if len(data) > limit:
            raise self._too_large(f"{name}: bigger than its zip header says")
        return data

    def _too_large(self, detail: str) -> InputUnsafe:
        return self._refusal(InputUnsafe, "input_errors.too_large_", detail)

    def _refusal(self, error: type[_E], prefix: str, detail: str, **values: str) -> _E:
        """``error`` worded by the message ``prefix`` + this zip's kind, naming the zip."""
        return error.said(f"{prefix}{self.kind}", detail, path=self.path, **values)
