"""``charte``, phase by phase over Socket.IO: the idea columns, freezing (and unfreezing)
a version, a closed atelier and an open vote refusing changes, a step opening on the vote,
and what the next atelier of the cycle continues."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitator.core import cycles
from facilitator.scripts import load_script_text
from tests import charte_helpers
from tests.charte_helpers import SCRIPT, act, draft, script_with, state_of

# the room fixtures, found by pytest as attributes of this module
make_room, room = charte_helpers.make_room, charte_helpers.room


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
