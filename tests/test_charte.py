"""``charte``: phase by phase over Socket.IO (idées → rédaction → amendements → gel → vote),
versions and their diff, amendments and quick votes, freezing, the adoption vote (quorum,
threshold, signatories), bad input, and what the next atelier of the cycle continues."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte.models import CharteSignatory, CharteVersion
from facilitator.core import cycles, participants
from facilitator.cycle_life import portability
from facilitator.documents import compile_document
from facilitator.extensions import db
from facilitator.scripts import load_script_text

SCRIPT = """
format: 1
id: test-charte
title: Charte
steps:
  - id: charte
    type: charte
    title: Charte du projet
    consigne: Écrivons la charte.
    settings:
      sections:
        - {id: objet, label: Objet}
        - {id: valeurs, label: Valeurs communes}
      quorum: 50
      threshold: 50
"""


def act(sock: Any, step_id: int, action: str, **data: Any) -> dict[str, Any]:
    return sock.call("step_action", {"step_id": step_id, "action": action, "data": data})


def of_type(events: list[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["type"] == type_]


def state_of(sock: Any, step_id: int) -> dict[str, Any]:
    return sock.call("sync", {"last_seq": 0})["snapshot"]["activity"][str(step_id)]


@pytest.fixture
def make_room(
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Any],
    connect: Callable[..., Any],
) -> Callable[..., dict[str, Any]]:
    """A started charte atelier: Alice (collège), Bob (centre social), Chloé (collège)."""

    def make(script: str = SCRIPT) -> dict[str, Any]:
        animateur = make_animateur()
        atelier = make_atelier(animateur, script)
        college, centre = atelier.cycle.structures[0], atelier.cycle.structures[1]
        people = {}
        for name, structure in (("Alice", college), ("Bob", centre), ("Chloé", college)):
            people[name], _ = participants.join(atelier, name, structure_id=structure.id)
        anim = connect("animateur", atelier, animateur)
        assert anim.call("atelier_start", {})["ok"]
        socks = {n: connect("participant", atelier, p) for n, p in people.items()}
        viewer = connect("viewer", atelier)
        for sock in (anim, viewer, *socks.values()):
            sock.received()
        return {
            "atelier": atelier,
            "animateur": animateur,
            "anim": anim,
            "viewer": viewer,
            "step": atelier.steps[0].id,
            "people": people,
            **socks,
            "college": college,
            "centre": centre,
        }

    return make


@pytest.fixture
def room(make_room: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return make_room()


def script_with(**settings: Any) -> str:
    lines = "".join(f"      {k}: {v}\n" for k, v in settings.items())
    return SCRIPT.replace("      quorum: 50\n      threshold: 50\n", lines)


def draft(room: dict[str, Any], texts: dict[str, list[str]]) -> dict[str, Any]:
    """Version 1 started, clauses written; returns the version's state."""
    anim, step = room["anim"], room["step"]
    assert act(anim, step, "phase", phase="redaction")["ok"]
    assert act(anim, step, "version_start")["ok"]
    for section, items in texts.items():
        for i, text in enumerate(items):
            ack = act(
                anim, step, "clause_add", client_id=f"cl-{section}-{i}x", section=section, text=text
            )
            assert ack["ok"], ack
    return state_of(anim, step)["current"]


def test_sections_are_the_idea_columns(room: dict[str, Any]) -> None:
    step = room["step"]
    state = state_of(room["Alice"], step)
    assert state["phase"] == "idees"
    assert [s["id"] for s in state["sections"]] == ["objet", "valeurs"]
    assert state["current"] is None
    assert state["rules"]["gradients"][0]["label"] == "Adhésion totale"
    ack = room["Alice"].call(
        "card_add",
        {"step_id": step, "client_id": "idea-0001", "text": "Respect", "column": "valeurs"},
    )
    assert ack["ok"], ack
    bad = room["Alice"].call(
        "card_add", {"step_id": step, "client_id": "idea-0002", "text": "X", "column": "nope"}
    )
    assert bad["error"]["code"] == "bad_column"


