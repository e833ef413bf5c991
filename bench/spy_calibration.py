"""Print the behaviour score's calibration figures on the development and held-back sets.

    .venv/bin/python -m bench.spy_calibration

Goals (issue 15): >= 90% of unknown spy apps at review or above, >= 75% of those with four
or more spy signals at serious; on ordinary phones 0 stalkerware, 0 serious, <= 3 review
items each, and no spy finding for a mainstream app whose access its purpose explains.
"""

from __future__ import annotations

from scanner.sigdb.commands import load_shipped_db
from tools.fabricate.spy_calibration import DEVELOPMENT, HELD_BACK, measure


def main() -> None:
    db = load_shipped_db()
    for split in (DEVELOPMENT, HELD_BACK):
        f = measure(split, db)
        print(f"== {f.split} set ({f.ordinary_phones} ordinary phones, {f.spies} spy apps)")
        print(
            f"unknown spy apps at review or above: {f.spies_flagged}/{f.spies} "
            f"({100 * f.spies_flagged / f.spies:.0f}%)"
        )
        print(
            f"with four or more spy signals at serious: {f.strong_serious}/{f.strong} "
            f"({100 * f.strong_serious / max(f.strong, 1):.0f}%)"
        )
        print(f"ordinary phones: {min(f.app_counts)}-{max(f.app_counts)} apps")
        print(f"  stalkerware findings: {f.stalkerware}, serious findings: {f.serious}")
        print(
            f"  SPY-001 review items per phone: {list(f.spy_reviews)} (most {max(f.spy_reviews)})"
        )
        print(f"  review items about apps, all checks: {list(f.reviews)} (most {max(f.reviews)})")
        print(f"  mainstream apps named by SPY-001: {list(f.explained_named) or 'none'}")
        for line in f.missed:
            print(f"  missed: {line}")


if __name__ == "__main__":
    main()
