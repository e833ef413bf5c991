"""Big generated phones for benchmarks: hundreds of apps, several MB of ``dumpsys package``."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Final

from tools.fabricate.catalog import (
    store_app,
)
from tools.fabricate.clean import clean_phone
from tools.fabricate.permissions import (
    PLATFORM_PERMISSIONS,
)
from tools.fabricate.render import (
    render_outputs,
)
from tools.fabricate.spec import (
    TIME_FORMAT,
    AppSpec,
    PhoneSpec,
    parse_time,
)

# --------------------------------------------------------------------------- big phones


_WORDS: Final[tuple[str, ...]] = (
    "alpha",
    "atlas",
    "beacon",
    "bloom",
    "cargo",
    "cedar",
    "comet",
    "delta",
    "drift",
    "ember",
    "falcon",
    "fern",
    "flux",
    "garden",
    "harbor",
    "helix",
    "indigo",
    "jade",
    "kite",
    "lumen",
    "maple",
    "meadow",
    "nova",
    "orbit",
    "pebble",
    "pixel",
    "quartz",
    "raven",
    "river",
    "saga",
    "sierra",
    "solar",
    "spark",
    "summit",
    "tango",
    "tide",
    "ultra",
    "vector",
    "willow",
    "zen",
)
_VENDORS: Final[tuple[str, ...]] = (
    "com",
    "org",
    "io",
    "net",
    "app",
    "de",
    "uk.co",
    "fr",
    "br.com",
    "in.co",
)
_BIG_RUNTIME: Final[tuple[str, ...]] = tuple(
    name for name, prot in PLATFORM_PERMISSIONS if prot.startswith("dangerous")
)
_BIG_INSTALL: Final[tuple[str, ...]] = tuple(
    name for name, prot in PLATFORM_PERMISSIONS if prot.startswith("normal")
)


def make_phone(n_apps: int = 500, seed: int = 0) -> Mapping[str, bytes]:
    """A big Android 14 phone with ``n_apps`` packages, for benchmarks: command -> output.

    Deterministic for a seed. Every user app gets long permission lists and a block for two
    users (owner and a work profile), so ``dumpsys package`` is several MB at 500 apps, as
    on real phones.
    """
    return render_outputs(big_phone(n_apps, seed))


def big_phone(n_apps: int = 500, seed: int = 0) -> PhoneSpec:
    """The ``PhoneSpec`` behind ``make_phone``."""
    # Benchmark data, not security: a seeded generator keeps phones reproducible.
    rng = random.Random(seed)  # noqa: S311
    base = clean_phone()
    system = [app for app in base.apps if app.system]
    apps: list[AppSpec] = system[:n_apps]
    names: set[str] = {app.package for app in apps}
    now = parse_time(base.now)
    while len(apps) < n_apps:
        words = rng.sample(_WORDS, 2)
        package = f"{rng.choice(_VENDORS)}.{words[0]}{rng.choice(_WORDS)}.{words[1]}"
        if package in names:
            continue
        names.add(package)
        installed = now - timedelta(days=rng.randint(30, 1500), seconds=rng.randint(0, 86399))
        updated = installed + timedelta(days=rng.randint(0, 25), seconds=rng.randint(0, 86399))
        updated = min(updated, now - timedelta(hours=1))
        requested = rng.sample(_BIG_RUNTIME, rng.randint(3, 14))
        split = rng.randint(0, len(requested))
        extra_install = rng.sample(_BIG_INSTALL, rng.randint(8, len(_BIG_INSTALL)))
        label = " ".join(word.capitalize() for word in words)
        apps.append(
            store_app(
                package,
                label,
                f"{rng.randint(1, 30)}.{rng.randint(0, 99)}.{rng.randint(0, 999)}",
                rng.randint(1000, 999_999_999),
                installed.strftime(TIME_FORMAT),
                updated.strftime(TIME_FORMAT),
                launcher=".MainActivity" if rng.random() < 0.93 else "",
                granted=requested[:split],
                denied=requested[split:],
                perms=extra_install,
                installer="com.android.vending" if rng.random() < 0.95 else None,
                target=rng.choice((31, 33, 34)),
                splits=("base", "config.arm64_v8a", "config.en", "config.xxhdpi"),
                appops=(("SYSTEM_ALERT_WINDOW", "allow"),) if rng.random() < 0.05 else (),
            )
        )
    return replace(
        base,
        name=f"big-{n_apps}-{seed}",
        description=f"A generated Android 14 phone with {n_apps} packages (seed {seed}).",
        apps=tuple(apps),
        accounts=base.accounts[:1],
        users=(0, 10),
    )