def test_drafting_amending_consolidating_with_diff(room: dict[str, Any]) -> None:
    anim, step, alice, bob, viewer = (
        room["anim"],
        room["step"],
        room["Alice"],
        room["Bob"],
        room["viewer"],
    )
    idea = alice.call(
        "card_add",
        {"step_id": step, "client_id": "idea-0001", "text": "Agir ensemble", "column": "objet"},
    )["card"]
    assert act(anim, step, "phase", phase="redaction")["ok"]
    # nothing to amend yet
    early = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0001",
        kind="ajout",
        section="objet",
        text="X",
        reason="Y",
    )
    assert early["error"]["code"] == "no_version"
    assert act(anim, step, "version_start")["version"]["number"] == 1
    again = act(anim, step, "version_start")
    assert again["error"]["code"] == "draft_exists"
    ack = act(
        anim,
        step,
        "clause_add",
        client_id="clause-0001",
        section="objet",
        text="Nous agissons ensemble pour la réussite des enfants.",
        source_card_ids=[idea["id"]],
    )
    assert ack["ok"], ack
    clause = ack["clause"]
    assert clause["sources"] == [{"card_id": idea["id"], "text": "Agir ensemble"}]
    assert clause["change"] is None  # version 1: nothing to compare with
    assert of_type(bob.events(), "charte.clause")[0]["clause"]["text"].startswith("Nous agissons")
    # participants draft nothing themselves, and amend only in the amendment phase
    assert (
        act(bob, step, "clause_add", client_id="clause-0002", section="objet", text="X")["error"][
            "code"
        ]
        == "forbidden"
    )
    not_yet = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0002",
        clause_id=clause["id"],
        text="Autre",
        reason="Parce que",
    )
    assert not_yet["error"]["code"] == "phase"
    assert act(anim, step, "phase", phase="amendements")["ok"]
    no_reason = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0003",
        clause_id=clause["id"],
        text="Nous agissons ensemble.",
        reason="  ",
    )
    assert no_reason["error"]["code"] == "empty"
    same = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0004",
        clause_id=clause["id"],
        text=clause["text"],
        reason="Rien",
    )
    assert same["error"]["code"] == "unchanged"
    prop = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0005",
        clause_id=clause["id"],
        text="Nous agissons ensemble pour la réussite de tous les enfants du quartier.",
        reason="Inclure tout le quartier",
    )
    assert prop["ok"], prop
    amendment = prop["amendment"]
    assert ["ins", "tous les "] in amendment["diff"] or any(
        op == "ins" for op, _ in amendment["diff"]
    )
    retry = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0005",
        clause_id=clause["id"],
        text="peu importe",
        reason="retry",
    )
    assert retry["duplicate"] is True and retry["amendment"]["id"] == amendment["id"]
    public = of_type(viewer.events(), "charte.amendment")[-1]["amendment"]
    assert public["author"]["name"] == "Bob" and "client_id" not in public
    added = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0006",
        kind="ajout",
        section="valeurs",
        text="Le respect du secret professionnel.",
        reason="Essentiel",
    )
    removal = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0007",
        kind="suppression",
        clause_id=clause["id"],
        reason="Trop vague",
    )
    assert added["ok"] and removal["ok"]
    # the animateur decides: accept one, a quick vote for another
    assert (
        act(anim, step, "amendment_decide", amendment_id=amendment["id"], decision="accepter")[
            "amendment"
        ]["status"]
        == "acceptee"
    )
    conflict = act(anim, step, "amendment_quick_open", amendment_id=removal["amendment"]["id"])
    assert conflict["error"]["code"] == "amendment_conflict"
    assert act(
        anim,
        step,
        "amendment_decide",
        amendment_id=removal["amendment"]["id"],
        decision="rejeter",
        reason="Clause centrale",
    )["ok"]
    quick = act(anim, step, "amendment_quick_open", amendment_id=added["amendment"]["id"])
    assert quick["amendment"]["status"] == "en_vote"
    for sock, choice in (
        (alice, "pour"),
        (bob, "contre"),
        (bob, "pour"),
        (room["Chloé"], "abstention"),
    ):
        ack = act(
            sock, step, "amendment_quick_vote", amendment_id=added["amendment"]["id"], choice=choice
        )
        assert ack["ok"], ack
    assert ack["replaced"] is False
    # participants do not see the running tally, the animateur does
    assert of_type(alice.events(), "charte.quick_vote")[-1] == {
        "amendment_id": added["amendment"]["id"],
        "choice": "pour",
    }
    assert of_type(anim.events(), "charte.quick_vote")[-1]["tally"] == {
        "pour": 2,
        "contre": 0,
        "abstention": 1,
    }
    closed = act(anim, step, "amendment_quick_close", amendment_id=added["amendment"]["id"])
    assert closed["amendment"]["status"] == "acceptee"
    assert closed["amendment"]["quick"] == {"pour": 2, "contre": 0, "abstention": 1}
    # consolidation: version 2 with both accepted amendments and a readable diff
    pending = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0008",
        clause_id=clause["id"],
        text="Nous agissons ensemble.",
        reason="Plus court",
    )
    assert pending["ok"]
    cons = act(anim, step, "consolidate")
    assert cons["ok"], cons
    assert (cons["integrated"], cons["carried"]) == (2, 1)
    v2 = cons["version"]
    assert v2["number"] == 2 and v2["parent_number"] == 1 and v2["status"] == "brouillon"
    by_section = {c["section"]: c for c in v2["clauses"]}
    assert by_section["objet"]["change"] == "modifiee"
    assert by_section["objet"]["sources"][0]["card_id"] == idea["id"]  # links kept
    ops = by_section["objet"]["diff"]
    assert "".join(t for op, t in ops if op != "del") == by_section["objet"]["text"]
    assert "".join(t for op, t in ops if op != "ins") == clause["text"]
    assert by_section["valeurs"]["change"] == "ajoutee"
    state = state_of(alice, step)
    assert [v["status"] for v in state["versions"]] == ["remplacee", "brouillon"]
    carried = [a for a in state["amendments"] if a["status"] == "proposee"]
    assert len(carried) == 1 and carried[0]["clause_id"] == by_section["objet"]["id"]
    assert carried[0]["base_text"] == clause["text"]  # what Bob read when proposing
    # nothing accepted left: nothing to consolidate
    assert act(anim, step, "consolidate")["error"]["code"] == "nothing_to_consolidate"


