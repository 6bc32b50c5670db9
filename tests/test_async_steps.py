"""Steps opened for asynchronous contributions between ateliers (docs/cycle-life.md): the
same authorisation path for every activity type, before and after the deadline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from facilitator.core import participants
from facilitator.cycle_life import async_steps
from facilitator.extensions import db
from facilitator.models import Event, Step
from facilitator.models._types import utcnow

SCRIPT = """
format: 1
id: test-async
title: Atelier asynchrone
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
  - id: eval
    type: evaluation
    title: Évaluation
    consigne: Votre avis.
    settings: {conditions: true}
"""


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


@pytest.fixture
def closed(make_animateur: Any, make_atelier: Any, connect: Any) -> dict[str, Any]:
    """A closed atelier with one participant (token kept) and an animateur."""
    owner = make_animateur()
    atelier = make_atelier(owner, SCRIPT)
    structure = atelier.cycle.structures[0]
    alice, token = participants.join(atelier, "Alice", structure_id=structure.id)
    atelier.start()
    atelier.close()
    db.session.commit()
    steps = {s.key: s for s in atelier.steps}
    return {"owner": owner, "atelier": atelier, "alice": alice, "token": token, "steps": steps}


def _open(step: Step, days: int = 3) -> None:
    async_steps.open_async(step, date.today() + timedelta(days=days))


def _card(sock: Any, step: Step, client_id: str, text: str = "Amendement") -> Any:
    return sock.call(
        "card_add", {"step_id": step.id, "client_id": client_id, "text": text, "column": "a"}
    )


def test_closed_atelier_refuses_until_the_step_is_opened(
    closed: dict[str, Any], connect: Any
) -> None:
    step = closed["steps"]["relire"]
    sock = connect("participant", closed["atelier"], closed["alice"])
    refused = _card(sock, step, "async-000001")
    assert not refused["ok"] and refused["error"]["code"] == "closed"
    _open(step)
    ack = _card(sock, step, "async-000002")
    assert ack["ok"], ack
    # idempotent retry
    again = _card(sock, step, "async-000002")
    assert again["ok"] and again["card"]["id"] == ack["card"]["id"]
    # another step of the same closed atelier stays closed
    other = _card(sock, closed["steps"]["idees"], "async-000003")
    assert not other["ok"] and other["error"]["code"] == "closed"


def test_after_the_deadline_contributions_are_refused(closed: dict[str, Any], connect: Any) -> None:
    step = closed["steps"]["relire"]
    step.async_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert not step.async_open
    sock = connect("participant", closed["atelier"], closed["alice"])
    refused = _card(sock, step, "async-000010")
    assert not refused["ok"] and refused["error"]["code"] == "closed"


def test_open_step_of_a_running_atelier_is_writable_even_if_not_current_or_locked(
    live_atelier: dict[str, Any],
) -> None:
    atelier = live_atelier["atelier"]
    step = next(s for s in atelier.steps if s.key == "secret")
    step.locked = True
    db.session.commit()
    a = live_atelier["a"]
    refused = _card(a, step, "async-000020")
    assert not refused["ok"] and refused["error"]["code"] in {"step_not_current", "locked"}
    _open(step)
    assert _card(a, step, "async-000021")["ok"]
    viewer_refused = live_atelier["anim"]  # animateurs may write too
    assert _card(viewer_refused, step, "async-000022")["ok"]


def test_read_only_link_never_writes(closed: dict[str, Any], connect: Any) -> None:
    step = closed["steps"]["relire"]
    _open(step)
    viewer = connect("viewer", closed["atelier"])
    refused = _card(viewer, step, "async-000030")
    assert not refused["ok"]


def test_activity_actions_use_the_same_rule(closed: dict[str, Any], connect: Any) -> None:
    step = closed["steps"]["eval"]
    sock = connect("participant", closed["atelier"], closed["alice"])
    answer = {"version": 0, "meteo": 4, "utilite": 5, "suggestion": "", "conditions": {}}
    payload = {"step_id": step.id, "action": "submit", "data": answer}
    refused = sock.call("step_action", payload)
    assert not refused["ok"] and refused["error"]["code"] == "closed"
    _open(step)
    ack = sock.call("step_action", payload)
    assert ack["ok"], ack
    assert ack["mine"]["meteo"] == 4


def test_animateur_opens_and_closes_from_the_cycle_page(
    client: Any, closed: dict[str, Any]
) -> None:
    login(client, closed["owner"])
    cycle_id = closed["atelier"].cycle_id
    step = closed["steps"]["relire"]
    page = client.get(f"/animateur/cycles/{cycle_id}/entre-ateliers")
    assert page.status_code == 200 and "Relire la charte" in page.get_data(as_text=True)
    url = f"/animateur/cycles/{cycle_id}/entre-ateliers/{step.id}"
    past = client.post(url, data={"until": (date.today() - timedelta(days=1)).isoformat()})
    assert past.status_code == 400 and "date limite est passée" in past.get_data(as_text=True)
    day = date.today() + timedelta(days=10)
    assert client.post(url, data={"until": day.isoformat()}).status_code == 302
    db.session.refresh(step)
    assert step.async_open and async_steps.local_day(step.async_until) == day
    assert db.session.query(Event).filter_by(type="step.async").count() == 1
    listed = async_steps.async_steps(cycle_id)
    assert [s["id"] for s in listed] == [step.id]
    assert client.post(url, data={"action": "fermer"}).status_code == 302
    db.session.refresh(step)
    assert step.async_until is None and async_steps.async_steps(cycle_id) == []


def test_another_animateur_cannot_open(
    client: Any, closed: dict[str, Any], make_animateur: Any
) -> None:
    login(client, make_animateur())
    step = closed["steps"]["relire"]
    url = f"/animateur/cycles/{closed['atelier'].cycle_id}/entre-ateliers/{step.id}"
    r = client.post(url, data={"until": (date.today() + timedelta(days=2)).isoformat()})
    assert r.status_code == 403
