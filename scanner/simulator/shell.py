"""What the simulated shell prints for a command: the profile's capture, else what Android says.

The legacy ``shell:`` service without a PTY merges stdout and stderr into one byte stream
and changes no line endings, so an answer is just bytes.
"""

from __future__ import annotations

from typing import Final

from scanner.simulator.adb_state import KeyEntry, fingerprint, with_trusted_keys
from scanner.simulator.android_key import encode_android_public_key
from scanner.simulator.profile import Profile, getprop_values
from scanner.simulator.trust import TrustStore

# Binaries every modern Android has on PATH. Asked for something the profile has no
# capture of, they answer with nothing rather than "not found" (e.g. ``which su`` on an
# unrooted phone prints nothing).
KNOWN_BINARIES: Final = frozenset(
    {
        "am",
        "cat",
        "cmd",
        "df",
        "dumpsys",
        "getprop",
        "id",
        "ls",
        "pm",
        "ps",
        "service",
        "settings",
        "toybox",
        "uptime",
        "which",
    }
)


DUMPSYS_ADB: Final = "dumpsys adb"


def shell_output(profile: Profile, command: str, trust: TrustStore | None = None) -> bytes:
    """The bytes a phone with this profile prints for ``command``.

    ``trust``: the phone's trusted keys now; ``dumpsys adb`` lists those added since the
    profile's capture was made (the scanning computer, once allowed), as Android would.
    """
    exact = profile.commands.get(command)
    if exact is not None:
        if command == DUMPSYS_ADB and trust is not None:
            return _with_trust(profile, exact, trust)
        return exact
    words = command.split()
    if not words:
        return b""
    binary = words[0]
    if binary == "getprop" and len(words) == 2 and "getprop" in profile.commands:
        # getprop prints an empty line for a property that is not set.
        value = getprop_values(profile.commands["getprop"]).get(words[1], "")
        return f"{value}\n".encode()
    if binary in ("dumpsys", "cmd") and len(words) >= 2 and not words[1].startswith("-"):
        service = words[1]
        if not _profile_knows_service(profile, binary, service):
            prefix = "cmd: " if binary == "cmd" else ""
            return f"{prefix}Can't find service: {service}\n".encode()
        return b""
    if binary in KNOWN_BINARIES or any(cmd.split()[:1] == [binary] for cmd in profile.commands):
        return b""
    # mksh's wording (Android 7+), exit status 127.
    return f"/system/bin/sh: {binary}: inaccessible or not found\n".encode()


def _profile_knows_service(profile: Profile, binary: str, service: str) -> bool:
    """True when a capture of the same service exists, so the service is running."""
    # ``cmd package`` and ``dumpsys package`` reach the same system service.
    return any(
        cmd.split()[:2] in ([binary, service], ["dumpsys", service], ["cmd", service])
        for cmd in profile.commands
    )


def _with_trust(profile: Profile, output: bytes, trust: TrustStore) -> bytes:
    entries = [
        KeyEntry(
            encode_android_public_key(host.key, host.comment).decode("utf-8", "replace").strip(),
            host.last_connection_ms,
        )
        for host in trust.hosts()
    ]
    asked = trust.last_asked
    last = fingerprint(encode_android_public_key(asked).decode("ascii")) if asked else ""
    props = getprop_values(profile.commands.get("getprop", b""))
    sdk_text = props.get("ro.build.version.sdk", "")
    sdk = int(sdk_text) if sdk_text.isdigit() else None
    return with_trusted_keys(output, entries, last, sdk)
