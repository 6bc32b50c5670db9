"""Shared by the ``charte`` tests (tests/test_charte_*.py): the script, a started charte
atelier with three participants of two structures, and short-hands for step actions, the
events of one type, a step's state and a first drafted version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from facilitator.core import participants

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