def test_word_diff_is_word_level() -> None:
    diff = charte_views.word_diff("Nous agissons ensemble.", "Nous agissons tous ensemble.")
    assert diff == [["eq", "Nous agissons "], ["ins", "tous "], ["eq", "ensemble."]]
    # neighbouring changed words read as one change
    diff = charte_views.word_diff(
        "le secret de ses partenaires.", "le secret et le droit des familles."
    )
    assert diff == [
        ["eq", "le secret "],
        ["del", "de ses partenaires."],
        ["ins", "et le droit des familles."],
    ]


def test_freeze_refuses_edits_and_amendments(room: dict[str, Any]) -> None:
    anim, step, alice = room["anim"], room["step"], room["Alice"]
    version = draft(room, {"objet": ["Agir ensemble."]})
    clause = version["clauses"][0]
    assert act(anim, step, "phase", phase="amendements")["ok"]
    pending = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0001",
        clause_id=clause["id"],
        text="Agir tous ensemble.",
        reason="Tous",
    )
    assert pending["ok"]
    accepted = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0002",
        kind="ajout",
        section="valeurs",
        text="Respect.",
        reason="Valeur",
    )
    act(
        anim,
        step,
        "amendment_decide",
        amendment_id=accepted["amendment"]["id"],
        decision="accepter",
    )
    refused = act(anim, step, "freeze")
    assert refused["error"]["code"] == "accepted_pending"
    act(
        anim, step, "amendment_decide", amendment_id=accepted["amendment"]["id"], decision="rejeter"
    )
    anim.received()
    frozen = act(anim, step, "freeze")
    assert frozen["ok"] and frozen["set_aside"] == 1
    assert frozen["version"]["status"] == "gelee"
    assert state_of(alice, step)["phase"] == "gel"
    assert state_of(alice, step)["amendments"][0]["status"] == "caduque"
    edit = act(
        anim,
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=clause["version"],
        text="Autre texte.",
    )
    assert edit["error"]["code"] == "frozen"
    assert "gelée" in edit["error"]["message_fr"]
    late = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0003",
        clause_id=clause["id"],
        text="Encore.",
        reason="Encore",
    )
    assert late["error"]["code"] == "frozen"
    assert "La version 1 est gelée" in late["error"]["message_fr"]
    assert act(anim, step, "version_start")["error"]["code"] == "frozen"
    # unfrozen before the vote: editable again
    assert act(anim, step, "unfreeze")["version"]["status"] == "brouillon"
    assert act(
        anim,
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=clause["version"],
        text="Autre texte.",
    )["ok"]


