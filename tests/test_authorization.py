"""Authorisation matrix: every socket event and every route × every role."""

from __future__ import annotations

from typing import Any

import pytest
from flask import current_app

from facilitator.core import events
from facilitator.extensions import db, socketio
from facilitator.models import CycleAnimateur
from tests.conftest import Sock

ROLES = [
    "anonymous",
    "participant_other_atelier",
    "participant",
    "other_participant",
    "viewer",
    "co_animateur_other_cycle",
    "co_animateur",
    "animateur",
]

#: event → roles allowed (the others are refused or cannot even connect)
ALLOWED = {
    "sync": {"participant", "other_participant", "viewer", "co_animateur", "animateur"},
    "card_add": {"participant", "other_participant", "co_animateur", "animateur"},
    "card_edit": {"participant", "co_animateur", "animateur"},
    "card_delete": {"participant", "co_animateur", "animateur"},
    "card_mask": {"co_animateur", "animateur"},
    "card_mark": {"co_animateur", "animateur"},
    "card_accept": {"co_animateur", "animateur"},
    "card_reject": {"co_animateur", "animateur"},
    "card_accept_all": {"co_animateur", "animateur"},
    "card_cluster": {"co_animateur", "animateur"},
    "vote": {"participant", "other_participant"},
    "step_goto": {"co_animateur", "animateur"},
    "step_flags": {"co_animateur", "animateur"},
    "timer": {"co_animateur", "animateur"},
    "atelier_start": {"co_animateur", "animateur"},
    "atelier_close": {"co_animateur", "animateur"},
    "attendance_remote": {"participant", "other_participant"},
    # sub-groups (issue 18; « member of another group »: tests/test_groups_audience.py)
    "groups_configure": {"co_animateur", "animateur"},
    "groups_form": {"co_animateur", "animateur"},
    "groups_move": {"co_animateur", "animateur"},
    "groups_choose": {"participant", "other_participant"},
    "groups_rename": {"co_animateur", "animateur"},
    "groups_close": {"co_animateur", "animateur"},
    "groups_show": {"co_animateur", "animateur"},
    "groups_merge": {"co_animateur", "animateur"},
    "groups_message": {"co_animateur", "animateur"},
}


@pytest.fixture
def accounts(make_animateur: Any, make_atelier: Any) -> dict[str, Any]:
    """The animateur, a co-animateur of the cycle, and the animateur of another cycle."""
    owner = make_animateur()
    atelier = make_atelier(owner)
    co = make_animateur()
    db.session.add(CycleAnimateur(cycle_id=atelier.cycle_id, animateur_id=co.id, role="co"))
    db.session.commit()
    other_owner = make_animateur()
    other_atelier = make_atelier(other_owner)
    return {
        "owner": owner,
        "co": co,
        "other_owner": other_owner,
        "atelier": atelier,
        "other_atelier": other_atelier,
    }


@pytest.fixture
def world(accounts: dict[str, Any], make_participant: Any, connect: Any) -> Any:
    owner, co, other_owner = accounts["owner"], accounts["co"], accounts["other_owner"]
    atelier, other_atelier = accounts["atelier"], accounts["other_atelier"]
    author = make_participant(atelier, "Autrice")
    other = make_participant(atelier, "Autre")
    outsider = make_participant(other_atelier, "Ailleurs")
    anim = connect("animateur", atelier, owner)
    anim.call("atelier_start", {})
    vote_step = next(s for s in atelier.steps if s.key == "vote")
    anim.call("step_goto", {"step_id": vote_step.id})
    author_sock = connect("participant", atelier, author)
    card = author_sock.call(
        "card_add",
        {"step_id": vote_step.id, "client_id": "matrix-card", "text": "Carte", "column": "a"},
    )["card"]
    return {
        "atelier": atelier,
        "other_atelier": other_atelier,
        "owner": owner,
        "co": co,
        "other_owner": other_owner,
        "author": author,
        "other": other,
        "outsider": outsider,
        "card": card,
        "step_id": vote_step.id,
    }


