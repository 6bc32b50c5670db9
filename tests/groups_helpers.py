"""Shared by the sub-group tests (issue 18): an atelier whose first step runs in groups,
with the animateur, four participants of two structure types and the wall connected."""

from __future__ import annotations

from typing import Any

from facilitator.core import participants
from facilitator.extensions import db
from facilitator.models import Event

SCRIPT = """
format: 1
id: test-groupes
title: Atelier en sous-groupes
steps:
  - id: tables
    type: cartes
    title: Travail en tables
    consigne: Une idée par carte, dans votre groupe.
    settings:
      columns: [{id: a, label: Idées}]
      votes: {budget: 3, max_per_card: 2}
    groups: {formation: mixte, count: 2}
"""
#: a plenary cards step, the last of the scripts here
PLENARY = """  - id: pleniere
    type: cartes
    title: Plénière
    consigne: Une idée par carte.
    settings:
      columns: [{id: a, label: Idées}]
"""
SCRIPT += PLENARY

NAMES = ("Alice", "Bob", "Chloé", "David")


def room(make_atelier: Any, make_animateur: Any, connect: Any, script: str = SCRIPT) -> Any:
    animateur = make_animateur()
    atelier = make_atelier(animateur, script)
    structures = atelier.cycle.structures
    people = {}
    for i, name in enumerate(NAMES):
        person, _ = participants.join(atelier, name, structure_id=structures[i % 2].id)
        people[name] = person
    anim = connect("animateur", atelier, animateur)
    assert anim.call("atelier_start", {})["ok"]
    socks = {name: connect("participant", atelier, p) for name, p in people.items()}
    wall = connect("viewer", atelier)
    for sock in (anim, wall, *socks.values()):
        sock.received()
    return {
        "atelier": atelier,
        "anim": anim,
        "wall": wall,
        "people": people,
        "socks": socks,
        "step": atelier.steps[0].id,
        "plenary": atelier.steps[1].id,
    }


def snapshot(sock: Any) -> dict[str, Any]:
    ack = sock.call("sync", {"last_seq": 0})
    assert ack["ok"], ack
    snap: dict[str, Any] = ack["snapshot"]
    return snap


def formed(r: Any) -> dict[str, Any]:
    """Form the groups; returns {name: group id} of every participant."""
    ack = r["anim"].call("groups_form", {"step_id": r["step"]})
    assert ack["ok"], ack
    state = snapshot(r["anim"])["groups"][str(r["step"])]
    return {m["name"]: g["id"] for g in state["groups"] for m in g["members"]}


def card(sock: Any, step_id: int, text: str) -> Any:
    cid = "g" + format(abs(hash(text)) % 10**12, "012d")
    return sock.call(
        "card_add", {"step_id": step_id, "client_id": cid, "text": text, "column": "a"}
    )


def event_group(r: Any, seq: int) -> int | None:
    """The audience group stored with the atelier's event ``seq`` (None: everyone's)."""
    found: int | None = db.session.scalar(
        db.select(Event.group_id).where(Event.atelier_id == r["atelier"].id, Event.seq == seq)
    )
    return found


def quiet(r: Any) -> None:
    """Forget what every socket of the room received so far."""
    for sock in [r["anim"], r["wall"], *r["socks"].values()]:
        sock.received()


def formed_world(make_atelier: Any, make_animateur: Any, connect: Any, script: str) -> Any:
    """``room`` of ``script`` with its groups formed: ``where`` (name → group), Alice's group
    ``mate`` and an ``outsider`` of the other group."""
    r = room(make_atelier, make_animateur, connect, script)
    where = formed(r)
    r["where"] = where
    r["mate"] = next(n for n in where if n != "Alice" and where[n] == where["Alice"])
    r["outsider"] = next(n for n in where if where[n] != where["Alice"])
    return r


def act(sock: Any, step_id: int, action: str, **data: Any) -> dict[str, Any]:
    """An activity's own action (``step_action``)."""
    ack: dict[str, Any] = sock.call(
        "step_action", {"step_id": step_id, "action": action, "data": data}
    )
    return ack


def activity(sock: Any, step_id: int, key: str) -> list[dict[str, Any]]:
    """A list of the step's activity state in ``sock``'s snapshot (proposals, amendments…)."""
    found: list[dict[str, Any]] = snapshot(sock)["activity"][str(step_id)][key]
    return found


def replayed(r: Any, connect: Any, last_seq: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The outsider and Alice's mate reconnect, each having seen the events up to
    ``last_seq``: the ``sync`` each of them gets (the outsider's first)."""
    socks = [
        connect("participant", r["atelier"], r["people"][r[who]], last_seq)
        for who in ("outsider", "mate")
    ]
    outsider, mate = ([m["args"][0] for m in s.received() if m["name"] == "sync"] for s in socks)
    assert len(outsider) == 1 and len(mate) == 1, (outsider, mate)
    return outsider[0], mate[0]
