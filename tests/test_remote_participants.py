"""Remote participants (issue 18, item 4): in a hybride atelier a participant says on joining
whether they are in the room or « à distance », and can change it from their board; in a
distanciel atelier everyone is remote, in a présentiel one nobody. The flag is stored with
the attendance, shown in the console's presence (« dont N à distance ») and in the
attendance documents; remote participants see the visio link on their board."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from facilitator.core import attendance
from facilitator.extensions import db
from facilitator.models import Atelier, Attendance, Participant
from facilitator.realtime.presence_feed import presence_payload
from tests.test_atelier_planning import form as planning_form
from tests.test_atelier_planning import login

VISIO = "https://visio.example.org/atelier-7"


def set_mode(atelier: Atelier, mode: str) -> Atelier:
    atelier.mode, atelier.visio_url = mode, VISIO
    db.session.commit()
    return atelier


def join(client: Any, atelier: Atelier, name: str, **extra: str) -> Any:
    data = {"display_name": name, "structure_id": str(atelier.cycle.structures[0].id), **extra}
    return client.post(f"/rejoindre/{atelier.link_token}", data=data)


def remote_of(name: str) -> bool:
    row = db.session.scalars(
        db.select(Attendance.remote)
        .join(Participant, Participant.id == Attendance.participant_id)
        .where(Participant.display_name == name)
    ).one()
    return bool(row)


@pytest.mark.parametrize(
    ("mode", "said", "remote"),
    [
        ("hybride", "distance", True),
        ("hybride", "salle", False),
        ("hybride", None, False),  # the form's default: in the room
        ("distanciel", "salle", True),  # everyone is remote
        ("presentiel", "distance", False),  # nobody is
    ],
)
def test_joining_says_where_one_takes_part(
    make_atelier: Any, app: Any, mode: str, said: str | None, remote: bool
) -> None:
    atelier = set_mode(make_atelier(), mode)
    extra = {"participation": said} if said else {}
    assert join(app.test_client(), atelier, "Camille", **extra).status_code == 302
    db.session.expire_all()
    assert remote_of("Camille") is remote


def test_the_join_form_asks_only_in_a_hybride_atelier(make_atelier: Any, app: Any) -> None:
    atelier = make_atelier()
    page = app.test_client().get(f"/rejoindre/{atelier.link_token}").get_data(as_text=True)
    assert "Où participez-vous" not in page
    set_mode(atelier, "hybride")
    page = app.test_client().get(f"/rejoindre/{atelier.link_token}").get_data(as_text=True)
    assert "Où participez-vous" in page and 'value="distance"' in page


def test_a_bad_answer_is_a_french_refusal_nothing_created(make_atelier: Any, app: Any) -> None:
    atelier = set_mode(make_atelier(), "hybride")
    r = join(app.test_client(), atelier, "Camille", participation="plafond")
    assert r.status_code == 400
    assert "dans la salle ou à distance" in r.get_data(as_text=True)
    assert db.session.query(Participant).count() == 0


def test_a_returning_device_says_it_again_on_continue(make_atelier: Any, app: Any) -> None:
    atelier = set_mode(make_atelier(), "hybride")
    phone = app.test_client()
    assert join(phone, atelier, "Camille").status_code == 302
    r = phone.post(
        f"/rejoindre/{atelier.link_token}", data={"continuer": "1", "participation": "distance"}
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert remote_of("Camille") is True
    again = phone.get(f"/rejoindre/{atelier.link_token}").get_data(as_text=True)
    assert 'id="continue-distance" name="participation" type="radio" value="distance" checked' in (
        again
    )  # what they said last time


def test_the_board_shows_the_visio_link_to_remote_participants(make_atelier: Any, app: Any) -> None:
    atelier = set_mode(make_atelier(), "hybride")
    there, away = app.test_client(), app.test_client()
    join(there, atelier, "Dans la salle")
    join(away, atelier, "Au loin", participation="distance")
    board = f"/atelier/{atelier.link_token}"
    remote_page = away.get(board).get_data(as_text=True)
    assert "Vous participez à distance." in remote_page
    assert f'<p id="remote-visio" ><a class="btn" href="{VISIO}"' in remote_page
    room_page = there.get(board).get_data(as_text=True)
    assert "Vous participez dans la salle." in room_page
    assert '<p id="remote-visio" hidden>' in room_page  # shown once they switch
    assert "Je participe à distance" in room_page
    set_mode(atelier, "presentiel")
    assert "remote-panel" not in there.get(board).get_data(as_text=True)


def test_a_participant_switches_from_their_board(live_atelier: dict[str, Any]) -> None:
    atelier, alice, a = live_atelier["atelier"], live_atelier["alice"], live_atelier["a"]
    set_mode(atelier, "hybride")
    ack = a.call("attendance_remote", {"remote": True})
    assert ack["ok"] and ack["remote"] is True and ack["seq"] > 0
    told = [e for e in live_atelier["anim"].events() if e["type"] == "participant.remote"]
    assert told == [
        {"seq": ack["seq"], "type": "participant.remote",
         "data": {"participant_id": alice.id, "remote": True}}
    ]  # fmt: skip
    mine = [e for e in a.events() if e["type"] == "participant.remote"]
    assert [e["data"] for e in mine] == [{"remote": True}]  # the person's other devices
    assert not [e for e in live_atelier["b"].events() if e["type"] == "participant.remote"]
    db.session.expire_all()
    assert attendance.remote_participants(atelier.id) == {alice.id}
    assert attendance.is_remote(alice.id, atelier.id)
    back = a.call("attendance_remote", {"remote": False})
    assert back["ok"] and back["remote"] is False
    db.session.expire_all()
    assert attendance.remote_participants(atelier.id) == set()


def test_switching_says_where_not_whether_one_was_there(live_atelier: dict[str, Any]) -> None:
    """The animateur's attendance sheet decides who was present: a switch changes « à
    distance » only, never an « excusé » the animateur wrote."""
    atelier, alice, a = live_atelier["atelier"], live_atelier["alice"], live_atelier["a"]
    set_mode(atelier, "hybride")
    row = db.session.scalar(
        select(Attendance).where(
            Attendance.participant_id == alice.id, Attendance.atelier_id == atelier.id
        )
    )
    assert row is not None
    row.status = "excuse"
    db.session.commit()
    assert a.call("attendance_remote", {"remote": True})["ok"]
    db.session.expire_all()
    assert db.session.get(Attendance, row.id).status == "excuse"


@pytest.mark.parametrize(
    ("who", "mode", "payload", "code"),
    [
        ("a", "presentiel", {"remote": True}, "not_hybrid"),
        ("a", "distanciel", {"remote": False}, "not_hybrid"),
        ("anim", "hybride", {"remote": True}, "forbidden"),
        ("a", "hybride", {"remote": "oui"}, "invalid"),
        ("a", "hybride", {"remote": True, "participant_id": 1}, "invalid"),
        ("a", "hybride", {}, "invalid"),
    ],
)
def test_bad_switches_are_french_refusals(
    live_atelier: dict[str, Any], who: str, mode: str, payload: dict[str, Any], code: str
) -> None:
    set_mode(live_atelier["atelier"], mode)
    ack = live_atelier[who].call("attendance_remote", payload)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert ack["error"]["message_fr"]
    db.session.expire_all()  # nothing changed (they joined while it was présentiel)
    assert attendance.remote_participants(live_atelier["atelier"].id) == set()


def test_presence_says_who_is_remote(live_atelier: dict[str, Any]) -> None:
    atelier = set_mode(live_atelier["atelier"], "hybride")
    assert live_atelier["a"].call("attendance_remote", {"remote": True})["ok"]
    data = presence_payload(atelier.id)
    by_name = {p["name"]: p for p in data["participants"]}
    assert by_name["Alice"]["remote"] is True and by_name["Bob"]["remote"] is False
    assert data["online"] == 2 and data["remote_online"] == 1
    live_atelier["a"].disconnect()
    assert presence_payload(atelier.id)["remote_online"] == 0


def test_attendance_documents_count_the_remote(
    live_atelier: dict[str, Any], client: Any, make_participant: Any
) -> None:
    atelier = set_mode(live_atelier["atelier"], "hybride")
    make_participant(atelier, "Chloé")
    assert live_atelier["a"].call("attendance_remote", {"remote": True})["ok"]
    login(client, live_atelier["animateur"])
    cr = client.get(f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.md")
    assert cr.status_code == 200
    assert "3 participants dont 1 à distance" in cr.get_data(as_text=True)
    synthese = client.get(f"/animateur/cycles/{atelier.cycle_id}/documents/synthese.md")
    text = synthese.get_data(as_text=True)
    assert "| Atelier | Date | Présents | Dont à distance |" in text
    assert "| Atelier 1 — Atelier de test | à préciser | 3 | 1 |" in text


def test_changing_the_mode_moves_everyone(
    live_atelier: dict[str, Any], client: Any, make_participant: Any
) -> None:
    """Distanciel: everyone is remote; présentiel: nobody; hybride keeps each one's word."""
    atelier = set_mode(live_atelier["atelier"], "hybride")
    alice, bob = live_atelier["alice"], live_atelier["bob"]
    assert live_atelier["a"].call("attendance_remote", {"remote": True})["ok"]
    login(client, live_atelier["animateur"])
    url = f"/animateur/ateliers/{atelier.id}/modifier"
    for mode, expected in (
        ("distanciel", {alice.id, bob.id}),
        ("hybride", {alice.id, bob.id}),
        ("presentiel", set()),
    ):
        r = client.post(url, data={**planning_form(mode=mode), "date": ""})
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
        db.session.expire_all()
        assert attendance.remote_participants(atelier.id) == expected, mode


def test_the_attendance_sheet_corrects_who_was_remote(
    make_atelier: Any, make_animateur: Any, make_participant: Any, client: Any
) -> None:
    animateur = make_animateur()
    atelier = set_mode(make_atelier(animateur), "hybride")
    camille, lou = make_participant(atelier, "Camille"), make_participant(atelier, "Lou")
    login(client, animateur)
    url = f"/animateur/ateliers/{atelier.id}/presences"
    page = client.get(url).get_data(as_text=True)
    assert "Camille a participé à distance" in page
    # Camille followed by the visio; Lou ticked too but excused: not remote
    data = {f"p{camille.id}": "present", f"r{camille.id}": "1", f"p{lou.id}": "excuse",
            f"r{lou.id}": "1"}  # fmt: skip
    r = client.post(url, data=data, follow_redirects=True)
    assert "Présences enregistrées (2 modification(s))." in r.get_data(as_text=True)
    db.session.expire_all()
    assert attendance.remote_participants(atelier.id) == {camille.id}
    assert not attendance.is_remote(lou.id, atelier.id)
    set_mode(atelier, "presentiel")  # no column, nothing changes it
    assert "À distance" not in client.get(url).get_data(as_text=True)