def test_stale_clause_edit_is_refused_with_the_fresh_text(
    room: dict[str, Any], connect: Callable[..., Any]
) -> None:
    step = room["step"]
    version = draft(room, {"objet": ["Texte initial."]})
    clause = version["clauses"][0]
    second = connect("animateur", room["atelier"], room["animateur"])
    first = act(
        room["anim"],
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=clause["version"],
        text="Première reprise.",
    )
    assert first["ok"] and first["clause"]["version"] == clause["version"] + 1
    stale = act(
        second,
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=clause["version"],
        text="Seconde reprise.",
    )
    assert stale["error"]["code"] == "conflict"
    assert stale["error"]["clause"]["text"] == "Première reprise."
    assert stale["error"]["clause"]["version"] == clause["version"] + 1
    redo = act(
        second,
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=stale["error"]["clause"]["version"],
        text="Seconde reprise.",
    )
    assert redo["ok"]


def test_personal_data_in_an_amendment_asks_first(room: dict[str, Any]) -> None:
    anim, step, alice = room["anim"], room["step"], room["Alice"]
    draft(room, {"objet": ["Agir."]})
    act(anim, step, "phase", phase="amendements")
    data = {
        "client_id": "amend-0009",
        "kind": "ajout",
        "section": "objet",
        "text": "Appeler le 06 12 34 56 78 en cas de souci.",
        "reason": "Contact",
    }
    refused = act(alice, step, "amendment_propose", **data)
    assert refused["error"]["code"] == "personal_data"
    ok = act(alice, step, "amendment_propose", **data, confirm_personal=True)
    assert ok["ok"] and ok["amendment"]["privacy"]


def frozen_for_vote(room: dict[str, Any]) -> dict[str, Any]:
    version = draft(room, {"objet": ["Agir ensemble."], "valeurs": ["Le respect."]})
    assert act(room["anim"], room["step"], "freeze")["ok"]
    opened = act(room["anim"], room["step"], "phase", phase="vote")
    assert opened["ok"], opened
    for sock in (room["anim"], room["viewer"], room["Alice"], room["Bob"], room["Chloé"]):
        sock.received()
    return version


def test_a_draft_cannot_be_put_to_the_vote(room: dict[str, Any]) -> None:
    draft(room, {"objet": ["Agir."]})
    refused = act(room["anim"], room["step"], "phase", phase="vote")
    assert refused["error"]["code"] == "not_frozen"
    assert state_of(room["anim"], room["step"])["phase"] == "redaction"  # nothing changed
    assert (
        act(room["Alice"], room["step"], "ballot", gradient="adhesion_totale")["error"]["code"]
        == "no_vote"
    )


