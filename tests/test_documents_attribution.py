"""Right facts in the right atelier (issue 15): a charte frozen at one atelier and put to
the vote at the next is « gelée » in the first compte rendu only; the synthèse counts every
activity's objects in the atelier where they were made; marks are printed as set; one
compte rendu per name (the CLI serves the copy stored at the close); the public page shows
no draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import Flask

from facilitator.cli import compile_command
from facilitator.core import cycles, participants
from facilitator.documents import compile_document, compte_rendu, restitution, storage
from facilitator.extensions import db
from facilitator.rendering import markdown
from facilitator.scripts import load_script_text
from tests import charte_helpers
from tests.charte_helpers import SCRIPT, act, draft
from tests.document_contexts import atelier_context
from tests.test_chaine_de_valeur import SCRIPT as CHAINES
from tests.test_chaine_de_valeur import add_item

make_room = charte_helpers.make_room


def _md(kind: str, scope_id: int) -> str:
    text = compile_document(kind, scope_id, "md").content.decode("utf-8")
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_a_freeze_and_a_vote_are_told_where_they_happened(
    app: Flask,
    make_room: Callable[..., dict[str, Any]],
    connect: Callable[..., Any],
) -> None:
    room = make_room()
    first = room["atelier"]
    draft(room, {"objet": ["Agir ensemble."], "valeurs": ["Le respect."]})
    assert act(room["anim"], room["step"], "freeze")["ok"]
    assert room["anim"].call("atelier_close", {})["ok"]
    # the next atelier of the same cycle opens the vote, and closes it
    second = cycles.add_atelier(first.cycle, load_script_text(SCRIPT))
    anim = connect("animateur", second, room["animateur"])
    assert anim.call("atelier_start", {})["ok"]
    step = second.steps[0].id
    voters = {}
    for name, structure in (("Alice", room["college"]), ("Bob", room["centre"])):
        person, _ = participants.join(second, name, structure_id=structure.id)
        voters[name] = connect("participant", second, person)
    assert act(anim, step, "phase", phase="vote")["ok"]
    assert act(voters["Alice"], step, "ballot", gradient="adhesion_totale")["ok"]
    assert act(voters["Bob"], step, "ballot", gradient="adhesion_totale")["ok"]
    assert act(anim, step, "vote_close")["ok"]
    # then a version 2 is started from the adopted one
    assert act(anim, step, "phase", phase="redaction")["ok"]
    assert act(anim, step, "version_start")["ok"]
    assert anim.call("atelier_close", {})["ok"]
    db.session.expire_all()

    before, after = _md("compte-rendu", first.id), _md("compte-rendu", second.id)
    assert "version 1 gelée" in before
    assert "gelée" not in after.split("Charte :", 1)[1].split("\n", 1)[0]
    assert "vote d'adoption de la version 1 ouvert" in after
    assert "Vote d'adoption de la version 1 : Adoptée" in after
    assert "Vote d'adoption" not in before
    # the synthèse: what each atelier made, from the activity types' own counts
    synthese = _md("synthese", first.cycle_id)
    table = synthese.split("Productions par atelier", 1)[1].split("\n\n", 2)[1]
    rows = {line.split("|")[1].strip().split(" —")[0]: line for line in table.splitlines()[2:]}
    assert "2 clauses rédigées" in rows["Atelier 1"]
    assert "bulletin" not in rows["Atelier 1"]
    assert "2 bulletins d'adoption" in rows["Atelier 2"]
    assert "clause" not in rows["Atelier 2"]
    # the charte: where and when it was put to the vote, and a page to sign
    charte = _md("charte", first.cycle_id)
    assert "Vote d'adoption :** atelier 2" in charte
    assert "## Signatures" in charte and "Nom et qualité du représentant" in charte
    # a version in preparation is the animateur's business, not the public page's
    assert "Une version 2 est en préparation" in _md("charte", first.cycle_id)
    public = str(restitution._document("charte", first.cycle_id))
    assert "Agir ensemble." in public
    assert "préparation" not in public and "Brouillon" not in public
    # one compte rendu per name: the command line serves the copy stored at the close
    stored = storage.folder(first.id) / "compte-rendu.md"
    stored.write_bytes(stored.read_bytes() + b"\nCOPIE ENREGISTREE\n")
    assert storage.stored_compte_rendu(first.id, "md").endswith(b"COPIE ENREGISTREE\n")
    runner = app.test_cli_runner()
    args = [str(first.id), "-k", "compte-rendu", "-f", "md", "-o", "-"]
    assert "COPIE ENREGISTREE" in runner.invoke(compile_command, args).output
    fresh = runner.invoke(compile_command, [*args, "--as-of", "now"])
    assert fresh.exit_code == 0 and "Compte rendu" in fresh.output
    assert "COPIE ENREGISTREE" not in fresh.output
    assert storage.stored_compte_rendu(second.id + 99) is None


def test_marks_are_printed_as_set() -> None:
    ctx = atelier_context()
    text = markdown.render(compte_rendu.compose(ctx)).decode()
    suite = text.split("## Pour la suite")[1]
    # the marked card, not the most voted ones again
    assert "Un annuaire partagé" in suite
    assert "Associer les parents" not in suite
    questions = suite.split("Questions ouvertes", 1)[1]
    assert "Qui pilote après le cycle" in questions
    # nothing marked: said so, nothing invented
    bare = replace(ctx, atelier=replace(ctx.atelier, steps=ctx.atelier.steps[:0]))
    empty = markdown.render(compte_rendu.compose(bare)).decode().split("## Pour la suite")[1]
    assert "Aucun point marqué « à reprendre »" in empty.replace("\u00a0", " ")
    assert "Aucun point marqué « question ouverte »" in empty.replace("\u00a0", " ")


def test_chains_are_told_in_the_atelier_that_made_them(
    app: Flask,
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Any],
    make_participant: Callable[..., Any],
    connect: Callable[..., Any],
) -> None:
    animateur = make_animateur()
    first = make_atelier(animateur, CHAINES)
    ids = {s.name: s.id for s in first.cycle.structures}
    first_anim = connect("animateur", first, animateur)
    assert first_anim.call("atelier_start", {})["ok"]
    alice = connect("participant", first, make_participant(first, "Alice"))
    first_step = first.steps[0].id

    def chain(sock: Any, step: int, client_id: str, structure: str) -> int:
        ack = act(
            sock, step, "chaine_add", client_id=client_id, subject="structure",
            structure_id=ids[structure], question_ids=[],
        )  # fmt: skip
        assert ack["ok"], ack
        return int(ack["chaine"]["id"])

    college = chain(alice, first_step, "chaine-college", "Collège Jean-Moulin")
    add_item(alice, first_step, college, "item-000001", "ressources", "Deux CPE")
    assert first_anim.call("atelier_close", {})["ok"]
    second = cycles.add_atelier(first.cycle, load_script_text(CHAINES))
    anim = connect("animateur", second, animateur)
    assert anim.call("atelier_start", {})["ok"]
    step = second.steps[0].id
    chain(anim, step, "chaine-centre", "Centre social")
    add_item(anim, step, college, "item-000002", "activites", "Une cellule de veille")
    assert anim.call("atelier_close", {})["ok"]
    db.session.expire_all()

    before, after = _md("compte-rendu", first.id), _md("compte-rendu", second.id)
    assert "Pendant cette étape : 1 chaîne ajoutée, 1 élément ajouté." in before
    assert "Chaîne de valeur — Centre social" not in before
    # the second atelier: its own chain, and the element it added to the first one
    assert "Pendant cette étape : 1 chaîne ajoutée, 1 élément ajouté." in after
    assert "2 chaînes de valeur dans le cycle" in after
    assert "Chaîne de valeur — Centre social" in after
    synthese = _md("synthese", first.cycle_id)
    table = synthese.split("Productions par atelier", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines()[2:]]
    assert "1 chaîne de valeur et 1 élément de chaîne" in rows[0]
    assert "1 chaîne de valeur et 1 élément de chaîne" in rows[1]
