"""A cycle's team (issue 16): invitations by link with a role, observateurs who read
everything and change nothing, the last animateur who cannot be removed, the journal
saying which animateur did what."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from facilitator.core import cycles
from facilitator.extensions import db
from facilitator.models import CycleAnimateur, CycleInvitation
from facilitator.models._types import utcnow
from tests.test_atelier_planning import login


def invite(client: Any, cycle_id: int, role: str) -> str:
    r = client.post(f"/animateur/cycles/{cycle_id}/equipe/invitations", data={"role": role})
    assert r.status_code == 200
    return (
        re.search(r'id="new-link" type="text" readonly value="([^"]+)"', r.get_data(as_text=True))
        .group(1)
        .replace("http://localhost", "")
    )


@pytest.fixture
def crew(make_animateur: Any, make_atelier: Any, app: Any) -> dict[str, Any]:
    owner, co, observer = make_animateur(), make_animateur(), make_animateur()
    co.name, observer.name = "Dominique Co-animatrice", "Sacha Observateur"
    db.session.commit()
    atelier = make_atelier(owner)
    clients = {}
    for name, account in (("owner", owner), ("co", co), ("observer", observer)):
        clients[f"{name}_http"] = app.test_client()
        login(clients[f"{name}_http"], account)
    cycle_id = atelier.cycle_id
    for name, role in (("co", "co"), ("observer", "observateur")):
        link = invite(clients["owner_http"], cycle_id, role)
        assert "Rejoindre l'équipe" in clients[f"{name}_http"].get(link).get_data(as_text=True)
        assert clients[f"{name}_http"].post(link).status_code == 302
    return {"atelier": atelier, "owner": owner, "co": co, "observer": observer, **clients}


def test_invitations_give_their_role_once(
    crew: dict[str, Any], make_animateur: Any, app: Any
) -> None:
    cycle_id = crew["atelier"].cycle_id
    roles = {
        r.animateur_id: r.role
        for r in db.session.query(CycleAnimateur).filter_by(cycle_id=cycle_id)
    }
    assert roles == {
        crew["owner"].id: "owner",
        crew["co"].id: "co",
        crew["observer"].id: "observateur",
    }
    link = invite(crew["co_http"], cycle_id, "co")  # a co-animateur invites too
    late = app.test_client()
    login(late, make_animateur())
    assert late.post(link).status_code == 302
    again = app.test_client()
    login(again, make_animateur())
    assert again.post(link).status_code == 400  # used once
    expired = invite(crew["owner_http"], cycle_id, "observateur")
    db.session.query(CycleInvitation).filter(CycleInvitation.used_at.is_(None)).update(
        {"expires_at": utcnow() - timedelta(days=1)}
    )
    db.session.commit()
    assert "expiré" in again.get(expired).get_data(as_text=True)
    refused = crew["observer_http"].post(
        f"/animateur/cycles/{cycle_id}/equipe/invitations", data={"role": "co"}
    )
    assert refused.status_code == 403


def test_an_observateur_reads_and_changes_nothing(crew: dict[str, Any], connect: Any) -> None:
    observer, atelier = crew["observer_http"], crew["atelier"]
    cycle_id = atelier.cycle_id
    page = observer.get(f"/animateur/cycles/{cycle_id}").get_data(as_text=True)
    assert "lecture seule" in page
    for url in (
        f"/animateur/cycles/{cycle_id}/tableau-de-bord",
        f"/animateur/cycles/{cycle_id}/documents",
        f"/animateur/cycles/{cycle_id}/planning",
        f"/animateur/ateliers/{atelier.id}/journal",
    ):
        assert observer.get(url).status_code == 200, url
    console = observer.get(f"/animateur/ateliers/{atelier.id}")  # the board, read-only
    assert console.status_code == 200 and atelier.read_token not in console.get_data(as_text=True)
    before = len(atelier.cycle.structures)
    r = observer.post(
        f"/animateur/cycles/{cycle_id}/structures", data={"name": "X", "type": "association"}
    )
    assert r.status_code == 403 and "lecture seule" in r.get_data(as_text=True)
    r = observer.post(f"/animateur/ateliers/{atelier.id}/annuler")
    assert r.status_code == 403
    db.session.expire_all()
    assert len(atelier.cycle.structures) == before and not atelier.cancelled
    assert not connect("animateur", atelier, crew["observer"]).connected
    assert not cycles.can_run(crew["observer"].id, cycle_id)


def test_the_last_animateur_stays(crew: dict[str, Any]) -> None:
    cycle_id = crew["atelier"].cycle_id
    owner = crew["owner"]
    url = f"/animateur/cycles/{cycle_id}/equipe/{{}}/retirer"
    assert crew["owner_http"].post(url.format(crew["observer"].id)).status_code == 302
    # a co-animateur cannot push the owner out (the owner alone may delete the cycle)
    assert crew["co_http"].post(url.format(owner.id)).status_code == 403
    assert crew["owner_http"].post(url.format(owner.id)).status_code == 302  # leaves: co takes over
    r = crew["co_http"].post(url.format(crew["co"].id))
    assert r.status_code == 400 and "dernier animateur" in r.get_data(as_text=True)
    roles = {
        r.animateur_id: r.role
        for r in db.session.query(CycleAnimateur).filter_by(cycle_id=cycle_id)
    }
    assert roles == {crew["co"].id: "owner"}


def test_the_journal_says_who_did_what(crew: dict[str, Any], connect: Any) -> None:
    atelier = crew["atelier"]
    first = connect("animateur", atelier, crew["owner"])
    second = connect("animateur", atelier, crew["co"])
    assert first.call("atelier_start", {})["ok"]
    step = atelier.steps[1].id
    second.received()
    assert first.call("step_goto", {"step_id": step})["ok"]
    seen = [e["type"] for e in second.events()]  # the other animateur sees it live
    assert "step.changed" in seen or "atelier.updated" in seen
    assert second.call("timer", {"action": "start", "seconds": 60})["ok"]
    page = (
        crew["observer_http"]
        .get(f"/animateur/ateliers/{atelier.id}/journal")
        .get_data(as_text=True)
    )
    rows = re.findall(r'<th scope="row">([^<]+)</th><td data-label="Par">([^<]+)</td>', page)
    assert rows[0] == ("Minuteur", crew["co"].name)
    assert ("Atelier démarré, clos ou déroulé modifié", crew["owner"].name) in rows


def test_an_observateur_invited_by_e_mail_becomes_co_animateur(crew: dict[str, Any]) -> None:
    """The observateur already has a row in the team: the e-mail invitation changes its
    role (it once inserted a second row: a 500)."""
    cycle_id, observer = crew["atelier"].cycle_id, crew["observer"]
    url = f"/animateur/cycles/{cycle_id}/co-animateurs"
    r = crew["owner_http"].post(url, data={"email": observer.email})
    assert r.status_code == 302
    roles = [
        r.role
        for r in db.session.query(CycleAnimateur).filter_by(
            cycle_id=cycle_id, animateur_id=observer.id
        )
    ]
    assert roles == ["co"]
    crew["owner_http"].post(url, data={"email": observer.email})  # again: refused
    assert (
        db.session.query(CycleAnimateur)
        .filter_by(cycle_id=cycle_id, animateur_id=observer.id)
        .count()
        == 1
    )


def test_animateurs_see_who_did_it_live_participants_never(
    crew: dict[str, Any], connect: Any, make_participant: Any
) -> None:
    atelier = crew["atelier"]
    owner, co = crew["owner"], crew["co"]
    first = connect("animateur", atelier, owner)
    second = connect("animateur", atelier, co)
    alice = connect("participant", atelier, make_participant(atelier, "Alice"))
    assert first.call("atelier_start", {})["ok"]
    step = atelier.steps[0].id
    for sock in (first, second, alice):
        sock.received()
    assert first.call("step_flags", {"step_id": step, "locked": True})["ok"]
    seen = second.events()
    assert seen and all(e["by"] == {"id": owner.id, "name": owner.name} for e in seen)
    assert second.call("timer", {"action": "start", "seconds": 60})["ok"]
    assert [e["by"]["name"] for e in first.events()] == [owner.name, co.name]
    public = alice.events()
    assert {e["type"] for e in public} == {"step.updated", "timer.updated"}
    assert all("by" not in e for e in public)
    # replayed on reconnect, with the same names
    late = connect("animateur", atelier, co, last_seq=1)
    replay = next(m["args"][0] for m in late.received() if m["name"] == "sync")
    assert replay["mode"] == "replay"
    by = {e["type"]: e.get("by", {}).get("name") for e in replay["events"]}
    assert by["step.updated"] == owner.name and by["timer.updated"] == co.name
    late_public = connect("participant", atelier, make_participant(atelier, "Bob"), last_seq=1)
    replay = next(m["args"][0] for m in late_public.received() if m["name"] == "sync")
    assert replay["events"] and all("by" not in e for e in replay["events"])
