"""What the simulated shell answers: the profile's capture, else what Android says.

``run_command`` gives stdout, stderr and the exit status apart, as the shell protocol
(``shell,v2``) carries them; ``shell_output`` is the legacy ``shell:`` view, where stderr
joins stdout and the status is lost. Texts and statuses are Android's own: mksh for a
missing command (127), ``dumpsys``/``cmd`` for a missing service (0 and 20),
``PackageManagerShellCommand`` for ``pm path``, toybox for ``ls`` and ``which``.

Simple commands and lists of them (``;``, ``&&``, ``||``, with ``$?``) are run; other
shell syntax (pipes, redirection, other ``$`` expansions) is not, and the answer says so
rather than guessing (``command_line.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Final

from scanner.simulator.adb_state import KeyEntry, fingerprint, with_trusted_keys
from scanner.simulator.android_key import encode_android_public_key
from scanner.simulator.answer import ShellAnswer, in_sequence, not_modelled
from scanner.simulator.command_line import parse_list
from scanner.simulator.profile import Profile, getprop_values
from scanner.simulator.storage import ls, pm_path
from scanner.simulator.toybox import run_tools, tool_steps
from scanner.simulator.trust import TrustStore

# Binaries every modern Android has on PATH. Asked for something the profile has no
# capture of, they answer with nothing rather than "not found".
KNOWN_BINARIES: Final = frozenset(
    {
        "am",
        "cat",
        "cmd",
        "date",
        "df",
        "dumpsys",
        "echo",
        "false",
        "getprop",
        "id",
        "ls",
        "pm",
        "ps",
        "service",
        "settings",
        "toybox",
        "true",
        "uptime",
        "which",
    }
)

DUMPSYS_ADB: Final = "dumpsys adb"
DUMPSYS_PACKAGE: Final = "dumpsys package"
NOT_FOUND_STATUS: Final = 127
CMD_NO_SERVICE_STATUS: Final = 20


def shell_output(profile: Profile, command: str, trust: TrustStore | None = None) -> bytes:
    """The bytes the legacy ``shell:`` service sends for ``command`` (stderr included)."""
    return b"".join(output_pieces(profile, command, trust))


def output_pieces(
    profile: Profile, command: str, trust: TrustStore | None = None
) -> Iterator[bytes]:
    """``shell_output`` made as it is taken: nothing runs before the first piece is asked
    for, then the file tools' lines give one step's output at a time (``toybox.py``);
    any other answer comes whole, in one piece."""
    captured = _captured(profile, command, trust)
    if captured is not None:
        yield captured.merged
        return
    steps = tool_steps(command, profile.files, profile.missing_tools)
    if steps is None:
        yield _run_list(profile, command, trust).merged
        return
    for ran in steps:
        if ran.stdout:
            yield ran.stdout
        if ran.stderr:
            yield ran.stderr


def run_command(profile: Profile, command: str, trust: TrustStore | None = None) -> ShellAnswer:
    """What ``sh -c command`` on a phone with this profile prints, and its exit status.

    ``trust``: the phone's trusted keys now; ``dumpsys adb`` lists those added since the
    profile's capture was made (the scanning computer, once allowed), as Android would.
    """
    captured = _captured(profile, command, trust)
    if captured is not None:
        return captured
    # The file tools with their 2>/dev/null (the APK read commands): toybox.py.
    tools = run_tools(command, profile.files, profile.missing_tools)
    if tools is not None:
        return tools
    return _run_list(profile, command, trust)


def _run_list(profile: Profile, command: str, trust: TrustStore | None) -> ShellAnswer:
    """Simple commands joined by ``;``, ``&&`` and ``||``, run in turn."""
    items = parse_list(command)
    if items is None:
        return not_modelled("shell syntax beyond simple commands joined by ; && ||")
    answers: list[ShellAnswer] = []
    status = 0
    for item in items:
        if (item.connector == "&&" and status != 0) or (item.connector == "||" and status == 0):
            continue
        words = [word.replace("$?", str(status)) for word in item.words]
        if words[0] == "exit":  # ends the shell: nothing after it runs
            answers.append(_exit(words[1:], status))
            status = answers[-1].status
            break
        answers.append(_run_simple(profile, words, trust))
        status = answers[-1].status
    if len(answers) == 1:
        return answers[0]
    return in_sequence(answers, status)


def _captured(profile: Profile, command: str, trust: TrustStore | None) -> ShellAnswer | None:
    """The profile's capture of exactly this command line, if it has one."""
    exact = profile.commands.get(command)
    if exact is None:
        return None
    if command == DUMPSYS_ADB and trust is not None:
        exact = _with_trust(profile, exact, trust)
    # which exits 1 when it found nothing (toybox which.c); a capture is its stdout.
    status = 1 if command.split()[:1] == ["which"] and not exact.strip() else 0
    return ShellAnswer(stdout=exact, status=status)


