"""Workshop scripts: validation lists every problem with its location; the CLI's exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.cli import main as facilitator_cli
from facilitator.scripts import ScriptError, load_script, load_script_text, validate_path

ROOT = Path(__file__).resolve().parent.parent

BROKEN = """
format: 1
id: casse
title: Déroulé cassé
steps:
  - id: a
    type: cartes
    title: Première
    consigne: ok
    settings:
      columns: [{id: x, label: X}]
  - id: a
    type: tableau-magique
    title: Doublon
    consigne: ok
  - id: c
    type: cartes
    title: Sans consigne
    settings:
      columns: [{id: x, label: X}, {id: x, label: Y}]
      votes: {budget: 2, max_per_card: 3}
      couleur: rouge
"""


def test_every_problem_is_listed_with_its_location() -> None:
    with pytest.raises(ScriptError) as caught:
        load_script_text(BROKEN, "casse.yaml")
    problems = dict(caught.value.problems)
    assert "déjà utilisé par steps[0]" in problems["steps[1].id"]
    assert "type d'activité inconnu « tableau-magique »" in problems["steps[1].type"]
    assert problems["steps[2].consigne"] == "champ obligatoire manquant"
    assert "identifiant de colonne en double" in problems["steps[2].settings.columns"]
    assert "max_per_card" in problems["steps[2].settings.votes"]
    assert problems["steps[2].settings.couleur"] == "champ inconnu"
    text = str(caught.value)
    assert text.startswith("casse.yaml : 6 problème(s)")


@pytest.mark.parametrize(
    ("source", "where", "message"),
    [
        ("format: 1\nid: x\ntitle: t\nsteps: []\n", "steps", "au moins 1"),
        ("[1, 2]", "", "objet YAML"),
        ("format: 1\nid: x\ntitle: t\nsteps: [oops]\n", "steps[0]", "objet attendu"),
        ("format: 9\nid: x\ntitle: t\nsteps: [{}]\n", "format", "version 9 inconnue"),
        ("format: 1\nid: Pas Bon\ntitle: t\nsteps: [{}]\n", "id", "format invalide"),
        ("id: [unclosed\n", "ligne", "YAML illisible"),
        (
            "format: 1\nid: x\ntitle: t\nsteps:\n"
            "  - {id: a, type: cartes, title: A, consigne: c,"
            " settings: {columns: [{id: k, label: K}], cards_from: b}}\n"
            "  - {id: b, type: cartes, title: B, consigne: c,"
            " settings: {columns: [{id: k, label: K}]}}\n",
            "steps[0].settings.cards_from",
            "n'est pas une étape précédente",
        ),
    ],
)
def test_structural_errors(source: str, where: str, message: str) -> None:
    with pytest.raises(ScriptError) as caught:
        load_script_text(source)
    assert any(loc.startswith(where) and message in msg for loc, msg in caught.value.problems), (
        caught.value.problems
    )


def test_shipped_scripts_are_valid() -> None:
    folder = ROOT / "workshop_scripts"
    assert validate_path(folder) == []
    script = load_script(folder / "lancement-interconnaissance.yaml")
    assert script.title == "Lancement et interconnaissance"
    assert [s["id"] for s in script.steps][:3] == ["tour-de-table", "attentes", "enjeux"]
    snapshot = script.snapshot()
    assert snapshot["steps"][3]["settings"]["votes"] == {"budget": 3, "max_per_card": 2}


def test_cli_validate_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        facilitator_cli,
        ["scripts", "validate", str(ROOT / "workshop_scripts")],
        env={"FACILITATOR_INSTANCE": str(tmp_path)},
    )
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "casse.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    ko = runner.invoke(
        facilitator_cli,
        ["scripts", "validate", str(bad)],
        env={"FACILITATOR_INSTANCE": str(tmp_path)},
    )
    assert ko.exit_code == 1
    assert "type d'activité inconnu" in ko.output
    assert "steps[2].consigne" in ko.output


def test_atelier_keeps_its_snapshot_when_the_file_changes(
    make_atelier,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from facilitator.core import cycles
    from facilitator.extensions import db
    from facilitator.models import Atelier
    from tests.conftest import SCRIPT

    path = tmp_path / "s.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    first = make_atelier()
    atelier = cycles.add_atelier(first.cycle, load_script(path))
    path.write_text(SCRIPT.replace("Une idée par carte.", "Consigne changée."), encoding="utf-8")
    assert load_script(path).steps[0]["consigne"] == "Consigne changée."
    db.session.expire_all()
    stored = db.session.get(Atelier, atelier.id)
    assert stored.script_snapshot["steps"][0]["consigne"] == "Une idée par carte."
    assert stored.steps[0].consigne == "Une idée par carte."
