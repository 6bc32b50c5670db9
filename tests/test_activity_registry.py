"""The house: every activity type is one package, registered once, and declares browser
assets that exist; the browser's registry lists exactly the Python registry's types
(docs/architecture.md, "Adding an activity type")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint

import facilitator.activities as package
from facilitator import activities
from facilitator.config import ROOT
from facilitator.rendering.sections import ActivityDocuments

STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
ENTRIES = sorted(activities.REGISTRY.values(), key=lambda entry: entry.type_id)


def test_every_activity_package_is_registered_once() -> None:
    folder = Path(package.__file__).parent
    packages = {p.parent.name for p in folder.glob("*/__init__.py")}
    registered = {entry.__module__.rsplit(".", 1)[1] for entry in ENTRIES}
    assert packages == registered == set(activities.REGISTRY)
    assert all(entry.__module__ == f"facilitator.activities.{entry.type_id}" for entry in ENTRIES)
    with pytest.raises(RuntimeError):
        activities.register(activities.get("cartes"))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.type_id)
def test_every_declared_asset_exists(entry: type[activities.Activity]) -> None:
    type_id = entry.type_id
    for kind, path in entry.assets().items():
        assert (STATIC / path).is_file(), f"{type_id}: {kind} {path} is missing"
        assert f"/{type_id}" in path, f"{type_id}: {kind} {path} is outside the type's folder"
    if entry.templates is not None:
        assert (TEMPLATES / entry.templates).is_dir()
        assert any((TEMPLATES / entry.templates).glob("*.html"))
    assert issubclass(entry.documents, ActivityDocuments)
    assert entry.documents.type_id == type_id
    assert entry.blueprint is None or isinstance(entry.blueprint, Blueprint)
    if entry.blueprint is not None:
        assert entry.blueprint.name == type_id
    module = Path(package.__file__).parent / type_id
    assert (module / "settings.py").is_file() and (module / "document.py").is_file()
    assert (ROOT / "docs" / "activities" / f"{type_id}.md").is_file(), f"{type_id}: no doc page"


def test_the_browser_registry_lists_exactly_the_python_types() -> None:
    source = (STATIC / "js/activities/registry.js").read_text()
    block = re.search(r"export const VIEWS = \{(.*?)\n\};", source, re.S)
    assert block is not None, "registry.js must declare `export const VIEWS = { … };`"
    views = dict(re.findall(r'^\s*(\w+): \(\) => import\("\./([\w/.-]+)"\),', block.group(1), re.M))
    assert set(views) == set(activities.REGISTRY)
    for type_id, path in views.items():
        assert f"js/activities/{path}" == activities.get(type_id).js_module
