"""Cutting one service's output out of a full dumpsys or a bug report, format by format."""

from __future__ import annotations

from scanner.offline.sections import command_section, dumpsys_services

DASHES = b"-" * 79 + b"\n"


def block(name: bytes, body: bytes, trailer: bool = True) -> bytes:
    out = DASHES + b"DUMP OF SERVICE " + name + b":\n" + body
    if trailer:
        out += b"--------- 0.050s was the duration of dumpsys " + name
        out += b", ending at: 2024-05-01 10:00:00\n"
    return out


def test_block_output_is_exact_between_header_and_trailer():
    data = block(b"account", b"Accounts: 1\n  Account {name=a@b.c, type=com.google}\n")
    data += block(b"appops", b"Current AppOps Service state:\n")
    services = dumpsys_services(data)
    assert services["account"].output == b"Accounts: 1\n  Account {name=a@b.c, type=com.google}\n"
    assert services["appops"].output == b"Current AppOps Service state:\n"
    assert services["account"].duration_s == 0.05
    assert not services["account"].truncated


def test_recent_bugreport_binder_lines_are_removed_but_nothing_else():
    body = (
        b"Service host process PID: 1523\nThreads in use: 2/32\n"
        b"Client PIDs are not available for local binders.\n"
        b"Client PIDs: 12\n"
        b"Device Policy Manager (Service host process PID: 9 is just text here)\n"
    )
    out = dumpsys_services(block(b"device_policy", body))["device_policy"].output
    assert out == b"Device Policy Manager (Service host process PID: 9 is just text here)\n"


def test_output_without_final_newline_stops_where_the_trailer_starts():
    data = DASHES + b"DUMP OF SERVICE account:\nlast line"
    data += b"--------- 0.001s was the duration of dumpsys account, ending at: x\n"
    assert dumpsys_services(data)["account"].output == b"last line"


def test_critical_and_high_priority_blocks_are_not_the_services_dump():
    data = DASHES + b"DUMP OF SERVICE CRITICAL package:\ncritical part only\n"
    data += b"--------- 0.001s was the duration of dumpsys package, ending at: x\n"
    data += block(b"package", b"Packages:\n  Package [a.b] (1):\n")
    assert dumpsys_services(data)["package"].output == b"Packages:\n  Package [a.b] (1):\n"


def test_only_critical_block_means_the_service_is_absent():
    data = DASHES + b"DUMP OF SERVICE HIGH meminfo:\nTotal RAM: 1\n"
    data += b"--------- 0.001s was the duration of dumpsys meminfo, ending at: x\n"
    assert "meminfo" not in dumpsys_services(data)


def test_timed_out_service_is_kept_and_marked_incomplete():
    body = (
        b"Packages:\n  Package [a.b] (1):\n"
        b"\n*** SERVICE 'package' DUMP TIMEOUT (10000ms) EXPIRED ***\n\n"
    )
    section = dumpsys_services(block(b"package", body))["package"]
    assert section.output == b"Packages:\n  Package [a.b] (1):\n"
    assert section.truncated


def test_android8_blocks_without_trailer_end_at_the_next_dashed_line():
    data = block(b"account", b"Accounts: 0\n", trailer=False)
    data += block(b"appops", b"Current AppOps Service state:\n", trailer=False)
    data += b"------ 0.9s was the duration of 'DUMPSYS' ------\n"
    services = dumpsys_services(data)
    assert services["account"].output == b"Accounts: 0\n"
    assert services["appops"].output == b"Current AppOps Service state:\n"
    assert not services["appops"].truncated


def test_dump_cut_off_in_the_middle_is_marked_incomplete():
    data = block(b"package", b"Packages:\n  Package [a.b] (1):\n    codePath=/da", trailer=False)
    section = dumpsys_services(data)["package"]
    assert section.output.endswith(b"codePath=/da")
    assert section.truncated


def test_first_normal_block_of_a_name_wins():
    data = block(b"account", b"first\n") + block(b"account", b"second\n")
    assert dumpsys_services(data)["account"].output == b"first\n"


def test_getprop_section_ends_at_the_next_dumpstate_section():
    data = (
        b"------ MULTICAST ADDRESSES (ip maddr) ------\n1: lo\n"
        b"------ SYSTEM PROPERTIES (getprop) ------\n[a]: [1]\n[b]: [two\nlines]\n"
        b"------ 0.611s was the duration of 'SYSTEM PROPERTIES' ------\n"
        b"------ STORAGED IO INFO (storaged -u -p) ------\n"
    )
    section = command_section(data, b"SYSTEM PROPERTIES")
    assert section is not None
    assert section.output == b"[a]: [1]\n[b]: [two\nlines]\n"
    assert not section.truncated


def test_failed_getprop_is_marked_incomplete():
    data = (
        b"------ SYSTEM PROPERTIES (getprop) ------\n[a]: [1]\n"
        b"*** command 'getprop' timed out after 10.000s (killing pid 77)\n"
        b"------ STORAGED IO INFO (storaged -u -p) ------\n"
    )
    section = command_section(data, b"SYSTEM PROPERTIES")
    assert section is not None
    assert section.output == b"[a]: [1]\n"
    assert section.truncated


def test_missing_command_section_is_none():
    assert (
        command_section(b"------ UPTIME (uptime) ------\nup 3 days\n", b"SYSTEM PROPERTIES") is None
    )


def test_whole_dumpsys_run_may_end_without_trailer_on_old_phones():
    data = block(b"account", b"Accounts: 0\n", trailer=False)
    data += block(b"appops", b"Current AppOps Service state:\n", trailer=False)
    section = dumpsys_services(data, ends_at_eof=True)["appops"]
    assert section.output == b"Current AppOps Service state:\n"
    assert not section.truncated
