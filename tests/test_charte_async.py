"""« Relire la charte v2 et proposer des amendements avant le … » between two ateliers
(issue 9, docs/activities/charte.md « Between ateliers »): the animateur opens the charte
step of a closed atelier until a date; participants read the current version with its diff
and propose amendments; the animateur decides (from the between-ateliers board, or at the
next atelier); after the deadline proposing is refused in French."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from facilitator.core import cycles, participants
from facilitator.cycle_life import async_steps
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.models._types import utcnow
from facilitator.scripts import load_script_text

SCRIPT = """
format: 1
id: test-charte-async
title: Charte
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns: [{id: a, label: A}]
  - id: charte
    type: charte
    title: Relire la charte
    consigne: Relisez la charte et proposez des amendements.
    settings:
      sections:
        - {id: objet, label: Objet}
        - {id: valeurs, label: Valeurs communes}
"""


def act(sock: Any, step_id: int, action: str, **data: Any) -> dict[str, Any]:
    return sock.call("step_action", {"step_id": step_id, "action": action, "data": data})


def state_of(sock: Any, step_id: int) -> dict[str, Any]:
    return sock.call("sync", {"last_seq": 0})["snapshot"]["activity"][str(step_id)]


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


@pytest.fixture
def between(
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Any],
    connect: Callable[..., Any],
) -> dict[str, Any]:
    """Atelier 1 wrote version 1, consolidated version 2 (one clause changed) and was closed
    in the « Amendements » phase; Alice and Bob took part."""
    owner = make_animateur()
    atelier = make_atelier(owner, SCRIPT)
    college, centre = atelier.cycle.structures[0], atelier.cycle.structures[1]
    alice, alice_token = participants.join(atelier, "Alice", structure_id=college.id)
    bob, _ = participants.join(atelier, "Bob", structure_id=centre.id)
    anim = connect("animateur", atelier, owner)
    assert anim.call("atelier_start", {})["ok"]
    step = next(s for s in atelier.steps if s.key == "charte")
    assert anim.call("step_goto", {"step_id": step.id})["ok"]
    a = connect("participant", atelier, alice)
    assert act(anim, step.id, "phase", phase="redaction")["ok"]
    assert act(anim, step.id, "version_start")["ok"]
    clause = act(
        anim, step.id, "clause_add", client_id="clause-0001", section="valeurs",
        text="Chaque structure respecte le secret professionnel.",
    )["clause"]  # fmt: skip
    assert act(anim, step.id, "phase", phase="amendements")["ok"]
    first = act(
        a, step.id, "amendment_propose", client_id="amend-0001", kind="modification",
        clause_id=clause["id"], text="Chaque structure respecte le secret partagé.",
        reason="Plus juste.",
    )["amendment"]  # fmt: skip
    assert act(anim, step.id, "amendment_decide", amendment_id=first["id"], decision="accepter")[
        "ok"
    ]
    assert act(anim, step.id, "consolidate")["ok"]
    assert anim.call("atelier_close", {})["ok"]
    db.session.expire_all()
    return {
        "owner": owner,
        "atelier": atelier,
        "step": step,
        "alice": alice,
        "alice_token": alice_token,
        "bob": bob,
        "anim": anim,
    }


def _open(step: Step, days: int = 10) -> date:
    day = date.today() + timedelta(days=days)
    async_steps.open_async(step, day)
    return day


def _propose(sock: Any, step: Step, client_id: str, clause_id: int, text: str) -> dict[str, Any]:
    return act(
        sock, step.id, "amendment_propose", client_id=client_id, kind="modification",
        clause_id=clause_id, text=text, reason="Pour associer les familles.",
    )  # fmt: skip


def test_participant_amends_the_charte_between_ateliers(
    between: dict[str, Any], connect: Callable[..., Any]
) -> None:
    step, atelier = between["step"], between["atelier"]
    alice = connect("participant", atelier, between["alice"])
    bob = connect("participant", atelier, between["bob"])
    state = state_of(alice, step.id)
    clause = state["current"]["clauses"][0]
    # closed atelier, step not opened: refused
    refused = _propose(alice, step, "async-am-01", clause["id"], "Texte nouveau.")
    assert not refused["ok"] and refused["error"]["code"] == "closed"

    _open(step)
    since = utcnow()
    # she reads version 2 and what changed since version 1
    state = state_of(alice, step.id)
    assert state["phase"] == "amendements"
    assert state["current"]["number"] == 2 and state["current"]["parent_number"] == 1
    assert clause["change"] == "modifiee"
    assert ["ins", "partagé."] in clause["diff"]
    ack = _propose(
        alice, step, "async-am-02", clause["id"],
        "Chaque structure respecte le secret partagé et le droit des familles.",
    )  # fmt: skip
    assert ack["ok"], ack
    mine = ack["amendment"]
    assert mine["status"] == "proposee" and mine["author_id"] == between["alice"].id
    # a retry answers the same amendment
    again = _propose(alice, step, "async-am-02", clause["id"], "autre")
    assert again["ok"] and again.get("duplicate") and again["amendment"]["id"] == mine["id"]
    # listed as hers (full) for her, public for Bob
    listed = {a["id"]: a for a in state_of(alice, step.id)["amendments"]}
    assert listed[mine["id"]]["client_id"] == "async-am-02"
    public = {a["id"]: a for a in state_of(bob, step.id)["amendments"]}[mine["id"]]
    assert "client_id" not in public and public["reason"] == "Pour associer les familles."
    # on the cycle page, the others are told; she is not told of her own
    cycle_id = atelier.cycle_id
    assert "1 amendement de la charte proposé." in async_steps.changes_since(
        cycle_id, since, between["bob"].id
    )
    assert not any(
        "amendement" in line
        for line in async_steps.changes_since(cycle_id, since, between["alice"].id)
    )
    # she may withdraw her own and propose again
    assert act(alice, step.id, "amendment_withdraw", amendment_id=mine["id"])["ok"]
    assert _propose(alice, step, "async-am-03", clause["id"], "Le secret partagé, enfin.")["ok"]


def test_phase_rules_still_apply_between_ateliers(
    between: dict[str, Any], connect: Callable[..., Any]
) -> None:
    step, atelier = between["step"], between["atelier"]
    _open(step)
    anim = connect("animateur", atelier, between["owner"])
    alice = connect("participant", atelier, between["alice"])
    clause = state_of(alice, step.id)["current"]["clauses"][0]
    # the animateur moves the phase from the between-ateliers board (closed atelier)
    assert act(anim, step.id, "phase", phase="redaction")["ok"]
    refused = _propose(alice, step, "async-ph-01", clause["id"], "Texte nouveau.")
    assert not refused["ok"] and refused["error"]["code"] == "phase"
    assert "Amendements" in refused["error"]["message_fr"]
    # participants never steer, even on an open asynchronous step
    forbidden = act(alice, step.id, "phase", phase="amendements")
    assert not forbidden["ok"] and forbidden["error"]["code"] == "forbidden"
    # in « Idées », idea cards go to the step's columns (the generic card verb)
    assert act(anim, step.id, "phase", phase="idees")["ok"]
    idea = alice.call(
        "card_add",
        {"step_id": step.id, "client_id": "async-idea-1", "text": "Le respect", "column": "objet"},
    )
    assert idea["ok"], idea
    assert act(anim, step.id, "phase", phase="amendements")["ok"]
    assert _propose(alice, step, "async-ph-02", clause["id"], "Texte nouveau.")["ok"]
    # a frozen version refuses amendments with its own message
    assert act(anim, step.id, "freeze")["ok"]
    frozen = _propose(alice, step, "async-ph-03", clause["id"], "Encore un texte.")
    assert not frozen["ok"] and frozen["error"]["code"] == "frozen"


def test_animateur_decides_and_edits_between_ateliers(
    between: dict[str, Any], connect: Callable[..., Any]
) -> None:
    step, atelier = between["step"], between["atelier"]
    anim = connect("animateur", atelier, between["owner"])
    alice = connect("participant", atelier, between["alice"])
    clause = state_of(alice, step.id)["current"]["clauses"][0]
    # not open: the closed atelier's charte cannot be changed
    refused = act(anim, step.id, "clause_edit", clause_id=clause["id"], version=clause["version"],
                  text="Autre texte.")  # fmt: skip
    assert not refused["ok"] and refused["error"]["code"] == "closed"

    _open(step)
    amendment = _propose(alice, step, "async-dec-1", clause["id"], "Le secret partagé, écrit.")[
        "amendment"
    ]
    alice.received()
    ack = act(anim, step.id, "amendment_decide", amendment_id=amendment["id"], decision="accepter")
    assert ack["ok"] and ack["amendment"]["status"] == "acceptee"
    # Alice's board hears it live (the step's atelier log)
    seen = [e for e in alice.events() if e["type"] == "charte.amendment"]
    assert seen and seen[-1]["data"]["amendment"]["status"] == "acceptee"
    edited = act(anim, step.id, "clause_add", client_id="async-cl-01", section="objet",
                 text="Réduire le décrochage.")  # fmt: skip
    assert edited["ok"], edited
    consolidated = act(anim, step.id, "consolidate")
    assert consolidated["ok"] and consolidated["version"]["number"] == 3

    async_steps.close_async(step)
    again = act(anim, step.id, "clause_add", client_id="async-cl-02", section="objet",
                text="Encore.")  # fmt: skip
    assert not again["ok"] and again["error"]["code"] == "closed"


def test_after_the_deadline_proposing_is_refused_in_french(
    between: dict[str, Any], connect: Callable[..., Any]
) -> None:
    step, atelier = between["step"], between["atelier"]
    _open(step, days=3)
    alice = connect("participant", atelier, between["alice"])
    clause = state_of(alice, step.id)["current"]["clauses"][0]
    assert _propose(alice, step, "async-dl-01", clause["id"], "Avant la date.")["ok"]
    step.async_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    refused = _propose(alice, step, "async-dl-02", clause["id"], "Après la date.")
    assert not refused["ok"] and refused["error"]["code"] == "closed"
    assert "date limite" in refused["error"]["message_fr"]
    assert "est passée" in refused["error"]["message_fr"]


def test_the_next_atelier_decides_what_was_proposed_between(
    between: dict[str, Any], connect: Callable[..., Any]
) -> None:
    step, atelier = between["step"], between["atelier"]
    _open(step)
    alice = connect("participant", atelier, between["alice"])
    clause = state_of(alice, step.id)["current"]["clauses"][0]
    amendment = _propose(alice, step, "async-nx-01", clause["id"], "Proposé entre deux.")[
        "amendment"
    ]
    nxt = cycles.add_atelier(atelier.cycle, load_script_text(SCRIPT))
    db.session.commit()
    anim = connect("animateur", nxt, between["owner"])
    assert anim.call("atelier_start", {})["ok"]
    nxt_step = next(s for s in nxt.steps if s.key == "charte")
    listed = {a["id"]: a for a in state_of(anim, nxt_step.id)["amendments"]}
    assert listed[amendment["id"]]["status"] == "proposee"
    assert listed[amendment["id"]]["author"]["name"] == "Alice"
    ack = act(anim, nxt_step.id, "amendment_decide", amendment_id=amendment["id"],
              decision="rejeter", reason="Déjà dit à la clause 1.1.")  # fmt: skip
    assert ack["ok"] and ack["amendment"]["status"] == "rejetee"


def test_cycle_pages_show_the_open_charte(client: Any, between: dict[str, Any], app: Any) -> None:
    step, atelier = between["step"], between["atelier"]
    day = _open(step)
    cycle_id = atelier.cycle_id
    login(client, between["owner"])
    page = client.get(f"/animateur/cycles/{cycle_id}/entre-ateliers").get_data(as_text=True)
    assert "Charte : version 2 (brouillon)" in page
    assert "phase «&nbsp;Amendements&nbsp;»" in page and "0 amendement à examiner" in page
    board_url = f"/animateur/cycles/{cycle_id}/entre-ateliers/{step.id}/tableau"
    assert board_url in page
    board = client.get(board_url)
    assert board.status_code == 200
    assert 'data-role="animateur"' in board.get_data(as_text=True)
    # the participant's cycle page: the step, its deadline, the version to read
    participant = app.test_client()
    participant.set_cookie(f"fac_p{cycle_id}", between["alice_token"])
    mine = participant.get(f"/cycle/{cycle_id}").get_data(as_text=True)
    assert "Relire la charte" in mine and day.strftime("%d/%m/%Y") in mine
    assert "Charte en cours : version 2 (brouillon)" in mine
    assert participant.get(f"/cycle/{cycle_id}/etapes/{step.id}").status_code == 200
    # another animateur cannot open the board
    assert participant.get(board_url).status_code in (302, 401, 403)
