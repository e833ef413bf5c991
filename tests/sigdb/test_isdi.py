"""ISDi's app list (isdi-scanner's app-flags.csv) joined to Echap's indicators."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from scanner.errors import Malformed
from scanner.sigdb import app_names, isdi
from scanner.sigdb.model import Family, Kind
from scanner.sigdb.schema import build_db, parse_db
from tests.sigdb.conftest import ISDI_CSV_SHA256, SNAPSHOT, small_header
from tools import build_signatures

SHIPPED = Path(__file__).resolve().parents[2] / "signatures"
REF = "isdi@1.0.9"
CSV = (
    "appId,store,flag,title\n"
    "com.track.me,playstore,dual-use,Track Me  GPS\n"
    "com.hidden.spy,offstore,stalkerware,Hidden Spy\n"
    "com.other.spy,playstore,spyware,Other Spy\n"
    "Anon.Mobile.Tracker,appstore,dual-use,Anon Mobile Tracker\n"
    "com.good.app,playstore,safe,Good App\n"
    "caller-location-tracker.app,playstore,dual-use,Caller Tracker\n"
)


def test_android_rows_are_kept_with_their_kind_and_the_rest_counted() -> None:
    flags = isdi.parse_app_flags(CSV.encode(), "app-flags.csv")

    assert [(r.package, r.kind, r.store, r.title) for r in flags.rows] == [
        ("com.track.me", Kind.DUAL_USE, "playstore", "Track Me GPS"),
        ("com.hidden.spy", Kind.STALKERWARE, "offstore", "Hidden Spy"),
        ("com.other.spy", Kind.STALKERWARE, "playstore", "Other Spy"),
    ]
    assert (flags.ios_only, flags.safe, flags.not_android_ids) == (1, 1, 1)


def test_the_wheel_is_read_like_the_csv_it_holds() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(isdi.CSV_IN_WHEEL, CSV)

    assert isdi.parse_app_flags(buffer.getvalue(), "x.whl") == isdi.parse_app_flags(
        CSV.encode(), "app-flags.csv"
    )


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"id,store,flag,title\n", "columns"),
        (b"appId,store,flag,title\ncom.a.b,playstore,evil,A\n", "flag 'evil'"),
        (b"PK\x03\x04not a zip", "isdi-scanner wheel"),
    ],
)
def test_a_file_that_is_not_isdis_list_is_refused_plainly(data: bytes, fragment: str) -> None:
    with pytest.raises(Malformed) as caught:
        isdi.parse_app_flags(data, "flags.csv")

    assert "flags.csv" in caught.value.message and fragment in caught.value.message


def test_echap_keeps_its_kind_and_isdis_other_flag_is_recorded() -> None:
    echap = (
        Family(name="FamilyWatch", kind=Kind.DUAL_USE, packages=("com.track.me",)),
        Family(name="Hidden Spy", kind=Kind.STALKERWARE, packages=("com.elsewhere",)),
    )
    rows = (
        isdi.Row("com.track.me", "playstore", Kind.STALKERWARE, "Track Me"),
        isdi.Row("com.new.spy", "offstore", Kind.STALKERWARE, "New Spy"),
        isdi.Row("com.hidden.copy", "playstore", Kind.DUAL_USE, "Hidden Spy"),
    )

    watch, hidden, new, copy = isdi.merge_into(echap, rows, REF)

    assert (watch.kind, watch.also_listed_as, watch.names) == (
        Kind.DUAL_USE,
        (Kind.STALKERWARE,),
        ("Track Me",),
    )
    assert watch.stores == ("playstore",) and REF in watch.sources
    assert hidden == echap[1]
    assert (new.name, new.kind, new.packages) == ("New Spy", Kind.STALKERWARE, ("com.new.spy",))
    # A title that is already a family's name is told apart by its package id.
    assert copy.name == "Hidden Spy (com.hidden.copy)" and copy.kind is Kind.DUAL_USE


def test_one_line_apps_read_back_as_the_families_written() -> None:
    families = isdi.merge_into((), isdi.parse_app_flags(CSV.encode(), "f").rows, REF)
    db, data = build_db(small_header(), families)

    assert b"\napps: " in data
    assert parse_db(data, "db").families == db.families == families


def test_the_shipped_database_and_names_are_what_the_builder_makes_from_the_real_inputs(
    indicators: Path, isdi_wheel: Path, tmp_path: Path
) -> None:
    for name in ("capabilities.yaml", app_names.COMMON_FILE):
        (tmp_path / name).write_bytes((SHIPPED / name).read_bytes())
    argv = [str(indicators), "--source-version", SNAPSHOT, "--date", "2026-06-21"]
    argv += ["--isdi", str(isdi_wheel), "--out", str(tmp_path)]

    assert build_signatures.main(argv) == 0

    for name in ("stalkerware.yaml", "installed.json", app_names.SHIPPED_FILE):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    header = parse_db((tmp_path / "stalkerware.yaml").read_bytes(), "x").header
    assert ISDI_CSV_SHA256 in header.inputs and "isdi-scanner 1.0.9" in header.source


def test_every_android_id_of_isdis_list_is_in_the_shipped_database(isdi_wheel: Path) -> None:
    with zipfile.ZipFile(isdi_wheel) as wheel:
        raw = wheel.read(isdi.CSV_IN_WHEEL)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    wanted = {r["appId"] for r in rows if r["store"] != "appstore" and r["flag"] != "safe"}
    shipped = parse_db((SHIPPED / "stalkerware.yaml").read_bytes(), "shipped")

    assert wanted <= {p for f in shipped.families for p in f.packages}
    names = app_names.shipped()
    titled = {r["appId"]: r["title"] for r in rows if r["appId"] in wanted}
    assert all(p in names for p in titled if titled[p] != p)
