"""packages.json read as androidqf writes it; its facts equal what a live pull would give."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess

import pytest

from scanner.apks import facts_from_apk
from scanner.offline.packages_json import (
    SOURCE,
    apk_facts,
    parse_packages_json,
    subject_fields,
    why_no_certificate,
)
from tests.conftest import shared_path
from tests.offline.builders import MVT_ANDROIDQF

REAL_APK = ("real-apks", "androguard", "a2dp.Vol_137.apk")


@pytest.fixture(scope="module")
def real_entries() -> list[dict]:
    return json.loads(shared_path(*MVT_ANDROIDQF, "packages.json").read_text())


def test_every_real_entry_is_read_with_its_installer_and_digests(real_entries):
    parsed = parse_packages_json(json.dumps(real_entries))
    assert parsed.unreadable_entries == 0
    assert [p.name for p in parsed.packages] == [e["name"] for e in real_entries]
    for package, entry in zip(parsed.packages, real_entries, strict=True):
        assert package.installer == (None if entry["installer"] == "null" else entry["installer"])
        assert package.system is entry["system"]
        [recorded] = package.files
        assert recorded.path == entry["files"][0]["path"]
        assert recorded.sha256 == entry["files"][0]["sha256"]
        assert recorded.certificate.sha1 == entry["files"][0]["certificate"]["Sha1"]
        assert recorded.certificate.sha256 == entry["files"][0]["certificate"]["Sha256"]


@pytest.mark.parametrize(
    ("subject", "organisations", "common_names"),
    [
        (
            "C=US, ST=CA, L=Mountain View, O=Google, Inc, OU=Google, Inc, CN=Unknown",
            ("Google, Inc",),
            ("Unknown",),
        ),
        ("C=DE, ST=Saarland, CN=nuclearfog", (), ("nuclearfog",)),
        ("O=First;Second, CN=A, B", ("First", "Second"), ("A, B",)),
    ],
)
def test_subject_fields_are_split_only_at_a_known_key(subject, organisations, common_names):
    assert subject_fields(subject, "O") == organisations
    assert subject_fields(subject, "CN") == common_names


def test_real_subjects_give_the_organisation_and_common_name(real_entries):
    facts = {p.name: apk_facts(p) for p in parse_packages_json(json.dumps(real_entries)).packages}
    assert facts["com.google.android.youtube"].cert_organizations == ("Google, Inc",)
    assert facts["com.whatsapp"].cert_common_names == ("Brian Acton",)
    assert {f.source for f in facts.values()} == {SOURCE}


def test_split_files_are_hashed_too_and_the_base_apk_leads():
    base, split = "a" * 64, "b" * 64
    text = json.dumps(
        [
            {
                "name": "com.example",
                "files": [
                    {"path": "/data/app/x/split_config.en.apk", "sha256": split},
                    {"path": "/data/app/x/base.apk", "sha256": base.upper()},
                ],
            }
        ]
    )
    facts = apk_facts(parse_packages_json(text).packages[0])
    assert facts.path == "/data/app/x/base.apk"
    assert (facts.sha256, facts.split_sha256) == (base, (split,))


def test_entries_and_digests_that_cannot_be_read_are_not_guessed():
    text = json.dumps(
        [
            "com.not.an.object",
            {"files": []},
            {
                "name": "com.example",
                "files": [{"sha256": "xyz", "certificate": {"Sha1": "12", "Sha256": ""}}],
            },
        ]
    )
    parsed = parse_packages_json(text)
    assert parsed.unreadable_entries == 2
    [package] = parsed.packages
    assert package.files[0].sha256 == ""
    assert package.files[0].certificate is None
    assert apk_facts(package) is None
    assert "no signing certificate" in why_no_certificate(package)


def test_certificate_error_is_the_reason_given():
    text = json.dumps(
        [{"name": "a", "files": [{"path": "/a.apk", "certificate_error": "zip: not valid"}]}]
    )
    reason = why_no_certificate(parse_packages_json(text).packages[0])
    assert reason == "androidqf could not read this app's signing certificate (zip: not valid)"


@pytest.mark.parametrize("text", ['{"name": "x"}', "[{", ""])
def test_file_that_is_not_a_json_list_is_refused(text):
    with pytest.raises(ValueError, match="not"):
        parse_packages_json(text)


def test_recorded_certificate_matches_apksigner_and_the_live_reader(tmp_path):
    """What androidqf records for a real APK gives the same facts a live pull of it does."""
    apksigner = shutil.which("apksigner")
    if apksigner is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have apksigner (Debian package apksigner)")
        pytest.skip("apksigner is not installed (Debian: apt-get install apksigner)")
    path = shared_path(*REAL_APK)
    out = subprocess.run(
        [apksigner, "verify", "--print-certs", "-v", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    sha1 = re.search(r"Signer #1 certificate SHA-1 digest: ([0-9a-f]{40})", out)[1]
    sha256 = re.search(r"Signer #1 certificate SHA-256 digest: ([0-9a-f]{64})", out)[1]
    data = path.read_bytes()
    # The record androidqf writes for this file (its apkverifier subject order: C..CN).
    entry = {
        "name": "com.renamed.build",
        "installer": "null",
        "files": [
            {
                "path": "/data/app/~~Zm9v==/com.renamed.build-YmFy==/base.apk",
                "sha256": hashlib.sha256(data).hexdigest(),
                "certificate": {
                    "Sha1": sha1,
                    "Sha256": sha256,
                    "Subject": "C=UK, ST=ORG, L=ORG, O=fdroid.org, OU=FDroid, CN=FDroid",
                },
            }
        ],
    }
    recorded = apk_facts(parse_packages_json(json.dumps([entry])).packages[0])
    pulled = facts_from_apk("com.renamed.build", entry["files"][0]["path"], data)
    assert recorded.cert_sha1 == (sha1,)
    assert recorded.cert_sha256 == (sha256,)
    assert [d.lower() for d in pulled.cert_sha1] == list(recorded.cert_sha1)
    assert [d.lower() for d in pulled.cert_sha256] == list(recorded.cert_sha256)
    assert recorded.sha256 == pulled.sha256
    assert recorded.cert_organizations == pulled.cert_organizations
    assert recorded.cert_common_names == pulled.cert_common_names
