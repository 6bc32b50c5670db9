"""The animateur's card verbs on a step open for asynchronous contributions of a closed
atelier (docs/cycle-life.md): allowed exactly while the step is open, so that a step with
``moderation: true`` is moderated between ateliers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from facilitator.core import participants
from facilitator.cycle_life import async_steps
from facilitator.extensions import db
from facilitator.models import Contribution
from facilitator.models._types import utcnow

SCRIPT = """
format: 1
id: test-async-moderation
title: Atelier asynchrone modéré
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns: [{id: a, label: A}]
  - id: relire
    type: cartes
    title: Relire la charte
    consigne: Proposez des amendements.
    settings:
      columns: [{id: a, label: Amendements}]
      moderation: true
"""


@pytest.fixture
def closed(make_animateur: Any, make_atelier: Any, connect: Any) -> dict[str, Any]:
    """A closed atelier whose moderated step « relire » is open until in three days, with
    two of Alice's cards waiting there; the animateur and Alice connected."""
    owner = make_animateur()
    atelier = make_atelier(owner, SCRIPT)
    structure = atelier.cycle.structures[0]
    alice, _ = participants.join(atelier, "Alice", structure_id=structure.id)
    atelier.start()
    atelier.close()
    db.session.commit()
    steps = {s.key: s for s in atelier.steps}
    async_steps.open_async(steps["relire"], date.today() + timedelta(days=3))
    a = connect("participant", atelier, alice)
    cards = []
    for i, text in enumerate(("Amendement un", "Amendement deux", "Amendement trois")):
        ack = a.call(
            "card_add",
            {
                "step_id": steps["relire"].id,
                "client_id": f"asyncmod-{i:04d}",
                "text": text,
                "column": "a",
            },
        )
        assert ack["ok"], ack
        cards.append(ack["card"])
    anim = connect("animateur", atelier, owner)
    return {"atelier": atelier, "steps": steps, "cards": cards, "anim": anim, "a": a}


def _moderation(card_id: int) -> Any:
    db.session.expire_all()
    card = db.session.get(Contribution, card_id)
    assert card is not None
    return (card.data or {}).get("moderation")


def test_an_async_step_is_moderated_between_ateliers(closed: dict[str, Any]) -> None:
    anim, (c1, c2, c3) = closed["anim"], closed["cards"]
    assert _moderation(c1["id"]) == "pending"
    accepted = anim.call("card_accept", {"card_id": c1["id"], "version": c1["version"]})
    assert accepted["ok"], accepted
    assert _moderation(c1["id"]) == "accepted"
    rejected = anim.call("card_reject", {"card_id": c2["id"], "reason": "Hors sujet"})
    assert rejected["ok"], rejected
    assert _moderation(c2["id"]) == "rejected"
    edited = anim.call(
        "card_edit", {"card_id": c3["id"], "version": c3["version"], "text": "Amendement 3"}
    )
    assert edited["ok"], edited
    assert edited["card"]["text"] == "Amendement 3"
    masked = anim.call("card_mask", {"card_id": c3["id"], "masked": True})
    assert masked["ok"], masked
    deleted = anim.call("card_delete", {"card_id": c3["id"]})
    assert deleted["ok"], deleted
    # the animateur may add a card there too
    added = anim.call(
        "card_add",
        {
            "step_id": closed["steps"]["relire"].id,
            "client_id": "asyncmod-anim",
            "text": "Synthèse",
            "column": "a",
        },
    )
    assert added["ok"], added


def test_after_the_deadline_the_animateur_is_refused_too(closed: dict[str, Any]) -> None:
    step = closed["steps"]["relire"]
    step.async_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    anim, (c1, c2, _) = closed["anim"], closed["cards"]
    for event, payload in (
        ("card_accept", {"card_id": c1["id"]}),
        ("card_reject", {"card_id": c1["id"]}),
        ("card_edit", {"card_id": c2["id"], "version": c2["version"], "text": "Autre"}),
        ("card_delete", {"card_id": c2["id"]}),
    ):
        refused = anim.call(event, payload)
        assert not refused["ok"] and refused["error"]["code"] == "closed", (event, refused)
    assert _moderation(c1["id"]) == "pending"


def test_other_steps_of_the_closed_atelier_stay_closed(closed: dict[str, Any]) -> None:
    step = closed["steps"]["idees"]
    refused = closed["anim"].call(
        "card_add",
        {"step_id": step.id, "client_id": "asyncmod-idees", "text": "Non", "column": "a"},
    )
    assert not refused["ok"] and refused["error"]["code"] == "closed"
