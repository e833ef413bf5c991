"""Build offline inputs at test time, in the exact formats Android writes them.

The section contents are the unmodified real captures in ../shared/device-outputs; only
the wrapping (dumpstate headers, dumpsys block separators and trailers, the settings
provider's row format, the zip layout) is written here, following AOSP
``cmds/dumpsys/dumpsys.cpp``, ``cmds/dumpstate/dumpstate.cpp`` and
``SettingsProvider.dumpSettingsLocked``.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path

from scanner.commands import (
    DUMPSYS_ACCESSIBILITY,
    DUMPSYS_PACKAGE,
    GETPROP,
    SETTINGS_GLOBAL,
    SETTINGS_SECURE,
)
from scanner.simulator import Profile
from scanner.sources import SOURCES, Service
from tests.conftest import shared_path

DUMPSYS_SERVICES = {
    row.command: row.bugreport.name for row in SOURCES if isinstance(row.bugreport, Service)
}
"""Scan command -> the service whose dump a bug report holds for it."""

DASHES = b"-" * 79 + b"\n"
END_TIME = b"2024-05-01 10:00:00"

AI_PIN_FILES = {
    GETPROP: "getprop.txt",
    DUMPSYS_PACKAGE: "dumpsys_package.txt",
    SETTINGS_GLOBAL: "settings_list_global.txt",
    SETTINGS_SECURE: "settings_list_secure.txt",
}


def ai_pin_outputs() -> dict[str, bytes]:
    """The real Ai Pin (Android 12) captures plus a real Android 11/12 accessibility dump."""
    folder = shared_path("device-outputs", "penumbraos-ai-pin-android12")
    outputs = {cmd: (folder / name).read_bytes() for cmd, name in AI_PIN_FILES.items()}
    outputs[DUMPSYS_ACCESSIBILITY] = shared_path(
        "device-outputs", "spytrap-adb", "accessibility_plain.txt"
    ).read_bytes()
    return outputs


def ai_pin_system_settings() -> bytes:
    return shared_path(
        "device-outputs", "penumbraos-ai-pin-android12", "settings_list_system.txt"
    ).read_bytes()


def ai_pin_phone(outputs: Mapping[str, bytes]) -> Profile:
    """A simulated phone answering the scan with exactly these outputs."""
    return Profile(name="ai-pin-offline", serial="AIPINOFFLINE", commands=dict(outputs))


def dumpsys_block(service: str, output: bytes, *, binder_info: bool = False) -> bytes:
    """One ``DUMP OF SERVICE`` block as dumpsys writes it with several services."""
    name = service.encode()
    head = DASHES + b"DUMP OF SERVICE " + name + b":\n"
    if binder_info:
        # What dumpstate (Android 12+) asks dumpsys to print before the service's output.
        head += b"Service host process PID: 1523\nThreads in use: 0/32\nClient PIDs: 4410, 3127\n"
    trailer = b"--------- 0.412s was the duration of dumpsys " + name + b", ending at: "
    return head + output + trailer + END_TIME + b"\n"


def settings_dump(namespaces: Mapping[str, bytes], user: int = 0) -> bytes:
    """``dumpsys settings`` for the given ``settings list`` outputs (namespace -> text)."""
    out: list[bytes] = []
    row_id = 1
    for namespace in ("config", "global", "secure", "system"):
        if namespace not in namespaces:
            continue
        out.append(f"{namespace.upper()} SETTINGS (user {user})\n".encode())
        for line in namespaces[namespace].decode().splitlines():
            name, _, value = line.partition("=")
            shown = "{null}" if value == "null" else value
            # Vary the optional fields the way real rows do.
            pkg = "" if row_id % 5 == 0 else " pkg:android"
            default = f" default:{shown} defaultSystemSet:true" if row_id % 3 == 0 else ""
            tag = " tag:null" if row_id % 4 == 0 else ""
            out.append(f"_id:{row_id} name:{name}{pkg} value:{shown}{default}{tag}\n".encode())
            row_id += 1
        out.append(b"\n")
    return b"".join(out)


def bugreport_text(outputs: Mapping[str, bytes], *, settings: bytes | None = None) -> bytes:
    """A bug report main text holding the given command outputs in dumpstate's layout.

    ``settings`` is the settings provider's dump; by default it is built from the
    ``settings list`` outputs.
    """
    if settings is None and SETTINGS_GLOBAL in outputs:
        settings = settings_dump(
            {"global": outputs[SETTINGS_GLOBAL], "secure": outputs.get(SETTINGS_SECURE, b"")}
        )
    getprop = outputs[GETPROP]
    if not getprop.endswith(b"\n"):
        getprop += b"\n"  # real getprop ends every line; the shared copy lost its last one
    # Services come in the service manager's (alphabetical) order, other ones between.
    blocks = [
        dumpsys_block(service, outputs[command], binder_info=True)
        for command, service in sorted(DUMPSYS_SERVICES.items(), key=lambda item: item[1])
        if command in outputs
    ]
    blocks.insert(1, dumpsys_block("alarm", b"Current Alarm Manager state:\n", binder_info=True))
    if settings is not None:
        blocks.append(dumpsys_block("settings", settings, binder_info=True))
    return b"".join(
        [
            b"========================================================\n",
            b"== dumpstate: 2024-05-01 09:58:12\n",
            b"========================================================\n",
            b"\n",
            b"Build: TEST.240501.001\n",
            b"Bugreport format version: 2.0\n",
            b"\n",
            b"------ DUMPSYS CRITICAL (/system/bin/dumpsys) ------\n",
            DASHES,
            b"DUMP OF SERVICE CRITICAL package:\n",
            b"Service host process PID: 1523\n",
            b"Package manager dump of critical state only\n",
            b"--------- 0.010s was the duration of dumpsys package, ending at: ",
            b"2024-05-01 09:58:13\n",
            b"------ SYSTEM PROPERTIES (getprop) ------\n",
            getprop,
            b"------ STORAGED IO INFO (storaged -u -p) ------\n",
            b"name/pid fg_read fg_write bg_read bg_write\n",
            b"========================================================\n",
            b"== Android Framework Services\n",
            b"========================================================\n",
            b"------ DUMPSYS (/system/bin/dumpsys) ------\n",
            *blocks,
            b"------ 12.041s was the duration of 'DUMPSYS' ------\n",
            b"========================================================\n",
            b"== Checkins\n",
            b"========================================================\n",
        ]
    )


def bugreport_zip(path: Path, main_text: bytes, *, main_entry: bool = True) -> Path:
    """A bug report zip laid out as ``adb bugreport`` saves it."""
    main_name = "bugreport-aipin-TEST.240501.001-2024-05-01-09-58-12.txt"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("version.txt", "2.0")
        if main_entry:
            archive.writestr("main_entry.txt", main_name)
        archive.writestr(main_name, main_text)
        archive.writestr("dumpstate_log.txt", "dumpstate log\n")
        archive.writestr("FS/data/misc/recovery/ro.build.fingerprint", "Humane/test\n")
    return path


def androidqf_folder(
    folder: Path,
    outputs: Mapping[str, bytes],
    *,
    system_settings: bytes = b"",
    root_binaries: list[str] | None = None,
    with_settings_files: bool = True,
) -> Path:
    """An androidqf acquisition folder; like androidqf, outputs are saved trimmed."""
    folder.mkdir(parents=True, exist_ok=True)
    services = [
        ("accessibility", outputs[DUMPSYS_ACCESSIBILITY]),
        ("package", outputs[DUMPSYS_PACKAGE]),
    ]
    if not with_settings_files:
        services.append(
            (
                "settings",
                settings_dump(
                    {"global": outputs[SETTINGS_GLOBAL], "secure": outputs[SETTINGS_SECURE]}
                ),
            )
        )
    listing = b"Currently running services:\n" + b"".join(
        b"  " + name.encode() + b"\n" for name, _ in services
    )
    dumpsys = listing + b"".join(dumpsys_block(name, data) for name, data in services)
    (folder / "getprop.txt").write_bytes(outputs[GETPROP].strip())
    (folder / "dumpsys.txt").write_bytes(dumpsys.strip())
    if with_settings_files:
        (folder / "settings_global.txt").write_bytes(outputs[SETTINGS_GLOBAL].strip())
        (folder / "settings_secure.txt").write_bytes(outputs[SETTINGS_SECURE].strip())
        (folder / "settings_system.txt").write_bytes(system_settings.strip())
    (folder / "packages.json").write_text(
        json.dumps([{"name": "com.android.settings", "files": [], "installer": "null"}], indent=4)
    )
    (folder / "processes.txt").write_text("USER PID PPID VSZ RSS WCHAN ADDR S NAME\n")
    if root_binaries is not None:
        (folder / "root_binaries.json").write_text(json.dumps(root_binaries, indent=4))
    return folder


MVT_ANDROIDQF = ("device-outputs", "mvt-artifacts", "androidqf")
MVT_BUGREPORT = ("device-outputs", "mvt-artifacts", "android_data", "bugreport")


def real_androidqf_copy(folder: Path) -> Path:
    """A writable copy of the real androidqf acquisition in ../shared (files only; the
    shared copy is read-only)."""
    source = shared_path(*MVT_ANDROIDQF)
    folder.mkdir(parents=True)
    for item in sorted(source.iterdir()):
        shutil.copyfile(item, folder / item.name)
    return folder


def zip_folder(folder: Path, path: Path, *, under: str = "") -> Path:
    """Zip every file below ``folder`` the way a user or androidqf shares it: at the top
    level (androidqf's own ``<uuid>.zip``), or ``under`` one folder (a zipped folder)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(folder.rglob("*")):
            if item.is_file():
                name = item.relative_to(folder).as_posix()
                archive.write(item, f"{under}/{name}" if under else name)
    return path


def real_bugreport_zip(path: Path) -> Path:
    """The real (MVT) bug report folder zipped, as the phone shares it."""
    return zip_folder(shared_path(*MVT_BUGREPORT), path)


def set_package_record(folder: Path, name: str, **changes: object) -> None:
    """Change fields of one package's first file in ``packages.json`` (``cert_sha1=``,
    ``cert_sha256=`` for its certificate, anything else for the file entry)."""
    path = folder / "packages.json"
    packages = json.loads(path.read_text())
    entry = next(p for p in packages if p["name"] == name)
    record = entry["files"][0]
    for key, value in changes.items():
        if key == "cert_sha1":
            record["certificate"]["Sha1"] = value
        elif key == "cert_sha256":
            record["certificate"]["Sha256"] = value
        else:
            record[key] = value
    path.write_text(json.dumps(packages, indent=4))
