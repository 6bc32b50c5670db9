"""Ateliers changed after they are created (issue 16): edit, postpone (« reporté » kept in
the history), cancel (« annulé », its code expires), restore, delete while never started,
reorder; stale edits refused with the fresh state; bad input refused with a French message
and nothing changed; the ICS calendar follows (same UID, SEQUENCE bumped, CANCELLED)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from facilitator.core import cycles, events, ics, planning
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.scripts import load_script_text
from tests.conftest import SCRIPT

SOON = date.today() + timedelta(days=30)


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


@pytest.fixture
def planned(make_animateur: Any, make_atelier: Any, client: Any) -> dict[str, Any]:
    animateur = make_animateur()
    first = make_atelier(animateur)
    second = cycles.add_atelier(first.cycle, load_script_text(SCRIPT), title="Deuxième")
    login(client, animateur)
    return {"animateur": animateur, "first": first, "second": second, "client": client}


def form(**over: str) -> dict[str, str]:
    data = {
        "title": "Atelier 2 — cartographie",
        "date": SOON.isoformat(),
        "start_time": "09:30",
        "duration_minutes": "180",
        "mode": "hybride",
        "lieu": "Maison des associations, salle 2",
        "visio_url": "https://visio.example.org/atelier-2",
    }
    return {**data, **over}


def test_edit_every_field(planned: dict[str, Any]) -> None:
    atelier, client = planned["second"], planned["client"]
    r = client.post(f"/animateur/ateliers/{atelier.id}/modifier", data={**form(), "version": "1"})
    assert r.status_code == 302
    db.session.expire_all()
    assert atelier.lieu == "Maison des associations, salle 2"
    assert atelier.start_time.strftime("%H:%M") == "09:30"
    assert (atelier.duration_minutes, atelier.mode) == (180, "hybride")
    assert atelier.visio_url.startswith("https://") and atelier.version == 2
    page = client.get(f"/animateur/cycles/{atelier.cycle_id}").get_data(as_text=True)
    assert "Maison des associations, salle 2" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", (date.today() - timedelta(days=3)).isoformat(), "est passée"),
        ("date", "31/02/2027", "Date invalide"),
        ("start_time", "25:00", "Heure invalide"),
        ("duration_minutes", "5", "La durée va de 15 à 720"),
        ("mode", "en-ligne", "Mode inconnu"),
        ("visio_url", "javascript:alert(1)", "adresse web complète"),
        ("title", "   ", "Donnez un titre"),
    ],
)
def test_bad_input_changes_nothing(
    planned: dict[str, Any], field: str, value: str, message: str
) -> None:
    atelier, client = planned["second"], planned["client"]
    before = (atelier.title, atelier.date, atelier.lieu, atelier.version)
    r = client.post(f"/animateur/ateliers/{atelier.id}/modifier", data=form(**{field: value}))
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
    db.session.expire_all()
    assert (atelier.title, atelier.date, atelier.lieu, atelier.version) == before


def test_a_new_atelier_in_the_past_is_refused(planned: dict[str, Any]) -> None:
    cycle_id, client = planned["first"].cycle_id, planned["client"]
    count = len(planned["first"].cycle.ateliers)
    past = (date.today() - timedelta(days=1)).isoformat()
    r = client.post(
        f"/animateur/cycles/{cycle_id}/ateliers",
        data={"script_id": "evaluation-atelier", "date": past},
    )
    assert r.status_code == 400 and "est passée" in r.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Atelier, planned["first"].id).cycle.ateliers) == count


def test_a_stale_edit_is_refused_with_the_fresh_state(planned: dict[str, Any]) -> None:
    atelier, client = planned["second"], planned["client"]
    assert (
        client.post(
            f"/animateur/ateliers/{atelier.id}/modifier",
            data={**form(lieu="Salle A"), "version": "1"},
        ).status_code
        == 302
    )
    r = client.post(
        f"/animateur/ateliers/{atelier.id}/modifier", data={**form(lieu="Salle B"), "version": "1"}
    )
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "modifié cet atelier entre-temps" in page and 'value="Salle A"' in page
    db.session.expire_all()
    assert atelier.lieu == "Salle A"


def test_postpone_keeps_history_and_updates_the_calendar(planned: dict[str, Any]) -> None:
    atelier, client, animateur = planned["second"], planned["client"], planned["animateur"]
    client.post(f"/animateur/ateliers/{atelier.id}/modifier", data=form())
    db.session.expire_all()
    first_ics = Calendar.from_ical(ics.atelier_ics(atelier))
    uid, sequence = str(first_ics.events[0]["uid"]), int(first_ics.events[0]["sequence"])
    later = SOON + timedelta(days=35)
    r = client.post(
        f"/animateur/ateliers/{atelier.id}/reporter", data={"new_date": later.isoformat()}
    )
    assert r.status_code == 302
    db.session.expire_all()
    status = planning.status_of(atelier)
    assert status["status"] == "reporte" and status["status_label"] == "reporté"
    entry = status["history"][-1]
    assert (entry["from"], entry["to"], entry["by"]) == (
        SOON.isoformat(),
        later.isoformat(),
        animateur.name,
    )
    event = Calendar.from_ical(ics.atelier_ics(atelier)).events[0]
    assert str(event["uid"]) == uid and int(event["sequence"]) == sequence + 1
    assert event.decoded("dtstart").date() == later and str(event["status"]) == "CONFIRMED"
    assert "09:30" in str(event.decoded("dtstart"))
    assert "Reporté" in client.get(f"/animateur/ateliers/{atelier.id}/modifier").get_data(
        as_text=True
    )
    # to a past date, or to the same date: refused
    for bad in ((date.today() - timedelta(days=2)).isoformat(), later.isoformat(), ""):
        r = client.post(f"/animateur/ateliers/{atelier.id}/reporter", data={"new_date": bad})
        assert r.status_code == 400
    db.session.expire_all()
    assert atelier.date == later and len(atelier.history) == 1


def test_cancel_restore_and_the_feed(planned: dict[str, Any]) -> None:
    atelier, client = planned["second"], planned["client"]
    client.post(f"/animateur/ateliers/{atelier.id}/modifier", data=form())
    assert client.post(f"/animateur/ateliers/{atelier.id}/annuler").status_code == 302
    db.session.expire_all()
    assert atelier.cancelled and atelier.join_code is None
    assert planning.status_of(atelier)["status_label"] == "annulé"
    page = client.get(f"/animateur/cycles/{atelier.cycle_id}/planning").get_data(as_text=True)
    feed_url = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    anonymous = client.application.test_client()
    feed = anonymous.get(feed_url.replace("http://localhost", ""))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = Calendar.from_ical(feed.data).events
    assert [str(e["status"]) for e in events] == ["CANCELLED"]  # the only dated atelier
    assert anonymous.get("/calendrier/faux.ics").status_code == 404
    with pytest.raises(Exception, match="annulé"):
        atelier.start()
    assert (
        client.post(f"/animateur/ateliers/{atelier.id}/annuler", data={"restore": "1"}).status_code
        == 302
    )
    db.session.expire_all()
    assert not atelier.cancelled and atelier.join_code
    assert [h["kind"] for h in atelier.history] == ["annule", "retabli"]


def test_delete_only_while_never_started_and_reorder(planned: dict[str, Any], connect: Any) -> None:
    first, second, client = planned["first"], planned["second"], planned["client"]
    third = cycles.add_atelier(first.cycle, load_script_text(SCRIPT), title="Troisième")
    r = client.post(f"/animateur/ateliers/{third.id}/deplacer", data={"direction": "up"})
    assert r.status_code == 302
    db.session.expire_all()
    assert [a.title for a in sorted(first.cycle.ateliers, key=lambda a: a.position)][
        1
    ] == "Troisième"
    r = client.post(f"/animateur/ateliers/{first.id}/deplacer", data={"direction": "up"})
    assert r.status_code == 400 and "déjà le premier" in r.get_data(as_text=True)
    anim = connect("animateur", first, planned["animateur"])
    assert anim.call("atelier_start", {})["ok"]
    r = client.post(f"/animateur/ateliers/{first.id}/supprimer")
    assert r.status_code == 400 and "ne peut pas être supprimé" in r.get_data(as_text=True)
    assert client.post(f"/animateur/ateliers/{second.id}/supprimer").status_code == 302
    db.session.expire_all()
    assert db.session.get(Atelier, second.id) is None
    assert sorted(a.position for a in first.cycle.ateliers) == [1, 2]


def test_a_started_atelier_keeps_its_productions_when_edited(
    live_atelier: dict[str, Any], client: Any
) -> None:
    atelier = live_atelier["atelier"]
    step = live_atelier["steps"]["vote"]
    assert live_atelier["anim"].call("step_goto", {"step_id": step})["ok"]
    card = {"step_id": step, "client_id": "kept-card-1", "text": "Gardée", "column": "a"}
    assert live_atelier["a"].call("card_add", card)["ok"]
    login(client, live_atelier["animateur"])
    past = (date.today() - timedelta(days=1)).isoformat()
    with db.session.no_autoflush:
        atelier.date = date.today() - timedelta(days=1)
        db.session.commit()
    # a held atelier keeps its past date; its lieu can be filled in afterwards
    r = client.post(
        f"/animateur/ateliers/{atelier.id}/modifier",
        data=form(date=past, lieu="Collège Jean-Moulin", title=atelier.title),
    )
    assert r.status_code == 302
    r = client.post(f"/animateur/ateliers/{atelier.id}/annuler")
    assert r.status_code == 400 and "commencé" in r.get_data(as_text=True)
    db.session.expire_all()
    assert atelier.lieu == "Collège Jean-Moulin" and len(atelier.steps) == 3
    assert atelier.state == "en_cours"


def test_the_planning_travels_with_an_exported_cycle(planned: dict[str, Any]) -> None:
    import json

    from facilitator.cycle_life import portability

    atelier, client = planned["second"], planned["client"]
    client.post(f"/animateur/ateliers/{atelier.id}/modifier", data=form())
    later = (SOON + timedelta(days=7)).isoformat()
    client.post(f"/animateur/ateliers/{atelier.id}/reporter", data={"new_date": later})
    text = json.dumps(portability.export_cycle(atelier.cycle_id))  # times are encoded
    assert "participant_key" not in text and "cycle_invitation" not in text
    copy = portability.import_cycle(json.loads(text), planned["animateur"])
    twin = next(a for a in copy.ateliers if a.title == atelier.title)
    assert twin.start_time.strftime("%H:%M") == "09:30"
    assert [h["kind"] for h in twin.history] == ["reporte"]


def test_remote_participants_see_the_visio_link_and_nobody_joins_a_cancelled_atelier(
    planned: dict[str, Any], app: Any
) -> None:
    atelier, client = planned["second"], planned["client"]
    client.post(f"/animateur/ateliers/{atelier.id}/modifier", data=form())
    visitor = app.test_client()
    page = visitor.get(f"/rejoindre/{atelier.link_token}").get_data(as_text=True)
    assert 'href="https://visio.example.org/atelier-2"' in page
    client.post(f"/animateur/ateliers/{atelier.id}/annuler")
    refused = visitor.get(f"/rejoindre/{atelier.link_token}")
    assert refused.status_code == 400 and "annulé" in refused.get_data(as_text=True)
    structure = atelier.cycle.structures[0].id
    r = visitor.post(
        f"/rejoindre/{atelier.link_token}", data={"display_name": "X", "structure_id": structure}
    )
    assert r.status_code == 400
    db.session.expire_all()
    from facilitator.models import Attendance

    assert db.session.query(Attendance).filter_by(atelier_id=atelier.id).count() == 0


def test_edit_and_postpone_keep_dates_in_the_sane_window(planned: dict[str, Any]) -> None:
    """The ten-year window (issue 20) holds on every way to set a date (issue 16)."""
    atelier, client = planned["second"], planned["client"]
    assert client.post(f"/animateur/ateliers/{atelier.id}/modifier", data=form()).status_code == 302
    for url, data in (
        (f"/animateur/ateliers/{atelier.id}/modifier", form(date="9999-12-31")),
        (f"/animateur/ateliers/{atelier.id}/reporter", {"new_date": "9000-01-01"}),
    ):
        r = client.post(url, data=data)
        assert r.status_code == 400, url
        assert "doit être comprise entre le" in r.get_data(as_text=True)
    db.session.expire_all()
    assert atelier.date == SOON


def test_an_atelier_with_a_step_opened_between_ateliers_is_not_deleted(
    planned: dict[str, Any],
) -> None:
    """Its activity may keep contributions in its own tables (not cards): cancel it
    instead (the review of issue 16)."""
    from facilitator.cycle_life import async_steps

    atelier, client = planned["second"], planned["client"]
    with events.transaction():
        async_steps.open_async(atelier.steps[0], date.today() + timedelta(days=7))
    r = client.post(f"/animateur/ateliers/{atelier.id}/supprimer")
    assert r.status_code in (302, 400, 409)
    db.session.expire_all()
    assert db.session.get(Atelier, atelier.id) is not None
