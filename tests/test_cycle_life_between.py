"""The participant's cycle page between ateliers: identification, « ce qui a changé depuis
votre dernière visite », the latest compte rendu, the open asynchronous steps."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import pytest

from facilitator.core import participants
from facilitator.core import questions as productions
from facilitator.cycle_life import async_steps, repertoire
from facilitator.documents import restitution, storage
from facilitator.extensions import db
from facilitator.models import Contribution
from facilitator.models.cycle_life import ParticipantVisit


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def member(client: Any, make_atelier: Any) -> dict[str, Any]:
    atelier = make_atelier()
    structure = atelier.cycle.structures[0]
    alice, token = participants.join(atelier, "Alice", structure_id=structure.id)
    client.set_cookie(f"fac_p{atelier.cycle_id}", token)
    return {"atelier": atelier, "alice": alice, "token": token, "cycle_id": atelier.cycle_id}


def _show(client: Any, cycle_id: int) -> str:
    """Open the cycle page as a browser does: the GET reads, then the page posts the visit
    (static/js/visit.js)."""
    page = client.get(f"/cycle/{cycle_id}")
    assert page.status_code == 200
    assert client.post(f"/cycle/{cycle_id}/visite").status_code == 204
    return text(page)


def _age_visit(participant_id: int, hours: int = 2) -> None:
    """Pretend the last visit was ``hours`` ago."""
    row = db.session.query(ParticipantVisit).filter_by(participant_id=participant_id).one()
    row.last_at = row.last_at - timedelta(hours=hours)
    if row.previous_at is not None:
        row.previous_at = row.previous_at - timedelta(hours=hours)
    db.session.commit()


def test_the_cycle_page_needs_the_participant_cookie(make_atelier: Any, app: Any) -> None:
    atelier = make_atelier()
    stranger = app.test_client()
    r = stranger.get(f"/cycle/{atelier.cycle_id}")
    assert r.status_code == 403 and "lien d'un atelier" in text(r)
    assert stranger.get("/cycle/999999").status_code == 404


def test_what_changed_since_the_last_visit(client: Any, member: dict[str, Any]) -> None:
    cycle_id, atelier = member["cycle_id"], member["atelier"]
    first = _show(client, cycle_id)
    assert "Bienvenue sur la page du cycle" in first
    # a reload is not a new visit
    assert "Bienvenue sur la page du cycle" in _show(client, cycle_id)
    _age_visit(member["alice"].id)
    quiet = _show(client, cycle_id)
    assert "Rien de nouveau depuis" in quiet
    _age_visit(member["alice"].id)
    # things happen between the two visits
    step = atelier.steps[0]
    db.session.add(
        Contribution(
            atelier_id=atelier.id,
            step_id=step.id,
            client_id="chg-0000001",
            participant_id=None,
            text="Une idée",
            column="a",
        )
    )
    db.session.commit()
    productions.create_question(cycle_id, "Comment éviter le décrochage ?")
    async_steps.open_async(atelier.steps[1], date.today() + timedelta(days=5))
    atelier.start()
    atelier.close()
    db.session.commit()
    db.session.add(
        Contribution(
            atelier_id=atelier.id,
            step_id=step.id,
            client_id="chg-0000002",
            participant_id=member["alice"].id,
            text="Ma propre idée",
            column="a",
        )
    )
    db.session.commit()
    page = _show(client, cycle_id)
    assert "1 nouvelle contribution." in page  # her own card is not news to her
    assert "1 question essentielle validée ou modifiée." in page
    assert f"L'atelier « {atelier.title} » s'est tenu" in page
    assert "De nouvelles étapes sont ouvertes" in page
    # productions and public pages
    structure = atelier.cycle.structures[0]
    repertoire.update_entry(
        structure, {"type": structure.type, "actions": "Soutien"}, by="structure"
    )
    restitution.publish(atelier.cycle, True)
    _age_visit(member["alice"].id, hours=0)  # same visit: the reference time is unchanged
    page = _show(client, cycle_id)
    assert "1 fiche du répertoire des acteurs mise à jour." in page
    assert "La restitution publique du cycle a été publiée" in page
    assert "Voir la restitution publique du cycle" in page
    # the open step is listed with its deadline and a link to its board
    deadline = (date.today() + timedelta(days=5)).strftime("%d/%m/%Y")
    assert "Vote" in page and deadline in page
    assert f"/cycle/{cycle_id}/etapes/{atelier.steps[1].id}" in page


def test_latest_compte_rendu_is_readable_by_participants(
    client: Any, member: dict[str, Any], app: Any
) -> None:
    cycle_id, atelier = member["cycle_id"], member["atelier"]
    url = f"/cycle/{cycle_id}/compte-rendu/{atelier.id}.html"
    assert client.get(url).status_code == 404  # not closed yet
    atelier.start()
    atelier.close()
    db.session.commit()
    storage.store_compte_rendu(atelier.id)
    page = _show(client, cycle_id)
    assert "Dernier compte rendu" in page and "Lire le compte rendu" in page
    r = client.get(url)
    assert r.status_code == 200 and "Compte rendu" in text(r)
    assert client.get(f"/cycle/{cycle_id}/compte-rendu/{atelier.id}.docx").status_code == 200
    assert app.test_client().get(url).status_code == 403  # not a participant


def test_async_board_page_and_personal_link(client: Any, member: dict[str, Any], app: Any) -> None:
    cycle_id, atelier = member["cycle_id"], member["atelier"]
    step = atelier.steps[1]
    assert client.get(f"/cycle/{cycle_id}/etapes/{step.id}").status_code == 404
    async_steps.open_async(step, date.today() + timedelta(days=2))
    r = client.get(f"/cycle/{cycle_id}/etapes/{step.id}")
    body = text(r)
    assert r.status_code == 200 and 'data-step-id="' + str(step.id) + '"' in body
    assert "async_step.js" in body and "<script>" not in body
    # the personal link sets the cookie on another device
    other = app.test_client()
    link = other.get(f"/cycle/{cycle_id}/lien/{member['token']}")
    assert link.status_code == 302
    assert other.get(f"/cycle/{cycle_id}").status_code == 200
    assert app.test_client().get(f"/cycle/{cycle_id}/lien/faux").status_code == 404