def open_as(role: str, w: Any, connect: Any) -> Sock | None:
    """The role's connection to the atelier under test, or to its own atelier when it
    has no right to this one (its token for this atelier is refused: checked here)."""
    atelier = w["atelier"]
    if role == "anonymous":
        sock = connect("viewer", atelier)
        sock.client.disconnect()
        client = socketio.test_client(current_app, auth={})
        assert not client.is_connected()
        return None
    if role == "participant_other_atelier":
        assert not connect("participant", atelier, w["outsider"]).connected
        return connect("participant", w["other_atelier"], w["outsider"])
    if role == "co_animateur_other_cycle":
        assert not connect("animateur", atelier, w["other_owner"]).connected
        return connect("animateur", w["other_atelier"], w["other_owner"])
    if role == "participant":
        return connect("participant", atelier, w["author"])
    if role == "other_participant":
        return connect("participant", atelier, w["other"])
    if role == "viewer":
        return connect("viewer", atelier)
    if role == "co_animateur":
        return connect("animateur", atelier, w["co"])
    return connect("animateur", atelier, w["owner"])


def payload(event: str, w: Any) -> dict[str, Any]:
    card_id, step_id = w["card"]["id"], w["step_id"]
    return {
        "sync": {"last_seq": 0},
        "card_add": {"step_id": step_id, "client_id": "matrix-new", "text": "x", "column": "a"},
        "card_edit": {"card_id": card_id, "version": 1, "text": "modifiée"},
        "card_delete": {"card_id": card_id},
        "card_mask": {"card_id": card_id, "masked": True},
        "card_mark": {"card_id": card_id, "mark": "decision", "on": True},
        "card_accept": {"card_id": card_id},
        "card_reject": {"card_id": card_id, "reason": "hors sujet"},
        "card_accept_all": {"step_id": step_id},
        "card_cluster": {"card_ids": [card_id], "cluster": "Groupe"},
        "vote": {"card_id": card_id, "delta": 1},
        "step_goto": {"step_id": step_id},
        "step_flags": {"step_id": step_id, "locked": False},
        "timer": {"action": "start", "seconds": 60},
        "atelier_start": {},
        "atelier_close": {},
        "attendance_remote": {"remote": True},
        "groups_configure": {"step_id": step_id, "plan": {"formation": "mixte", "count": 2}},
        "groups_form": {"step_id": step_id},
        "groups_move": {"step_id": step_id, "participant_id": 1, "group_id": 1},
        "groups_choose": {"step_id": step_id, "group_id": 1},
        "groups_rename": {"step_id": step_id, "group_id": 1, "name": "Table 1"},
        "groups_close": {"step_id": step_id},
        "groups_show": {"step_id": step_id},
        "groups_merge": {"step_id": step_id},
        "groups_message": {"step_id": step_id, "text": "Encore cinq minutes"},
    }[event]


OUTSIDERS = {"participant_other_atelier", "co_animateur_other_cycle"}
#: events whose allowed callers get past authorisation to a domain refusal in this world
PAST_AUTHORISATION = {
    "card_accept": "no_moderation",
    "card_reject": "no_moderation",
    "card_accept_all": "no_moderation",
    "attendance_remote": "not_hybrid",  # the atelier of this world is présentiel
    # the world's step has a card and runs in plenary
    "groups_configure": "step_started",
    "groups_form": "no_groups",
    "groups_move": "no_groups",
    "groups_choose": "no_choice",
    "groups_rename": "no_groups",
    "groups_close": "no_groups",
    "groups_show": "no_groups",
    "groups_merge": "no_groups",
    "groups_message": "no_groups",
}


#: registered events authorised elsewhere: each activity action declares its roles
#: (ActionSpec.roles) and is tested with its activity
ELSEWHERE = {"connect", "disconnect", "*", "step_action"}


