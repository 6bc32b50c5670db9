"""Delivery against a real SMTP server (aiosmtpd on 127.0.0.1): a campaign goes out once
per person, a refused recipient is recorded as a hard bounce, a server down during a
campaign then back delivers every message once, an unsubscribed person gets nothing from
the next campaign, a header injection is refused with nothing sent."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.mail import addresses, compose, links, worker
from facilitator.mail.models import MailContact, MailMessage
from facilitator.models import Atelier
from tests.mail_helpers import *  # noqa: F403  (the fixtures: app with SMTP, smtp)
from tests.mail_helpers import SmtpServer, people, wait_until


def _invitation(atelier: Atelier) -> int:
    """Queue an invitation to the atelier (the worker ends its session: load it again)."""
    fresh = db.session.get(Atelier, inspect(atelier).identity[0])
    assert fresh is not None
    with compose_request():
        campaign = compose.create(fresh.cycle, "invitation", fresh.id, None)
        return compose.queue(campaign)


def compose_request():  # type: ignore[no-untyped-def]
    from flask import current_app

    return current_app.test_request_context("/", base_url="https://facilitator.example")


def _statuses() -> dict[str, int]:
    rows = db.session.scalars(select(MailMessage.status)).all()
    return {s: rows.count(s) for s in set(rows)}


def test_a_campaign_reaches_each_person_once_in_french_html_and_text(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    people(atelier, 5)
    assert _invitation(atelier) == 5
    tally = worker.run(idle_exit=True, poll=0.01)
    assert tally == {"sent": 5}
    assert sorted(smtp.recorder.per_recipient().values()) == [1] * 5
    message = smtp.recorder.messages()[0]
    assert message["Subject"].startswith("Invitation : Atelier de test")
    assert message["List-Unsubscribe"].startswith("<https://facilitator.example/courriel/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = smtp.recorder.received[0][2]
    assert b"\r\nList-Unsubscribe: <https://facilitator.example/courriel/" in raw  # not encoded
    parts = {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}
    assert "Rejoindre l'atelier" in parts["text/plain"]
    assert '<html lang="fr">' in parts["text/html"]
    assert "https://facilitator.example/courriel/" in parts["text/plain"]  # their own link
    # a second worker pass sends nothing more
    assert worker.run(idle_exit=True, poll=0.01) == {}
    assert len(smtp.recorder.received) == 5


def test_an_invitation_carries_the_atelier_s_calendar_file_with_the_feed_s_uid(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    from datetime import date, timedelta

    from facilitator.core import ics

    atelier = make_atelier()
    atelier.date = date.today() + timedelta(days=10)
    db.session.commit()
    people(atelier, 1)
    with compose_request():
        expected_uid = ics.uid(atelier)
    assert _invitation(atelier) == 1
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 1}
    message = smtp.recorder.messages()[0]
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    body = calendars[0].get_payload(decode=True).decode()
    assert "BEGIN:VEVENT" in body and f"UID:{expected_uid}" in body.replace("\r\n ", "")
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert "Le fichier agenda joint (.ics)" in text.get_content()


def test_a_refused_recipient_is_a_hard_bounce_shown_per_person(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    people(atelier, 3)
    smtp.recorder.refuse.add("p1@exemple.fr")
    _invitation(atelier)
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 2, "refused": 1}
    refused = db.session.scalar(select(MailMessage).where(MailMessage.status == "refused"))
    assert refused is not None and refused.to_addr == "p1@exemple.fr"
    assert "550" in refused.last_error
    contact = db.session.scalar(select(MailContact).where(MailContact.email == "p1@exemple.fr"))
    assert contact is not None and contact.bounced_at is not None and "550" in contact.bounce_reason
    assert "p1@exemple.fr" not in smtp.recorder.per_recipient()


def test_server_down_during_a_campaign_then_back_delivers_every_message_once(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    people(atelier, 30)
    _invitation(atelier)
    smtp.recorder.delay = 0.01
    done: dict[str, int] = {}

    def run() -> None:
        with app.app_context():
            done.update(worker.run(idle_exit=True, poll=0.01))

    thread = threading.Thread(target=run)
    thread.start()
    wait_until(lambda: len(smtp.recorder.received) >= 8, what="the first messages")
    smtp.stop()  # the server goes down mid-campaign
    with app.app_context():
        wait_until(
            lambda: (
                db.session.scalar(select(MailMessage.id).where(MailMessage.attempts > 1).limit(1))
                is not None
            ),
            what="retries while the server is down",
        )
        db.session.remove()
    down_count = len(smtp.recorder.received)
    assert down_count < 30
    smtp.start()  # back, same port
    thread.join(timeout=60)
    assert not thread.is_alive()
    counts = smtp.recorder.per_recipient()
    assert len(counts) == 30 and set(counts.values()) == {1}
    assert _statuses() == {"sent": 30}
    assert done.get("retry", 0) >= 1


def test_unsubscribe_then_a_new_campaign_sends_them_nothing(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    people(atelier, 3)
    _invitation(atelier)
    worker.run(idle_exit=True, poll=0.01)
    first = smtp.recorder.messages()
    target = next(m for m in first if m["To"].endswith("<p2@exemple.fr>"))
    url = target["List-Unsubscribe"].strip("<>").replace("https://facilitator.example", "")
    client = app.test_client()
    # RFC 8058: the mail client posts to the header's address, no form, no cookie
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Désinscription faite" in response.text
    _invitation(atelier)
    worker.run(idle_exit=True, poll=0.01)
    counts = smtp.recorder.per_recipient()
    assert counts["p2@exemple.fr"] == 1 and counts["p0@exemple.fr"] == 2


def test_withdrawing_consent_cancels_what_is_queued_at_once(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    [p0, _p1] = people(atelier, 2)
    _invitation(atelier)
    addresses.set_participant_address(p0, "p0@exemple.fr", {"comptes_rendus"})
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 1}
    assert set(smtp.recorder.per_recipient()) == {"p1@exemple.fr"}
    assert _statuses() == {"sent": 1, "cancelled": 1}


@pytest.mark.parametrize("field", ["subject", "name"])
def test_a_header_injection_is_refused_and_nothing_is_sent(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier], field: str
) -> None:
    atelier = make_atelier()
    people(atelier, 2)
    with compose_request():
        campaign = compose.create(atelier.cycle, "invitation", atelier.id, None)
        if field == "subject":
            with pytest.raises(InvalidInput) as caught:
                compose.edit(campaign, "Invitation\r\nBcc: victime@exemple.org", "Texte")
        else:
            contact = db.session.scalars(select(MailContact)).first()
            assert contact is not None
            contact.name = "Camille\nBcc: victime@exemple.org"  # past the forms, in the base
            db.session.commit()
            with pytest.raises(InvalidInput) as caught:
                compose.queue(campaign)
    assert caught.value.code == "header_injection"
    assert "en-tête" in caught.value.message_fr
    db.session.rollback()
    assert db.session.scalar(select(MailMessage.id)) is None
    assert worker.run(idle_exit=True, poll=0.01) == {}
    assert smtp.recorder.received == []


def test_a_link_from_another_address_stops_working_when_the_address_changes(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    [p0] = people(atelier, 1)
    contact = addresses.contact_of(p0)
    assert contact is not None
    token = links.contact_token(contact)
    assert links.contact_by_token(token).id == contact.id
    addresses.set_participant_address(p0, "nouvelle@exemple.fr", {"invitations"})
    with pytest.raises(Exception, match="plus"):
        links.contact_by_token(token)


def test_the_rate_cap_counts_every_worker_and_backoff_doubles(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    from datetime import timedelta

    from facilitator.mail import outbox
    from facilitator.models._types import utcnow

    atelier = make_atelier()
    people(atelier, 4)
    _invitation(atelier)
    app.config["MAIL_RATE_PER_MINUTE"] = 3
    now = utcnow()
    rows = db.session.scalars(select(MailMessage).order_by(MailMessage.id)).all()
    for i, row in enumerate(rows[:3]):  # three sent in the last minute, by any worker
        row.status, row.sent_at = "sent", now - timedelta(seconds=50 - i)
    db.session.commit()
    assert 9 <= outbox.wait_for_rate(now) <= 10.5  # until the oldest leaves the minute
    assert outbox.wait_for_rate(now + timedelta(seconds=11)) == 0
    app.config.update(MAIL_RETRY_BASE_SECONDS=30, MAIL_RETRY_MAX_SECONDS=3600)
    delays = [outbox.backoff(n) for n in (1, 2, 3, 20)]
    assert 24 <= delays[0] <= 36 and 48 <= delays[1] <= 72 and 96 <= delays[2] <= 144
    assert delays[3] <= 3600 * 1.2


def test_a_dead_worker_s_claims_are_recovered_never_resent_once_transmitting(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    from datetime import timedelta

    from facilitator.mail import outbox
    from facilitator.models._types import utcnow

    atelier = make_atelier()
    people(atelier, 3)
    _invitation(atelier)
    first = outbox.claim("mort:1")
    second = outbox.claim("mort:1")
    assert first is not None and second is not None and first.id != second.id
    outbox.mark_transmitting(second.id, "mort:1")
    assert outbox.recover_stale() == (0, 0)  # within the lease: still theirs
    later = utcnow() + timedelta(seconds=app.config["MAIL_CLAIM_LEASE_SECONDS"] + 1)
    assert outbox.recover_stale(later) == (1, 1)
    db.session.expire_all()
    assert db.session.get(MailMessage, first.id).status == "pending"  # type: ignore[union-attr]
    assert db.session.get(MailMessage, second.id).status == "uncertain"  # type: ignore[union-attr]
    # the dead worker cannot write over the recovered rows; a live one sends the rest
    outbox.mark_sent(first.id, "mort:1")
    db.session.expire_all()
    assert db.session.get(MailMessage, first.id).status == "pending"  # type: ignore[union-attr]
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 2}
    assert len(smtp.recorder.received) == 2


def test_the_rate_cap_is_paced_one_message_at_a_time_not_a_burst(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    """Under MAIL_RATE_PER_MINUTE the worker waits 60/cap seconds between two messages
    (a burst of the minute's messages would take a core from the live board)."""
    atelier = make_atelier()
    people(atelier, 4)
    _invitation(atelier)
    app.config["MAIL_RATE_PER_MINUTE"] = 120  # one message every 0.5 s
    now = [1000.0]
    waited: list[tuple[int, float]] = []  # (messages received when it waited, seconds)

    def sleep(seconds: float) -> None:
        waited.append((len(smtp.recorder.received), seconds))
        now[0] += seconds

    tally = worker.run(idle_exit=True, poll=0.01, sleep=sleep, clock=lambda: now[0])
    assert tally == {"sent": 4}
    between = {n: sum(s for m, s in waited if m == n) for n in (1, 2, 3)}
    assert all(0.5 <= seconds <= 0.51 for seconds in between.values()), waited