def _run_simple(profile: Profile, words: list[str], trust: TrustStore | None) -> ShellAnswer:
    """One simple command (already split into words) of a list."""
    captured = _captured(profile, " ".join(words), trust)
    if captured is not None:
        return captured
    binary, arguments = words[0], words[1:]
    builtin = _builtin(binary, arguments)
    if builtin is not None:
        return builtin
    if binary == "date":
        return _date(arguments)
    if binary == "getprop" and len(arguments) == 1 and "getprop" in profile.commands:
        # getprop prints an empty line for a property that is not set.
        value = getprop_values(profile.commands["getprop"]).get(arguments[0], "")
        return ShellAnswer(stdout=f"{value}\n".encode())
    dump = profile.commands.get(DUMPSYS_PACKAGE, b"")
    # pm is a script around "cmd package": both take the same subcommands.
    pm_arguments = arguments[1:] if binary == "pm" else arguments[2:]
    if (binary, *arguments[:1]) == ("pm", "path") or (binary, *arguments[:2]) == (
        "cmd",
        "package",
        "path",
    ):
        if not dump:
            return not_modelled("pm path on a profile without a dumpsys package capture")
        return pm_path(dump, pm_arguments)
    if binary == "ls":
        return ls(profile.files, dump, arguments)
    if binary == "which":
        return _which(profile, arguments)
    if binary in ("dumpsys", "cmd") and arguments and not arguments[0].startswith("-"):
        service = arguments[0]
        if not _profile_knows_service(profile, binary, service):
            # dumpsys only warns and exits 0; cmd returns 20 (frameworks/native/cmds).
            if binary == "cmd":
                message = f"cmd: Can't find service: {service}\n"
                return ShellAnswer(stderr=message.encode(), status=CMD_NO_SERVICE_STATUS)
            return ShellAnswer(stderr=f"Can't find service: {service}\n".encode())
        return ShellAnswer()
    if _exists(profile, binary):
        return ShellAnswer()
    return _not_found(binary)


def _exit(arguments: list[str], last_status: int) -> ShellAnswer:
    """The ``exit`` builtin: the given status, or the last command's."""
    if not arguments:
        return ShellAnswer(status=last_status)
    if len(arguments) == 1 and arguments[0].isdigit():
        return ShellAnswer(status=int(arguments[0]) & 0xFF)
    return not_modelled(f"exit {' '.join(arguments)}")


def _builtin(binary: str, arguments: list[str]) -> ShellAnswer | None:
    """mksh builtins and the two commands that exist only for their status."""
    if binary == "true":
        return ShellAnswer()
    if binary == "false":
        return ShellAnswer(status=1)
    if binary == "echo":
        if any(a.startswith("-") for a in arguments):
            return not_modelled("echo with options")
        return ShellAnswer(stdout=(" ".join(arguments) + "\n").encode())
    return None


def _date(arguments: list[str]) -> ShellAnswer:
    """toybox date: a simulated phone's clock is this computer's (a profile may hold a
    captured reading instead, answered before this)."""
    if arguments != ["+%s"]:
        return not_modelled("date other than 'date +%s'")
    return ShellAnswer(stdout=f"{int(time.time())}\n".encode())


def _exists(profile: Profile, binary: str) -> bool:
    return binary in KNOWN_BINARIES or any(cmd.split()[:1] == [binary] for cmd in profile.commands)


def _which(profile: Profile, arguments: list[str]) -> ShellAnswer:
    """toybox which: the path of each command on PATH, exit 1 if any is missing."""
    found = [name for name in arguments if _exists(profile, name)]
    lines = "".join(f"/system/bin/{name}\n" for name in found)
    status = 0 if arguments and len(found) == len(arguments) else 1
    return ShellAnswer(stdout=lines.encode(), status=status)


def _not_found(binary: str) -> ShellAnswer:
    # mksh's wording (Android 7+), exit status 127.
    message = f"/system/bin/sh: {binary}: inaccessible or not found\n"
    return ShellAnswer(stderr=message.encode(), status=NOT_FOUND_STATUS)


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