def test_adoption_by_structure_with_signatories(room: dict[str, Any]) -> None:
    anim, step, alice, bob, chloe, viewer = (
        room["anim"],
        room["step"],
        room["Alice"],
        room["Bob"],
        room["Chloé"],
        room["viewer"],
    )
    frozen_for_vote(room)
    state = state_of(alice, step)
    assert state["vote"]["state"] == "ouvert"
    assert state["vote"]["participation"] == {
        "ballots": 0,
        "electors": 2,
        "quorum_needed": 1,
        "ballot": "structure",
    }
    assert act(alice, step, "ballot", gradient="nope")["error"]["code"] == "bad_gradient"
    first = act(alice, step, "ballot", gradient="desaccord")
    assert first["ok"] and first["replaced"] is False
    # the other representative of the collège is told, without a name
    second = act(chloe, step, "ballot", gradient="adhesion_totale")
    assert second["error"]["code"] == "already_voted"
    assert "Alice" not in second["error"]["message_fr"]
    assert state_of(chloe, step)["vote"]["structure_voted"] is True
    # the author may change the structure's ballot until the vote closes
    changed = act(alice, step, "ballot", gradient="adhesion_reserves")
    assert changed["replaced"] is True and changed["participation"]["ballots"] == 1
    assert act(alice, step, "ballot", gradient="adhesion_reserves")["unchanged"] is True
    assert act(bob, step, "ballot", gradient="adhesion_totale")["ok"]
    # results hidden from participants and viewers while the vote runs
    seen = of_type(viewer.events(), "charte.ballot")
    assert seen and all("tallies" not in e for e in seen)
    assert of_type(anim.events(), "charte.ballot")[-1]["tallies"] == {
        "adhesion_reserves": 1,
        "adhesion_totale": 1,
    }
    assert state_of(bob, step)["vote"]["tallies"] is None
    assert state_of(bob, step)["vote"]["my_ballot"] == "adhesion_totale"
    # ballots cast: the phase cannot be left without closing
    assert act(anim, step, "phase", phase="gel")["error"]["code"] == "vote_open"
    assert act(alice, step, "vote_close")["error"]["code"] == "forbidden"
    closed = act(anim, step, "vote_close")
    assert closed["ok"], closed
    result = closed["result"]
    assert result["outcome"] == "adoptee" and result["outcome_label"] == "Adoptée"
    assert (result["pour"], result["contre"], result["ballots"], result["electors"]) == (2, 0, 2, 2)
    assert result["signatories"] == sorted([room["college"].name, room["centre"].name])
    assert closed["version"]["status"] == "adoptee"
    public = of_type(viewer.events(), "charte.version")[-1]["version"]
    assert public["result"]["outcome"] == "adoptee"
    assert sorted(public["signatories"]) == result["signatories"]
    assert act(alice, step, "ballot", gradient="opposition")["error"]["code"] == "vote_closed"
    rows = db.session.scalars(select(CharteSignatory)).all()
    assert {r.structure_id for r in rows} == {room["college"].id, room["centre"].id}
    # the charte document: the adopted version, its result and signatories, no one's name
    out = compile_document("charte", room["atelier"].cycle_id, "md")
    text = out.content.decode()
    assert "Version 1, adoptée" in text and "Agir ensemble." in text
    assert "Structures signataires" in text and room["centre"].name in text
    assert "Quorum" in text
    for name in ("Alice", "Bob", "Chloé"):
        assert name not in text
    for fmt in ("html", "docx"):
        assert compile_document("charte", room["atelier"].cycle_id, fmt).content
    # the atelier's compte rendu still builds (the step's idea cards, generic section)
    assert compile_document("compte-rendu", room["atelier"].id, "md").content
    # the whole charte travels with an export of the cycle (foreign keys remapped)
    exported = portability.export_cycle(room["atelier"].cycle_id)
    tables = exported["tables"]
    for name in ("charte_version", "charte_clause", "charte_ballot", "charte_signatory"):
        assert tables[name], name
    copy_ = portability.import_cycle(exported, room["animateur"])
    copied = db.session.scalars(
        select(CharteVersion).where(CharteVersion.cycle_id == copy_.id)
    ).all()
    assert [(v.number, v.status) for v in copied] == [(1, "adoptee")]
    assert {s.name for s in copy_.structures} >= set(result["signatories"])


