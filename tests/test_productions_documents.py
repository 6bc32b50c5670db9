"""The productions in documents: the compte rendu of a questions_essentielles step and of a
cartographie step (map as SVG in HTML, numbered PNG in DOCX, tables, angles morts), and
the synthèse's sections."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest

from facilitator.core import cycles
from facilitator.documents import compile_document
from facilitator.scripts import load_script_text
from tests.test_cartographie import SCRIPT as MAP_SCRIPT
from tests.test_documents_formats import all_text, read_docx
from tests.test_questions_essentielles import SCRIPT as QE_SCRIPT
from tests.test_questions_essentielles import act


@pytest.fixture
def cycle_with_productions(
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Any],
    make_participant: Callable[..., Any],
    connect: Callable[..., Any],
) -> dict[str, Any]:
    animateur = make_animateur()
    first = make_atelier(animateur, QE_SCRIPT)
    anim = connect("animateur", first, animateur)
    assert anim.call("atelier_start", {})["ok"]
    alice = connect("participant", first, make_participant(first, "Alice"))
    step = first.steps[1].id
    assert anim.call("step_goto", {"step_id": step})["ok"]
    p1 = act(
        alice,
        step,
        "propose",
        client_id="doc-prop-01",
        text="Comment repérer <tôt> ?",
        enjeu="Repérage",
    )["proposal"]
    p2 = act(
        alice, step, "propose", client_id="doc-prop-02", text="Comment associer les parents ?"
    )["proposal"]
    act(anim, step, "phase", phase="vote")
    assert act(alice, step, "vote", proposal_id=p2["id"], delta=1)["ok"]
    act(anim, step, "phase", phase="validation")
    q1 = act(anim, step, "validate", proposal_id=p2["id"])["question"]
    q2 = act(anim, step, "validate", proposal_id=p1["id"])["question"]
    act(
        anim,
        step,
        "question_edit",
        question_id=q2["id"],
        version=1,
        text="Comment repérer plus tôt ?",
    )
    assert anim.call("atelier_close", {})["ok"]

    second = cycles.add_atelier(first.cycle, load_script_text(MAP_SCRIPT))
    anim2 = connect("animateur", second, animateur)
    assert anim2.call("atelier_start", {})["ok"]
    bob = connect("participant", second, make_participant(second, "Bob"))
    carte = second.steps[0].id
    college = act(
        bob,
        carte,
        "actor_add",
        client_id="doc-act-01",
        name="Collège Jean-Moulin",
        type="education_nationale",
    )["actor"]
    caf = act(bob, carte, "actor_add", client_id="doc-act-02", name="CAF", type="caf")["actor"]
    act(bob, carte, "actor_add", client_id="doc-act-03", name="Mission locale", type="association")
    act(
        bob,
        carte,
        "action_add",
        actor_id=college["id"],
        client_id="doc-x-01",
        text="Cellule de veille",
        question_ids=[q2["id"]],
    )
    act(
        bob,
        carte,
        "relation_add",
        client_id="doc-rel-01",
        source_id=caf["id"],
        target_id=college["id"],
        status="a_creer",
        level="coordination",
        question_id=q1["id"],
    )
    return {"first": first, "second": second, "cycle": first.cycle}


def spaces(text: str) -> str:
    """French typography uses no-break spaces (« … », « : »)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_compte_rendu_of_the_questions(cycle_with_productions: dict[str, Any]) -> None:
    atelier = cycle_with_productions["first"]
    md = spaces(compile_document("compte-rendu", atelier.id, "md").content.decode())
    assert "Questions essentielles validées" in md
    assert "Question essentielle 1 : « Comment associer les parents ? »" in md
    assert "Comment repérer plus tôt ?" in md  # the question as it is now
    assert "Comment repérer \\<tôt\\> ?" in md  # the proposal as written, escaped
    page = html.unescape(compile_document("compte-rendu", atelier.id, "html").content.decode())
    assert "Propositions de questions classées par nombre de votes" in page
    text = all_text(read_docx(compile_document("compte-rendu", atelier.id, "docx").content))
    assert "Alice" in text and "Q1" in text


def test_compte_rendu_of_the_map(cycle_with_productions: dict[str, Any]) -> None:
    atelier = cycle_with_productions["second"]
    page = spaces(compile_document("compte-rendu", atelier.id, "html").content.decode())
    assert "<svg" in page and "Collège Jean-Moulin" in page
    assert "pendant cet atelier : 3 acteurs ajoutés, 1 relation ajoutée" in html.unescape(page)
    assert "Acteur sans relation : Mission locale" in page
    assert "Question 1 sans action ni acteur" in html.unescape(page)
    document = read_docx(compile_document("compte-rendu", atelier.id, "docx").content)
    images = [r for r in document.part.rels.values() if "image" in r.reltype]
    assert len(images) == 1
    assert images[0].target_part.blob.startswith(b"\x89PNG")
    text = all_text(document)
    assert "Acteurs de la carte (les numéros sont ceux de la figure)" in text or "N°" in text
    assert "CAF" in text and "À créer" in text
    md = spaces(compile_document("compte-rendu", atelier.id, "md").content.decode())
    assert "**Figure : Cartographie des acteurs et des relations**" in md


def test_synthese_has_the_productions(cycle_with_productions: dict[str, Any]) -> None:
    cycle = cycle_with_productions["cycle"]
    md = spaces(compile_document("synthese", cycle.id, "md").content.decode())
    assert "## Questions essentielles" in md or "### Questions essentielles" in md
    assert "Q2. Comment repérer plus tôt ?" in md
    assert "Évolution des questions essentielles" in md
    assert "Interactions à créer" in md and "CAF – Collège Jean-Moulin (coordination, Q1)" in md
    docx_text = all_text(read_docx(compile_document("synthese", cycle.id, "docx").content))
    assert "Cartographie des acteurs et des actions" in docx_text


def test_the_synthese_says_what_each_atelier_added_to_the_map(
    cycle_with_productions: dict[str, Any],
) -> None:
    cycle = cycle_with_productions["cycle"]
    md = spaces(compile_document("synthese", cycle.id, "md").content.decode())
    section = md.split("### Atelier 2")[1].split("\n## ")[0].split("\n### ")[0]
    assert "**Carte :** 3 acteurs ajoutés, 1 relation ajoutée (dont 1 à créer)" in section
    assert "3 acteurs, 1 relation" not in section  # not the whole map's figures
