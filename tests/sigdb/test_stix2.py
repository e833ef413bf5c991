"""STIX 2.1 importer, on the real 2023 bundle and on small broken ones."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from scanner.errors import Malformed
from scanner.sigdb.stix2 import UNATTRIBUTED, parse_stix2

STIX_FILE = "stalkerware.2023-05-31.stix2"


def _bundle(*objects: dict[str, object]) -> str:
    return json.dumps({"type": "bundle", "id": "bundle--1", "objects": list(objects)})


def _malware(ident: str, name: str) -> dict[str, object]:
    return {"type": "malware", "id": f"malware--{ident}", "name": name, "is_family": False}


def _indicator(ident: str, pattern: str) -> dict[str, object]:
    return {
        "type": "indicator",
        "id": f"indicator--{ident}",
        "pattern": pattern,
        "pattern_type": "stix",
    }


def _link(ident: str, source: str, target: str) -> dict[str, object]:
    return {
        "type": "relationship",
        "id": f"relationship--{ident}",
        "relationship_type": "indicates",
        "source_ref": f"indicator--{source}",
        "target_ref": f"malware--{target}",
    }


def test_real_bundle_gives_every_malware_and_indicator(indicators: Path) -> None:
    raw = json.loads((indicators / STIX_FILE).read_bytes())
    objects = raw["objects"]
    by_id = {o["id"]: o for o in objects}
    # Expected (family, kind, value) pairs computed straight from the JSON.
    expected: Counter[str] = Counter()
    pairs: dict[str, set[tuple[str, str]]] = {}
    for rel in (o for o in objects if o["type"] == "relationship"):
        pattern = by_id[rel["source_ref"]]["pattern"]
        path, value = re.fullmatch(r"\[(.+?)\s*=\s*'(.*)'\]", pattern).groups()  # type: ignore[union-attr]
        expected[path] += 1
        family = by_id[rel["target_ref"]]["name"]
        pairs.setdefault(path, set()).add((family, value))

    result = parse_stix2((indicators / STIX_FILE).read_bytes(), STIX_FILE, "stix")

    fams = result.families
    assert len(fams) == 137 == sum(o["type"] == "malware" for o in objects)
    assert result.ignored_indicators == 0
    # INDEX.md: 2,910 sha256, 1,447 domains, 689 app ids (590 app:id + 99 app:cert.sha1).
    assert expected["file:hashes.sha256"] == 2910
    assert expected["domain-name:value"] == 1447
    assert expected["app:id"] + expected["app:cert.sha1"] == 689
    got = {
        "file:hashes.sha256": {(f.name, s.sha256) for f in fams for s in f.samples},
        "domain-name:value": {(f.name, d) for f in fams for d in f.c2_domains},
        "app:id": {(f.name, p) for f in fams for p in f.packages},
        "app:cert.sha1": {(f.name, c) for f in fams for c in f.certificates},
    }
    for path, values in got.items():
        assert values == pairs[path], path


def test_or_patterns_quotes_and_certificates_are_read() -> None:
    text = _bundle(
        _malware("1", "Spy"),
        _indicator("1", "[app:id = 'com.a' OR app:id = 'com.b']"),
        _indicator(
            "2", "[x509-certificate:hashes.'SHA-1' = '31a6ecec d97cf39bc4126b8745cd94a7c30bf81c']"
        ),
        _indicator("3", "[ipv4-addr:value = '192.0.2.1']"),
        _indicator("4", "[url:value = 'https://example.org/x']"),
        _link("1", "1", "1"),
        _link("2", "2", "1"),
        _link("3", "3", "1"),
        _link("4", "4", "1"),
    )

    result = parse_stix2(text, "x.stix2", "ref")

    (fam,) = result.families
    assert fam.packages == ("com.a", "com.b")
    assert fam.certificates == ("31A6ECECD97CF39BC4126B8745CD94A7C30BF81C",)
    assert fam.c2_ips == ("192.0.2.1",)
    assert result.ignored_indicators == 1


def test_indicators_without_malware_are_kept_as_unattributed() -> None:
    text = _bundle(_indicator("1", "[domain-name:value = 'lonely.example']"))

    (fam,) = parse_stix2(text, "x.stix2", "ref").families

    assert fam.name == UNATTRIBUTED
    assert fam.c2_domains == ("lonely.example",)
    assert "x.stix2" in fam.notes


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            _bundle(_malware("1", "Spy"), _indicator("9", "[app:id = 'com.a' AND app:x = 'y']")),
            ["bad.stix2", "entry 2", "indicator--9", "pattern"],
        ),
        (
            _bundle(_malware("1", "Spy"), _indicator("9", "[file:hashes.sha256 = 'abc']")),
            ["bad.stix2", "entry 2", "SHA-256"],
        ),
        (
            _bundle(_malware("1", "Spy"), _link("1", "nope", "1")),
            ["bad.stix2", "entry 2", "indicator--nope", "not in the bundle"],
        ),
        (_bundle({"type": "malware", "name": "NoId"}), ["entry 1", "(NoId)", "no 'id'"]),
        ('{"type": "bundle", "objects": [', ["bad.stix2", "not valid JSON"]),
        ('{"type": "report"}', ["bad.stix2", "not a STIX 2 bundle"]),
    ],
)
def test_malformed_stix_names_the_file_and_object(text: str, fragments: list[str]) -> None:
    with pytest.raises(Malformed) as caught:
        parse_stix2(text, "bad.stix2", "ref")

    for fragment in fragments:
        assert fragment in caught.value.message