@pytest.mark.parametrize(("threshold", "outcome"), [(66, "adoptee"), (67, "non_adoptee")])
def test_threshold_per_participant(
    make_room: Callable[..., dict[str, Any]], threshold: int, outcome: str
) -> None:
    room = make_room(script_with(ballot="participant", quorum=50, threshold=threshold))
    step = room["step"]
    frozen_for_vote(room)
    # two « pour » and one « contre »: 66.7 % of the ballots expressed
    act(room["Alice"], step, "ballot", gradient="adhesion_totale")
    act(room["Chloé"], step, "ballot", gradient="adhesion_reserves")
    act(room["Bob"], step, "ballot", gradient="opposition")
    result = act(room["anim"], step, "vote_close")["result"]
    assert result["share"] == 66.7 and result["outcome"] == outcome
    version = db.session.scalar(select(CharteVersion))
    assert version.status == outcome
    if outcome == "adoptee":  # the collège's two representatives voted for it
        assert result["signatories"] == [room["college"].name]
    else:
        assert result["signatories"] == []
        # not adopted: start again from it
        again = act(room["anim"], step, "version_start")
        assert again["version"]["number"] == 2 and len(again["version"]["clauses"]) == 2


def test_quorum_not_reached(make_room: Callable[..., dict[str, Any]]) -> None:
    room = make_room(script_with(ballot="participant", quorum=60))
    step = room["step"]
    frozen_for_vote(room)
    assert act(room["Alice"], step, "ballot", gradient="adhesion_totale")["ok"]
    part = state_of(room["Alice"], step)["vote"]["participation"]
    assert part == {"ballots": 1, "electors": 3, "quorum_needed": 2, "ballot": "participant"}
    result = act(room["anim"], step, "vote_close")["result"]
    assert result["outcome"] == "quorum_non_atteint"
    assert result["outcome_label"] == "Quorum non atteint"
    assert result["quorum_reached"] is False and result["signatories"] == []
    version = db.session.scalar(select(CharteVersion))
    assert version.status == "non_adoptee" and version.result["outcome"] == "quorum_non_atteint"
    text = compile_document("charte", room["atelier"].cycle_id, "md").content.decode()
    assert "Projet" in text and "Quorum non atteint" in text


def test_results_visible_setting_shows_live_totals(
    make_room: Callable[..., dict[str, Any]],
) -> None:
    room = make_room(script_with(results_visible="true", quorum_base="atelier"))
    step = room["step"]
    frozen_for_vote(room)
    assert act(room["Bob"], step, "ballot", gradient="abstention")["ok"]
    seen = of_type(room["viewer"].events(), "charte.ballot")[-1]
    assert seen["tallies"] == {"abstention": 1}
    assert seen["participation"]["electors"] == 2  # structures present at the atelier


def test_next_atelier_continues_from_the_version(
    room: dict[str, Any], connect: Callable[..., Any]
) -> None:
    draft(room, {"objet": ["Agir ensemble."]})
    cycle = room["atelier"].cycle
    script = SCRIPT.replace(
        "      quorum: 50\n", "      start_phase: amendements\n      quorum: 50\n"
    )
    atelier = cycles.add_atelier(cycle, load_script_text(script))
    anim = connect("animateur", atelier, room["animateur"])
    assert anim.call("atelier_start", {})["ok"]
    state = state_of(anim, atelier.steps[0].id)
    assert state["phase"] == "amendements"
    assert state["current"]["number"] == 1
    assert state["current"]["clauses"][0]["text"] == "Agir ensemble."


