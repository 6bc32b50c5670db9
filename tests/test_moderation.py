"""Moderation (``cartes`` setting ``moderation: true``): participants' cards are held until
an animateur accepts them; a refused card goes back to its author with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.scripts import load_script_text

SCRIPT = """
format: 1
id: test-moderation
title: Atelier modéré
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      moderation: true
      columns: [{id: a, label: A}]
      votes: {budget: 3, max_per_card: 2}
  - id: libre
    type: cartes
    title: Libre
    consigne: Sans validation.
    settings:
      columns: [{id: a, label: A}]
  - id: suite
    type: cartes
    title: Suite
    consigne: Reprise.
    settings:
      cards_from: idees
      columns: [{id: a, label: A}]
"""


@pytest.fixture
def room(
    make_animateur: Any, make_atelier: Any, make_participant: Any, connect: Any
) -> dict[str, Any]:
    animateur = make_animateur()
    atelier = make_atelier(animateur, script=SCRIPT)
    alice = make_participant(atelier, "Alice")
    bob = make_participant(atelier, "Bob")
    anim = connect("animateur", atelier, animateur)
    assert anim.call("atelier_start", {})["ok"]
    a = connect("participant", atelier, alice)
    b = connect("participant", atelier, bob)
    viewer = connect("viewer", atelier)
    for sock in (anim, a, b, viewer):
        sock.received()
    steps = {s.key: s.id for s in atelier.steps}
    return {
        "atelier": atelier,
        "animateur": animateur,
        "alice": alice,
        "bob": bob,
        "anim": anim,
        "a": a,
        "b": b,
        "viewer": viewer,
        "steps": steps,
        "connect": connect,
    }


def add(sock: Any, step_id: int, text: str, cid: str) -> Any:
    return sock.call(
        "card_add", {"step_id": step_id, "client_id": cid, "text": text, "column": "a"}
    )


def cards_of(sync_msg: dict[str, Any]) -> list[dict[str, Any]]:
    return sync_msg["snapshot"]["cards"]


def snapshot(room: dict[str, Any], role: str, who: Any = None) -> dict[str, Any]:
    sock = room["connect"](role, room["atelier"], who)
    [sync] = [m["args"][0] for m in sock.received() if m["name"] == "sync"]
    sock.disconnect()
    return sync


def test_script_setting_is_validated() -> None:
    assert load_script_text(SCRIPT).steps[0]["settings"]["moderation"] is True
    with pytest.raises(Exception, match="moderation"):
        load_script_text(SCRIPT.replace("moderation: true", "moderation: peut-être"))


def test_new_card_is_held_for_the_author_and_the_animateurs(room: dict[str, Any]) -> None:
    ack = add(room["a"], room["steps"]["idees"], "Une idée à valider", "held-000001")
    assert ack["ok"] and ack["card"]["moderation"] == "pending"
    # the animateur gets it (to decide); Bob and the read-only link get nothing at all
    [anim_env] = room["anim"].events()
    assert anim_env["data"]["card"]["moderation"] == "pending"
    assert anim_env["data"]["card"]["text"] == "Une idée à valider"
    assert room["b"].events() == []
    assert room["viewer"].events() == []
    # not even counted in snapshots of others; kept in the author's and the animateur's
    assert cards_of(snapshot(room, "participant", room["alice"]))[0]["moderation"] == "pending"
    assert cards_of(snapshot(room, "animateur", room["animateur"]))[0]["id"] == ack["card"]["id"]
    assert cards_of(snapshot(room, "viewer")) == []
    # nobody votes on a card that is not shown
    vote = room["b"].call("vote", {"card_id": ack["card"]["id"], "delta": 1})
    assert vote["error"]["code"] == "pending"
    # the step says so, for the clients' hint
    step = next(s for s in snapshot(room, "viewer")["snapshot"]["steps"] if s["key"] == "idees")
    assert step["moderation"] is True


def test_accept_shows_the_card_to_everyone(room: dict[str, Any]) -> None:
    card = add(room["a"], room["steps"]["idees"], "Une idée acceptée", "acc-0000001")["card"]
    room["anim"].received()
    room["a"].received()
    ack = room["anim"].call("card_accept", {"card_id": card["id"], "version": card["version"]})
    assert ack["ok"] and ack["card"]["moderation"] == "accepted"
    for sock in (room["b"], room["viewer"], room["a"], room["anim"]):
        # the author may get its own copy then the public one, with the same seq
        env = sock.events()[0]
        assert env["type"] == "card.updated" and env["seq"] == ack["seq"]
        assert env["data"]["card"]["text"] == "Une idée acceptée"
    # accepting twice changes nothing and announces nothing
    again = room["anim"].call("card_accept", {"card_id": card["id"]})
    assert again["ok"] and again["unchanged"] is True
    assert room["b"].events() == []
    # now it counts and can be voted on
    assert room["b"].call("vote", {"card_id": card["id"], "delta": 1})["ok"]
    assert [c["text"] for c in cards_of(snapshot(room, "viewer"))] == ["Une idée acceptée"]


def test_reject_tells_the_author_why_and_keeps_the_text(room: dict[str, Any]) -> None:
    card = add(room["a"], room["steps"]["idees"], "Hors sujet", "rej-0000001")["card"]
    room["anim"].received()
    room["a"].received()
    ack = room["anim"].call(
        "card_reject", {"card_id": card["id"], "reason": "  Hors   sujet pour cette étape "}
    )
    assert ack["ok"] and ack["card"]["moderation"] == "rejected"
    [mine] = room["a"].events()
    assert mine["data"]["card"]["moderation_reason"] == "Hors sujet pour cette étape"
    assert mine["data"]["card"]["text"] == "Hors sujet"
    assert room["b"].events() == [] and room["viewer"].events() == []
    # the author rephrases: the new wording waits for validation again
    edit = room["a"].call(
        "card_edit",
        {"card_id": card["id"], "version": ack["card"]["version"], "text": "Reformulée"},
    )
    assert edit["ok"] and edit["card"]["moderation"] == "pending"
    assert edit["card"]["moderation_reason"] is None
    assert room["b"].events() == []
    # a decision on a version the animateur has not read is refused with the fresh card
    stale = room["anim"].call("card_accept", {"card_id": card["id"], "version": card["version"]})
    assert stale["error"]["code"] == "conflict"
    assert stale["error"]["card"]["text"] == "Reformulée"


def test_accepted_card_rewritten_is_withdrawn_until_accepted_again(room: dict[str, Any]) -> None:
    card = add(room["a"], room["steps"]["idees"], "Première version", "re-00000001")["card"]
    accepted = room["anim"].call("card_accept", {"card_id": card["id"]})["card"]
    room["b"].received()
    edit = room["a"].call(
        "card_edit", {"card_id": card["id"], "version": accepted["version"], "text": "Autre texte"}
    )
    assert edit["card"]["moderation"] == "pending"
    # Bob had it: he is told to drop it, without the new text
    [env] = room["b"].events()
    assert env["data"]["card"] == {"id": card["id"], "step_id": card["step_id"], "withheld": True}


def test_refusing_a_shown_card_returns_its_votes(room: dict[str, Any]) -> None:
    card = add(room["a"], room["steps"]["idees"], "Votée puis retirée", "vot-0000001")["card"]
    room["anim"].call("card_accept", {"card_id": card["id"]})
    assert room["b"].call("vote", {"card_id": card["id"], "delta": 1})["ok"]
    room["b"].received()
    assert room["anim"].call("card_reject", {"card_id": card["id"]})["ok"]
    [env] = room["b"].events()
    assert env["data"]["card"]["withheld"] is True
    snap = snapshot(room, "participant", room["bob"])
    assert snap["snapshot"]["my_votes"] == {}


def test_animateur_cards_and_other_steps_are_not_held(room: dict[str, Any]) -> None:
    mine = add(room["anim"], room["steps"]["idees"], "Carte de l'animateur", "an-00000001")
    assert mine["card"]["moderation"] is None
    assert room["b"].events()[0]["data"]["card"]["text"] == "Carte de l'animateur"
    room["anim"].call("step_goto", {"step_id": room["steps"]["libre"]})
    room["b"].received()
    free = add(room["a"], room["steps"]["libre"], "Libre", "fr-00000001")
    assert free["card"]["moderation"] is None
    assert room["b"].events()[0]["data"]["card"]["text"] == "Libre"
    refused = room["anim"].call("card_reject", {"card_id": free["card"]["id"]})
    assert refused["error"]["code"] == "no_moderation"


def test_only_accepted_cards_are_carried_to_the_next_step(room: dict[str, Any]) -> None:
    step = room["steps"]["idees"]
    kept = add(room["a"], step, "Acceptée", "cf-00000001")["card"]
    add(room["a"], step, "Restée en attente", "cf-00000002")
    gone = add(room["a"], step, "Refusée", "cf-00000003")["card"]
    room["anim"].call("card_accept", {"card_id": kept["id"]})
    room["anim"].call("card_reject", {"card_id": gone["id"]})
    assert room["anim"].call("step_goto", {"step_id": room["steps"]["suite"]})["ok"]
    texts = [
        c["text"]
        for c in cards_of(snapshot(room, "viewer"))
        if c["step_id"] == room["steps"]["suite"]
    ]
    assert texts == ["Acceptée"]


@pytest.mark.parametrize("event", ["card_accept", "card_reject"])
def test_participants_and_viewers_cannot_moderate(room: dict[str, Any], event: str) -> None:
    card = add(room["a"], room["steps"]["idees"], "À décider", "mx-00000001")["card"]
    for sock in (room["a"], room["b"], room["viewer"]):
        ack = sock.call(event, {"card_id": card["id"]})
        assert ack["error"]["code"] == "forbidden", ack
    bad = room["anim"].call(event, {"card_id": card["id"], "extra": 1})
    assert bad["error"]["code"] == "invalid"
    too_long = room["anim"].call("card_reject", {"card_id": card["id"], "reason": "x" * 201})
    assert too_long["error"]["code"] == "too_long"


def test_held_and_refused_cards_stay_out_of_documents(room: dict[str, Any]) -> None:
    from facilitator.documents import compile_document

    step = room["steps"]["idees"]
    texts = {"held": "Idée en attente", "refused": "Idée refusée", "ok": "Idée acceptée"}
    ids = {}
    for key, value in texts.items():
        ack = room["a"].call(
            "card_add",
            {"step_id": step, "client_id": f"doc-mod-{key}", "text": value, "column": "a"},
        )
        ids[key] = ack["card"]["id"]
    assert room["anim"].call("card_accept", {"card_id": ids["ok"]})["ok"]
    assert room["anim"].call("card_reject", {"card_id": ids["refused"], "reason": "hors sujet"})[
        "ok"
    ]
    markdown = compile_document("compte-rendu", room["atelier"].id, "md").content.decode()
    assert texts["ok"] in markdown
    assert texts["held"] not in markdown and texts["refused"] not in markdown
