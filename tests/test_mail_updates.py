"""Updated invitations when an atelier moves (issue 17): once the people invited by e-mail
have an older calendar file than the atelier (postponed, edited, cancelled), the
animateur's mail page offers the update in one click; it goes to exactly those invited
(still consenting) with the ICS of the same UID and a higher SEQUENCE, or for a
cancellation METHOD:CANCEL and STATUS:CANCELLED; never twice for the same change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from email.message import Message

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import func, select

from facilitator.core import ics, planning
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.mail import addresses, compose, updates, worker
from facilitator.mail.models import MailCampaign, MailContact
from facilitator.models import Animateur, Atelier
from tests.mail_helpers import *  # noqa: F403  (the fixtures: app with SMTP, smtp)
from tests.mail_helpers import SmtpServer, people
from tests.test_plain_pages import _login


def _calendar_of(message: Message) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_payload(decode=True))


def _sent_since(smtp: SmtpServer, before: int) -> dict[str, Message]:
    messages = smtp.recorder.messages()[before:]
    return {str(m["To"]).split("<")[-1].rstrip(">"): m for m in messages}


def _prepare(client: FlaskClient, cycle_id: int, kind: str, atelier_id: int) -> int:
    answer = client.post(
        f"/animateur/cycles/{cycle_id}/courriels/campagnes",
        data={"kind": kind, "atelier_id": str(atelier_id)},
    )
    assert answer.status_code == 302, answer.text
    return int(answer.headers["Location"].rstrip("/").split("/")[-1])


def _send(client: FlaskClient, cycle_id: int, campaign_id: int) -> None:
    campaign = db.session.get(MailCampaign, campaign_id)
    assert campaign is not None
    answer = client.post(
        f"/animateur/cycles/{cycle_id}/courriels/campagnes/{campaign_id}",
        data={"action": "envoyer", "subject": campaign.subject, "intro": campaign.intro},
    )
    assert answer.status_code == 302


def _campaigns() -> int:
    return db.session.scalar(select(func.count()).select_from(MailCampaign)) or 0


def test_a_moved_then_cancelled_atelier_updates_those_invited_once_each_change(
    app: Flask,
    smtp: SmtpServer,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
) -> None:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    atelier.date = date.today() + timedelta(days=20)
    db.session.commit()
    ids = {"atelier": atelier.id, "cycle": atelier.cycle_id, "animateur": animateur.id}
    people(atelier, 2)
    people(atelier, 1, first=5)  # joins later: never invited
    addresses.import_invitees(ids["cycle"], b"Invite,Centre social,inv@exemple.fr\n",
                              skip_errors=False)  # fmt: skip
    client = app.test_client()
    _login(client, animateur)
    with app.test_request_context("/", base_url="https://facilitator.example"):
        uid = ics.uid(atelier)
        invitation = compose.create(atelier.cycle, "invitation", atelier.id, None)
        # p5 has not joined yet when the invitation leaves: queue p0, p1, the invitee only
        db.session.execute(
            MailContact.__table__.update()
            .where(MailContact.email == "p5@exemple.fr")
            .values(consent_invitations_at=None)
        )
        assert compose.queue(invitation) == 3
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 3}
    db.session.execute(
        MailContact.__table__.update()
        .where(MailContact.email == "p5@exemple.fr")
        .values(consent_invitations_at=func.current_timestamp())
    )
    db.session.commit()
    page = f"/animateur/cycles/{ids['cycle']}/courriels"
    assert updates.due(ids["cycle"]) == [] and "depuis l'invitation" not in client.get(page).text

    # postponed: offered to the 2 consenting people invited (not the invitee, not p5)
    fresh = db.session.get(Atelier, ids["atelier"])
    new_day = date.today() + timedelta(days=27)
    planning.postpone(fresh, db.session.get(Animateur, ids["animateur"]), new_day.isoformat())
    assert "« Atelier de test » a changé depuis l'invitation" in client.get(page).text
    (due,) = updates.due(ids["cycle"])
    assert due["kind"] == "mise_a_jour" and due["invited"] == 2
    first = _prepare(client, ids["cycle"], "mise_a_jour", ids["atelier"])
    assert _prepare(client, ids["cycle"], "mise_a_jour", ids["atelier"]) == first  # same draft
    before = len(smtp.recorder.received)
    _send(client, ids["cycle"], first)
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 2}
    got = _sent_since(smtp, before)
    assert sorted(got) == ["p0@exemple.fr", "p1@exemple.fr"]
    event = _calendar_of(got["p0@exemple.fr"]).walk("VEVENT")[0]
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == new_day and str(event["STATUS"]) == "CONFIRMED"
    text = next(p for p in got["p0@exemple.fr"].walk() if p.get_content_type() == "text/plain")
    assert "met l'atelier à jour dans votre calendrier" in text.get_content()
    # not twice for the same change
    assert updates.due(ids["cycle"]) == []
    with pytest.raises(InvalidInput, match="déjà été envoyé"):
        compose.create(db.session.get(Atelier, ids["atelier"]).cycle, "mise_a_jour",
                       ids["atelier"], None)  # fmt: skip
    campaigns = _campaigns()

    # cancelled, p1 unsubscribed meanwhile: the cancellation goes to p0 only
    p1 = db.session.scalar(select(MailContact).where(MailContact.email == "p1@exemple.fr"))
    assert p1 is not None
    addresses.unsubscribe(p1)
    fresh = db.session.get(Atelier, ids["atelier"])
    planning.cancel(fresh, db.session.get(Animateur, ids["animateur"]))
    (due,) = updates.due(ids["cycle"])
    assert due["kind"] == "annulation" and due["invited"] == 1
    cancel = _prepare(client, ids["cycle"], "annulation", ids["atelier"])
    assert _campaigns() == campaigns + 1
    before = len(smtp.recorder.received)
    _send(client, ids["cycle"], cancel)
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 1}
    got = _sent_since(smtp, before)
    assert list(got) == ["p0@exemple.fr"]
    calendar = _calendar_of(got["p0@exemple.fr"])
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    text = next(p for p in got["p0@exemple.fr"].walk() if p.get_content_type() == "text/plain")
    assert "retire l'atelier de votre calendrier" in text.get_content()
    assert updates.due(ids["cycle"]) == []


def test_a_cancelled_atelier_gets_no_reminder(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    people(atelier, 2)
    atelier.date = date.today() + timedelta(days=7)
    db.session.commit()
    planning.cancel(atelier, animateur)
    with app.test_request_context("/", base_url="https://facilitator.example"):
        assert worker.schedule_reminders() == 0
    assert _campaigns() == 0


def test_an_update_is_refused_when_it_has_no_reason_to_be(
    app: Flask, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    with app.test_request_context("/", base_url="https://facilitator.example"):
        with pytest.raises(InvalidInput, match="pas de date"):
            compose.create(atelier.cycle, "mise_a_jour", atelier.id, None)
        atelier.date = date.today() + timedelta(days=3)
        db.session.commit()
        with pytest.raises(InvalidInput, match="n'est pas annulé"):
            compose.create(atelier.cycle, "annulation", atelier.id, None)
    assert _campaigns() == 0