def test_every_socket_event_is_in_the_matrix(app: Any) -> None:
    registered = set(socketio.server.handlers["/"])
    assert registered - ELSEWHERE == set(ALLOWED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("event", sorted(ALLOWED))
def test_socket_matrix(event: str, role: str, world: Any, connect: Any) -> None:
    sock = open_as(role, world, connect)
    if sock is None:
        assert role not in ALLOWED[event]
        return
    assert sock.connected
    seq_before = events.current_seq(world["atelier"].id)
    ack = sock.call(event, payload(event, world))
    if role in OUTSIDERS:
        # connected to their own atelier: whatever they do never reaches this one
        assert events.current_seq(world["atelier"].id) == seq_before
        if ack["ok"]:
            assert event in {"sync", "timer", "atelier_start", "atelier_close"}, (event, ack)
        else:  # or, attendance_remote: their own (présentiel) atelier's refusal
            own = {"not_hybrid"} if event == "attendance_remote" else set()
            assert ack["error"]["code"] in {"forbidden", "not_found", *own}, (event, role, ack)
        return
    if role in ALLOWED[event] and event in PAST_AUTHORISATION:
        # authorised; the step of this world has no moderation: the service says so
        assert ack["error"]["code"] == PAST_AUTHORISATION[event], (event, role, ack)
    elif role in ALLOWED[event]:
        assert ack["ok"] is True, (event, role, ack)
    else:
        assert ack["ok"] is False, (event, role, ack)
        assert ack["error"]["code"] in {"forbidden", "not_found"}, (event, role, ack)
        assert ack["error"]["message_fr"]


ROUTES = [
    # (method, url template, roles allowed: 200/302 ok; others redirected to login / 403 / 404)
    ("GET", "/animateur/ateliers/{atelier}", {"co_animateur", "animateur"}),
    ("GET", "/animateur/ateliers/{atelier}/projection", {"co_animateur", "animateur"}),
    ("POST", "/animateur/ateliers/{atelier}/liens", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/structures", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/ateliers", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/co-animateurs", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/export.json", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/conservation", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/tableau-de-bord", {"co_animateur", "animateur"}),
    ("GET", "/animateur/ateliers/{atelier}/presences", {"co_animateur", "animateur"}),
    ("POST", "/animateur/ateliers/{atelier}/presences", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/copier", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/modele", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/questions", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/cartographie", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/documents", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/feuille-de-route", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/entre-ateliers", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/repertoire", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/repertoire.csv", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/restitution", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/restitution/apercu", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/restitution", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/evaluation", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/evaluation/indicateurs", {"co_animateur", "animateur"}),
    # issue 16: planning, déroulé, people, team
    ("GET", "/animateur/cycles/{cycle}/planning", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/calendrier.ics", {"co_animateur", "animateur"}),
    ("GET", "/animateur/ateliers/{atelier}/modifier", {"co_animateur", "animateur"}),
    ("POST", "/animateur/ateliers/{atelier}/modifier", {"co_animateur", "animateur"}),
    ("POST", "/animateur/ateliers/{atelier}/annuler", {"co_animateur", "animateur"}),
    ("POST", "/animateur/ateliers/{atelier}/deplacer", {"co_animateur", "animateur"}),
    ("GET", "/animateur/ateliers/{atelier}/deroule", {"co_animateur", "animateur"}),
    ("GET", "/animateur/ateliers/{atelier}/journal", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/participants", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/participants/fusionner", {"co_animateur", "animateur"}),
    ("GET", "/animateur/cycles/{cycle}/equipe", {"co_animateur", "animateur"}),
    ("POST", "/animateur/cycles/{cycle}/equipe/invitations", {"co_animateur", "animateur"}),
]


def http_as(role: str, w: Any, app: Any) -> Any:
    client = app.test_client()
    account = {
        "animateur": w["owner"],
        "co_animateur": w["co"],
        "co_animateur_other_cycle": w["other_owner"],
    }.get(role)
    if account is not None:
        r = client.post(
            "/connexion", data={"email": account.email, "password": "mot-de-passe-solide"}
        )
        assert r.status_code == 302
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed"), ROUTES)
def test_route_matrix(
    method: str, url: str, allowed: set[str], role: str, accounts: Any, app: Any
) -> None:
    client = http_as(role, accounts, app)
    target = url.format(atelier=accounts["atelier"].id, cycle=accounts["atelier"].cycle_id)
    data = {"name": "Nouvelle structure", "type": "association", "script_id": "test-board"}
    r = client.open(target, method=method, data=data if method == "POST" else None)
    if role in allowed:
        assert r.status_code in (200, 302, 400), (role, target, r.status_code)
        if r.status_code == 302:
            assert "/connexion" not in r.headers["Location"]
    elif role in {"co_animateur_other_cycle"}:
        assert r.status_code == 403
    else:
        assert r.status_code == 302 and "/connexion" in r.headers["Location"]


def test_participant_board_needs_its_own_cookie(world: Any, app: Any) -> None:
    client = app.test_client()
    link = world["atelier"].link_token
    assert client.get(f"/atelier/{link}").status_code == 302
    # a cookie of another cycle's participant does not open this board
    other = app.test_client()
    other.set_cookie(f"fac_p{world['other_atelier'].cycle_id}", "whatever")
    assert other.get(f"/atelier/{link}").status_code == 302
    assert client.get("/lecture/not-a-token").status_code == 404
    assert client.get(f"/lecture/{world['atelier'].read_token}").status_code == 200
