"""Rebuild signatures/stalkerware.yaml from Echap's indicators and ISDi's app list.

    python tools/build_signatures.py /path/to/stalkerware-indicators \
        --source-version a04c5c1958bff93fec3b1b56edbb412b209f2a38 --date 2026-06-21 \
        --isdi isdi_scanner-1.0.9-py3-none-any.whl --isdi-version 1.0.9

Reads ioc.yaml, watchware.yaml and samples.csv from the folder, joins ISDi's
app-flags.csv (the CSV, or the isdi-scanner wheel holding it), adds our capability
notes from signatures/capabilities.yaml, writes the database in canonical form and pins
its SHA-256 in signatures/installed.json and in scanner/sigdb/pinned.py (the scanner
checks both on every load of the shipped database). Also writes the app-name catalogue
signatures/app-names.yaml from signatures/common-apps.yaml and the sources' names.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scanner.errors import ScannerError  # noqa: E402
from scanner.sigdb import app_names, build, isdi, store  # noqa: E402
from scanner.sigdb.schema import build_db, parse_db  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Build the database; returns a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("indicators", type=Path, help="folder holding Echap's files")
    parser.add_argument("--source-version", required=True, help="upstream git commit")
    parser.add_argument("--date", required=True, help="upstream snapshot date, YYYY-MM-DD")
    parser.add_argument("--isdi", type=Path, help="ISDi's app-flags.csv or isdi-scanner wheel")
    parser.add_argument("--isdi-version", default="1.0.9", help="the isdi-scanner version")
    parser.add_argument("--out", type=Path, default=REPO / "signatures")
    args = parser.parse_args(argv)

    files = {
        name: (args.indicators / name).read_bytes()
        for name in build.ECHAP_FILES
        if (args.indicators / name).is_file()
    }
    try:
        families = build.echap_families(files, args.source_version)
        header = build.echap_header(args.source_version, args.date)
        flags = isdi.parse_app_flags(args.isdi.read_bytes(), str(args.isdi)) if args.isdi else None
        if flags is not None:
            families = isdi.merge_into(families, flags.rows, build.isdi_ref(args.isdi_version))
            header = build.with_isdi(header, args.isdi_version, flags.sha256)
        caps_path = args.out / "capabilities.yaml"
        if caps_path.is_file():
            notes = build.parse_capabilities(caps_path.read_bytes(), str(caps_path))
            families = build.apply_capabilities(families, notes)
        db, data = build_db(header, families)
        parse_db(data, "the built database")  # what we ship must load
        common_path = args.out / app_names.COMMON_FILE
        common = (
            app_names.parse(common_path.read_bytes(), str(common_path))
            if common_path.is_file()
            else {}
        )
        names = app_names.build(common, families, flags.rows if flags else ())
    except ScannerError as exc:
        sys.stderr.write(f"{exc.message}\n{exc.detail}\n")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / store.SHIPPED_FILE).write_bytes(data)
    (args.out / app_names.SHIPPED_FILE).write_bytes(app_names.dump(names))
    store.write_manifest(
        args.out,
        store.Manifest(
            file=store.SHIPPED_FILE,
            sha256=db.sha256,
            source=db.header.source,
            source_version=db.header.source_version,
            date=db.header.date,
            imported_at=args.date,
        ),
    )
    if args.out.resolve() == (REPO / "signatures").resolve():
        _pin(db.sha256)
    counts = db.counts
    sys.stdout.write(
        f"wrote {args.out / store.SHIPPED_FILE} ({len(data):,} bytes, sha256 {db.sha256})\n"
        f"{counts.families} families ({counts.stalkerware} stalkerware, {counts.dual_use} "
        f"dual use), {counts.packages} packages, {counts.certificates} certificates, "
        f"{counts.samples} samples, {counts.c2_domains} C2 domains, {counts.c2_ips} C2 IPs\n"
        f"{len(names)} app names in {args.out / app_names.SHIPPED_FILE}\n"
    )
    if flags is not None:
        sys.stdout.write(
            f"ISDi: {len(flags.rows)} Android apps joined (csv sha256 {flags.sha256}); "
            f"dropped {flags.ios_only} iOS apps, {flags.not_android_ids} ids that are not "
            f"Android package names, {flags.safe} marked safe\n"
        )
    return 0


def _pin(sha256: str) -> None:
    """Rewrite the hash pinned in the scanner's code to the database just built."""
    pinned = REPO / "scanner" / "sigdb" / "pinned.py"
    text = pinned.read_text(encoding="utf-8")
    start = text.index('SHIPPED_SHA256: Final = "') + len('SHIPPED_SHA256: Final = "')
    pinned.write_text(text[:start] + sha256 + text[start + 64 :], encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
