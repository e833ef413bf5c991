"""The device layer names what is in the way by id and facts; the command line has the words."""

from __future__ import annotations

import ast
from pathlib import Path

import scanner.device
from scanner.cli.obstacle_text import obstacle_text
from scanner.device.obstacles import Obstacle
from scanner.setup_guide import default_guide

DEVICE = Path(scanner.device.__file__).parent


def _trees() -> list[tuple[str, ast.AST]]:
    return [(p.name, ast.parse(p.read_text(encoding="utf-8"))) for p in DEVICE.glob("*.py")]


def _obstacle_ids() -> set[str]:
    ids = set()
    for _, tree in _trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Obstacle"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                ids.add(node.args[0].value)
    return ids


def test_the_device_layer_never_looks_up_words() -> None:
    asked = [
        f"{name}: .{node.func.attr}()"
        for name, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"message", "obstacle", "message_list"}
    ]
    assert not asked


def test_every_id_the_device_layer_names_has_words() -> None:
    guide = default_guide()
    ids = _obstacle_ids()
    assert {"usb_permission", "several_phones", "wait_plug_in", "wait_phone_found"} <= ids
    for obstacle_id in ids:
        assert obstacle_id in guide.obstacles or obstacle_id in guide.messages, obstacle_id


def test_words_are_filled_from_the_facts_the_device_layer_gave() -> None:
    shown = obstacle_text(Obstacle("wait_phone_found", (("phone", "Pixel 7 (2B04)"),)))
    assert "Pixel 7 (2B04)" in shown and "{" not in shown
