"""Naming every app as a person sees it: the label read from its APK, else the shipped
app-name catalogue, else the package id alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from scanner.i18n import Catalogue
from scanner.model import DeviceSnapshot, Package
from scanner.sigdb import app_names

NO_LABEL = "none"
"""``label_source`` in a report when neither the APK nor the catalogue named the app."""


def with_catalogue_labels(
    snapshot: DeviceSnapshot, names: Mapping[str, str] | None = None
) -> DeviceSnapshot:
    """The snapshot with catalogue names for apps that have no label yet.

    A label already there (read from the app's own file) is kept: it is what the phone
    shows. ``names`` defaults to the shipped catalogue.
    """
    catalogue = app_names.shipped() if names is None else names
    packages = []
    changed = False
    for pkg in snapshot.packages:
        if pkg.label and pkg.label_source is None:
            pkg = replace(pkg, label_source="apk")  # only APK reads set labels
            changed = True
        elif not pkg.label and (name := catalogue.get(pkg.package)):
            pkg = replace(pkg, label=name, label_source="catalogue")
            changed = True
        packages.append(pkg)
    return replace(snapshot, packages=tuple(packages)) if changed else snapshot


def label_source(label: str | None, source: str | None) -> str:
    """``apk``, ``catalogue`` or ``none``, as the JSON report says it."""
    return source or ("apk" if label else NO_LABEL)


def label_for(pkg: Package | None, package: str) -> str | None:
    """The name a person sees for ``package``: its label on this phone, else the
    catalogue's name (an app no longer installed still has one), else None."""
    if pkg is not None and pkg.label and pkg.label != package:
        return pkg.label
    name = app_names.shipped().get(package)
    return name if name and name != package else None


def name_for(pkg: Package | None, package: str, say: Catalogue | None = None) -> str:
    """``Label (package)`` (as the language writes it) when a label is known, else the
    package id alone."""
    label = label_for(pkg, package)
    if not label:
        return package
    if say is None:
        return f"{label} ({package})"
    return say.text("report.app_with_package", label=label, package=package)
