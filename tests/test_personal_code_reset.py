"""A personal code that can be reset (issue 16): the code is random and stored, shown on
the person's cycle page; « Réinitialiser mon code » (the person) or « Réinitialiser »
(the animateur, people page) gives a new one and revokes the person's other devices:
their cookies name nobody, their socket tokens are refused, their open connections are
closed with a French message. The migration keeps the code people were already shown."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from facilitator import create_app, db_migrate
from facilitator.core import identity
from facilitator.extensions import db
from facilitator.models import Participant, ParticipantKey
from tests.conftest import Sock, socket_token
from tests.test_atelier_planning import login


def join(client: Any, atelier: Any, name: str, **extra: str) -> Any:
    data = {"display_name": name, "structure_id": str(atelier.cycle.structures[0].id), **extra}
    return client.post(f"/rejoindre/{atelier.link_token}", data=data)


def code_on_page(client: Any, cycle_id: int) -> str:
    page = client.get(f"/cycle/{cycle_id}").get_data(as_text=True)
    return re.search(r'id="personal-code">([A-Z0-9-]+)<', page).group(1)


def two_devices(make_atelier: Any, app: Flask, animateur: Any = None) -> dict[str, Any]:
    """Dominique on a laptop, then on a phone proved with their code."""
    atelier = make_atelier(animateur)
    laptop, phone = app.test_client(), app.test_client()
    assert join(laptop, atelier, "Dominique").status_code == 302
    code = code_on_page(laptop, atelier.cycle_id)
    assert join(phone, atelier, "Dominique", personal_code=code).status_code == 302
    me = db.session.query(Participant).one()
    return {"atelier": atelier, "laptop": laptop, "phone": phone, "code": code, "me": me}


def test_the_code_is_stored_and_shown(make_atelier: Any, app: Flask) -> None:
    atelier = make_atelier()
    laptop = app.test_client()
    join(laptop, atelier, "Dominique")
    me = db.session.query(Participant).one()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", me.personal_code)
    assert identity.personal_code(me) == me.personal_code == code_on_page(laptop, me.cycle_id)


def test_the_person_resets_their_code(make_atelier: Any, app: Flask) -> None:
    d = two_devices(make_atelier, app)
    cycle_id = d["atelier"].cycle_id
    r = d["laptop"].post(f"/cycle/{cycle_id}/code", follow_redirects=True)
    assert r.status_code == 200
    db.session.expire_all()
    new = db.session.get(Participant, d["me"].id).personal_code
    assert new != d["code"] and f"Votre nouveau code personnel : {new}" in r.get_data(as_text=True)
    assert code_on_page(d["laptop"], cycle_id) == new  # this device keeps access
    assert db.session.query(ParticipantKey).count() == 0
    # the phone is nobody now: the cycle page refuses it, the board sends it to the join page
    assert d["phone"].get(f"/cycle/{cycle_id}").status_code == 403
    board = d["phone"].get(f"/atelier/{d['atelier'].link_token}")
    assert board.status_code == 302 and "/rejoindre/" in board.headers["Location"]
    told = d["phone"].get(board.headers["Location"]).get_data(as_text=True)
    assert "Cet appareil n'a plus accès au cycle en votre nom" in told
    # the old code proves nothing any more, the new one does
    other = app.test_client()
    old = join(other, d["atelier"], "Dominique", personal_code=d["code"])
    assert old.status_code == 400 and "ne correspond pas" in old.get_data(as_text=True)
    assert join(other, d["atelier"], "Dominique", personal_code=new).status_code == 302
    assert db.session.query(Participant).count() == 1


def test_open_connections_of_other_devices_are_closed(
    live_atelier: dict[str, Any], app: Flask, connect: Any
) -> None:
    atelier, alice, a = live_atelier["atelier"], live_atelier["alice"], live_atelier["a"]
    old_token = socket_token("participant", atelier, alice)
    code, _token = identity.reset_code(alice)
    assert not a.connected  # closed by the server
    # what it received before being closed (the test client's queue)
    told = [p["args"][0] for p in a.client.queue if p["name"] == "event"]
    told = [e for e in told if e["type"] == "participant.revoked"]
    assert told and "réinitialisé" in told[0]["data"]["message_fr"]
    anim = [e for e in live_atelier["anim"].events() if e["type"] == "participant.revoked"]
    assert anim and anim[0]["data"] == {"participant_id": alice.id}
    assert live_atelier["b"].connected  # nobody else
    assert not [e for e in live_atelier["b"].events() if e["type"] == "participant.revoked"]
    again = Sock(app, old_token)  # the socket token of a device that lost access
    assert not again.connected


def test_the_animateur_resets_a_code_from_the_people_page(
    make_atelier: Any, make_animateur: Any, app: Flask, client: Any
) -> None:
    animateur = make_animateur()
    d = two_devices(make_atelier, app, animateur)
    cycle_id, me = d["atelier"].cycle_id, d["me"]
    login(client, animateur)
    page = client.get(f"/animateur/cycles/{cycle_id}/participants").get_data(as_text=True)
    assert f"/animateur/cycles/{cycle_id}/participants/{me.id}/code" in page
    r = client.post(f"/animateur/cycles/{cycle_id}/participants/{me.id}/code")
    assert r.status_code == 302
    db.session.expire_all()
    new = db.session.get(Participant, me.id).personal_code
    assert new != d["code"]
    shown = client.get(f"/animateur/cycles/{cycle_id}/participants").get_data(as_text=True)
    assert f"Nouveau code personnel de « Dominique » : {new}" in shown
    for device in (d["laptop"], d["phone"]):  # every device of theirs
        assert device.get(f"/cycle/{cycle_id}").status_code == 403
    missing = client.post(f"/animateur/cycles/{cycle_id}/participants/99999/code")
    assert missing.status_code == 404 and "introuvable" in missing.get_data(as_text=True)


def test_a_stranger_cannot_reset_anything(make_atelier: Any, app: Flask) -> None:
    d = two_devices(make_atelier, app)
    stranger = app.test_client()
    r = stranger.post(f"/cycle/{d['atelier'].cycle_id}/code")
    assert r.status_code == 403
    other = stranger.post(f"/animateur/cycles/{d['atelier'].cycle_id}/participants/1/code")
    assert other.status_code in (302, 401, 403)
    db.session.expire_all()
    assert db.session.get(Participant, d["me"].id).personal_code == d["code"]


def test_the_migration_keeps_the_code_people_were_shown(tmp_path: Any) -> None:
    """Participants existing before revision 0014 keep the code derived from the secret
    key (noted, or sent by e-mail) until they reset it."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k" * 32})
    with app.app_context():
        db_migrate.upgrade("0012")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO cycle (id, title, theme, territoire, created_at) "
                    "VALUES (4, 'Cycle', '', '', '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO participant (id, cycle_id, token_hash, display_name, "
                    "created_at) VALUES (9, 4, 'h', 'Dominique', '2026-01-01 00:00:00')"
                )
            )
        db_migrate.upgrade()
        stored = db.session.get(Participant, 9).personal_code
    digest = hmac.new(b"k" * 32, b"facilitator.personal-code:4:9", hashlib.sha256).digest()
    chars = [identity.ALPHABET[b % len(identity.ALPHABET)] for b in digest[:8]]
    assert stored == "".join(chars[:4]) + "-" + "".join(chars[4:])


def test_a_board_open_before_the_start_hears_it_too(
    make_atelier: Any, make_participant: Any, connect: Any
) -> None:
    """People wait on the board of a préparé atelier: the event is recorded there too, so
    that every process closes its connections (a closed atelier gets nothing)."""
    atelier = make_atelier()
    dominique = make_participant(atelier)
    waiting = connect("participant", atelier, dominique)
    identity.reset_code(dominique)
    assert not waiting.connected
    told = [p["args"][0] for p in waiting.client.queue if p["name"] == "event"]
    assert [e["type"] for e in told] == ["participant.revoked"]
