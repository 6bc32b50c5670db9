"""Between ateliers: dashboard, attendance corrections, copying a cycle."""

from __future__ import annotations

import html
from typing import Any

from facilitator.extensions import db
from facilitator.models import Atelier, Attendance, Cycle, Participant


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


def test_attendance_corrections_feed_the_dashboard(
    client: Any, make_animateur: Any, make_atelier: Any, make_participant: Any
) -> None:
    owner = make_animateur()
    atelier = make_atelier(owner)
    alice = make_participant(atelier, "Alice")
    bob = make_participant(atelier, "Bob")
    atelier.start()
    db.session.commit()
    login(client, owner)
    page = text(client.get(f"/animateur/ateliers/{atelier.id}/presences"))
    assert "Alice" in page and "Bob" in page
    r = client.post(
        f"/animateur/ateliers/{atelier.id}/presences",
        data={f"p{alice.id}": "present", f"p{bob.id}": "excuse"},
    )
    assert r.status_code == 302
    status = dict(
        db.session.query(Attendance.participant_id, Attendance.status).filter_by(
            atelier_id=atelier.id
        )
    )
    assert status == {alice.id: "present", bob.id: "excuse"}
    bad = client.post(f"/animateur/ateliers/{atelier.id}/presences", data={"p999": "present"})
    assert bad.status_code == 400 and "Participant inconnu" in text(bad)
    board = text(client.get(f"/animateur/cycles/{atelier.cycle_id}/tableau-de-bord"))
    assert "Participants présents par atelier" in board
    assert "<svg" in board and "<script" not in board
    assert "Jamais représentés" in board and "CAF" in board
    assert "État des productions" in board
    assert "Charte\u202f: pas encore commencée." in board  # French typography


def test_copy_a_cycle_as_a_template(client: Any, make_animateur: Any, make_atelier: Any) -> None:
    owner = make_animateur()
    atelier = make_atelier(owner)
    make_participant_count = db.session.query(Participant).count()
    login(client, owner)
    r = client.post(
        f"/animateur/cycles/{atelier.cycle_id}/copier",
        data={"title": "Décrochage — Nord", "territoire": "Quartier Nord"},
    )
    assert r.status_code == 302
    new = db.session.query(Cycle).filter_by(title="Décrochage — Nord").one()
    assert new.territoire == "Quartier Nord"
    [copy] = db.session.query(Atelier).filter_by(cycle_id=new.id).all()
    assert [s.key for s in copy.steps] == [s.key for s in atelier.steps]
    assert copy.script_snapshot == atelier.script_snapshot
    assert copy.join_code != atelier.join_code and copy.state == "prepare"
    assert new.structures == [] and db.session.query(Participant).count() == make_participant_count