def test_clauses_move_delete_and_amendments_that_lose_their_clause(room: dict[str, Any]) -> None:
    anim, step, alice, viewer = room["anim"], room["step"], room["Alice"], room["viewer"]
    version = draft(room, {"objet": ["Premier.", "Second."], "valeurs": ["Respect."]})
    first, second, third = version["clauses"]
    moved = act(anim, step, "clause_move", clause_id=second["id"], direction="up")
    assert [c["text"] for c in moved["version"]["clauses"][:2]] == ["Second.", "Premier."]
    edge = act(anim, step, "clause_move", clause_id=second["id"], direction="up")
    assert edge["unchanged"] is True
    assert (
        act(anim, step, "clause_add", client_id="clause-bad1", section="nope", text="X")["error"][
            "code"
        ]
        == "bad_section"
    )
    assert (
        act(
            viewer,
            step,
            "amendment_propose",
            client_id="amend-0101",
            kind="ajout",
            section="objet",
            text="X",
            reason="Y",
        )["error"]["code"]
        == "forbidden"
    )
    act(anim, step, "phase", phase="amendements")
    on_first = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0102",
        clause_id=first["id"],
        text="Premier, revu.",
        reason="Précision",
    )["amendment"]
    remove_first = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0103",
        kind="suppression",
        clause_id=first["id"],
        reason="Inutile",
    )["amendment"]
    withdrawn = act(alice, step, "amendment_withdraw", amendment_id=on_first["id"])
    assert withdrawn["amendment"]["status"] == "retiree"
    assert (
        act(room["Bob"], step, "amendment_withdraw", amendment_id=remove_first["id"])["error"][
            "code"
        ]
        == "forbidden"
    )
    later = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0104",
        clause_id=first["id"],
        text="Premier, autrement.",
        reason="Style",
    )["amendment"]
    act(anim, step, "amendment_decide", amendment_id=remove_first["id"], decision="accepter")
    cons = act(anim, step, "consolidate")
    assert [c["text"] for c in cons["version"]["clauses"]] == ["Second.", "Respect."]
    assert cons["version"]["removed"] == [
        {"id": first["id"], "section": "objet", "text": "Premier."}
    ]
    # the pending amendment lost its clause: set aside, not carried
    assert cons["carried"] == 0
    told = [e["amendment"] for e in of_type(alice.events(), "charte.amendment")]
    assert [a["status"] for a in told if a["id"] == later["id"]][-1] == "caduque"
    # deleting a clause with a version check
    v2_third = next(c for c in cons["version"]["clauses"] if c["text"] == "Respect.")
    stale = act(anim, step, "clause_delete", clause_id=v2_third["id"], version=99)
    assert stale["error"]["code"] == "conflict"
    deleted = act(
        anim, step, "clause_delete", clause_id=v2_third["id"], version=v2_third["version"]
    )
    assert deleted["ok"]
    assert of_type(alice.events(), "charte.clause_deleted")[-1]["clause_id"] == v2_third["id"]
    assert third["text"] == "Respect."


def test_closed_atelier_and_open_vote_refuse_changes(room: dict[str, Any]) -> None:
    anim, step = room["anim"], room["step"]
    draft(room, {"objet": ["Agir."]})
    act(anim, step, "freeze")
    act(anim, step, "phase", phase="vote")
    assert act(anim, step, "unfreeze")["error"]["code"] == "vote_open"
    # no ballot yet: going back closes nothing and unfreezing works again
    assert act(anim, step, "phase", phase="gel")["ok"]
    assert act(anim, step, "unfreeze")["ok"]
    assert anim.call("atelier_close", {})["ok"]
    late = act(anim, step, "clause_add", client_id="clause-late", section="objet", text="X")
    assert late["error"]["code"] == "closed"


def test_a_step_opening_on_the_vote_opens_it_when_asked(
    make_room: Callable[..., dict[str, Any]],
) -> None:
    room = make_room(script_with(start_phase="gel"))
    anim, step = room["anim"], room["step"]
    assert state_of(anim, step)["phase"] == "gel"
    act(anim, step, "version_start")
    act(anim, step, "clause_add", client_id="clause-0001", section="objet", text="Agir.")
    assert act(anim, step, "freeze")["ok"]
    assert state_of(anim, step)["phase"] == "gel"
    assert act(anim, step, "phase", phase="vote")["ok"]
    assert act(anim, step, "phase", phase="vote")["ok"]  # asking again changes nothing
    assert state_of(room["Bob"], step)["vote"]["state"] == "ouvert"
    assert act(room["Bob"], step, "ballot", gradient="adhesion_totale")["ok"]
