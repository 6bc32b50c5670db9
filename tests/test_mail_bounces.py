"""Bounces that come back by e-mail (RFC 3464 delivery status notifications): each message
leaves with its own signed return path; a notification sent back through the real SMTP
server (aiosmtpd) is read by ``flask mail-bounces`` from stdin or from a Maildir, matched
to its message (return path, else the quoted Message-ID), counted once; a delay changes
nothing, a forged return path matches nothing; after MAIL_MAX_HARD_BOUNCES nothing more is
sent to that address and the animateur sees why."""

from __future__ import annotations

import mailbox
import smtplib
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.mail import bounces, compose, worker
from facilitator.mail.models import MailContact, MailMessage
from facilitator.models import Animateur, Atelier
from tests.mail_helpers import *  # noqa: F403  (the fixtures: app with SMTP, smtp)
from tests.mail_helpers import SmtpServer, people
from tests.test_plain_pages import _login

BOUNCES = "bounces@crpv.example"


def _dsn(to: str, recipient: str, original_id: str, *, action: str = "failed",
         status: str = "5.1.1") -> bytes:  # fmt: skip
    """A delivery status notification as Postfix writes one."""
    return (
        f"From: MAILER-DAEMON@mx.exemple.fr (Mail Delivery System)\r\n"
        f"To: {to}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"Auto-Submitted: auto-replied\r\n"
        f"MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="B0"\r\n'
        f"\r\n--B0\r\nContent-Description: Notification\r\nContent-Type: text/plain\r\n\r\n"
        f"I'm sorry to have to inform you that your message could not be delivered.\r\n"
        f"\r\n--B0\r\nContent-Description: Delivery report\r\n"
        f"Content-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.exemple.fr\r\nArrival-Date: Thu, 3 Dec 2026 14:00:00 +0100\r\n"
        f"\r\nFinal-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected\r\n"
        f"\r\n--B0\r\nContent-Description: Undelivered Message Headers\r\n"
        f"Content-Type: text/rfc822-headers\r\n\r\n"
        f"From: Cycle <cycle@crpv.example>\r\nTo: <{recipient}>\r\nSubject: Invitation\r\n"
        f"Message-ID: {original_id}\r\n\r\n--B0--\r\n"
    ).encode()


def _through_smtp(smtp: SmtpServer, to: str, raw: bytes) -> bytes:
    """The notification travels like a real one: null sender, through the SMTP server."""
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.sendmail("", [to], raw)
    return smtp.recorder.received[-1][2]


def _campaign(app: Flask, atelier_id: int) -> int:
    with app.test_request_context("/", base_url="https://facilitator.example"):
        fresh = db.session.get(Atelier, atelier_id)
        assert fresh is not None
        return compose.queue(compose.create(fresh.cycle, "invitation", fresh.id, None))


def _message(to: str) -> MailMessage:
    db.session.expire_all()
    found = db.session.scalars(
        select(MailMessage).where(MailMessage.to_addr == to).order_by(MailMessage.id.desc())
    ).first()
    assert found is not None
    return found


def _contact(email: str) -> MailContact:
    db.session.expire_all()
    found = db.session.scalar(select(MailContact).where(MailContact.email == email))
    assert found is not None
    return found


def test_a_returned_notification_is_matched_to_its_message_and_counted_once(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    app.config["MAIL_BOUNCE_ADDRESS"] = BOUNCES
    atelier = make_atelier()
    atelier_id = atelier.id
    people(atelier, 2)
    _campaign(app, atelier_id)
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 2}
    first = _message("p0@exemple.fr")
    envelope = {tos[0]: sender for sender, tos, _raw in smtp.recorder.received}
    return_path = envelope["p0@exemple.fr"]
    assert return_path == bounces.return_path(first.id)
    assert return_path.startswith("bounces+m") and return_path.endswith("@crpv.example")
    assert envelope["p1@exemple.fr"] != return_path  # one per message
    runner = app.test_cli_runner()

    raw = _through_smtp(smtp, return_path, _dsn(return_path, "p0@exemple.fr", "<autre@x>"))
    result = runner.invoke(args=["mail-bounces"], input=raw)
    assert result.exit_code == 0 and "retours définitifs enregistrés : 1" in result.output
    message, contact = _message("p0@exemple.fr"), _contact("p0@exemple.fr")
    assert message.status == "bounced" and message.bounced_at is not None
    assert "5.1.1" in message.last_error
    assert contact.hard_bounces == 1 and "5.1.1" in contact.bounce_reason
    # the same notification again (an MTA retrying the pipe): counted once
    again = runner.invoke(args=["mail-bounces"], input=raw)
    assert "déjà enregistrés : 1" in again.output and _contact("p0@exemple.fr").hard_bounces == 1

    # a delay changes nothing
    other = _message("p1@exemple.fr")
    other_path = bounces.return_path(other.id)
    assert other_path is not None
    delayed = _dsn(other_path, "p1@exemple.fr", other.message_id, action="delayed", status="4.4.7")
    result = runner.invoke(args=["mail-bounces"], input=_through_smtp(smtp, other_path, delayed))
    assert "retards (rien à faire) : 1" in result.output
    assert _message("p1@exemple.fr").status == "sent"
    assert _contact("p1@exemple.fr").hard_bounces == 0
    # a forged return path (wrong signature, no known Message-ID) matches nothing
    forged = other_path.replace(other_path.split("-")[-1].split("@")[0], "0" * 12)
    result = runner.invoke(
        args=["mail-bounces", "--recipient", forged],
        input=_dsn(forged, "p1@exemple.fr", "<inconnu@x>"),
    )
    assert "sans rapport avec nos messages : 1" in result.output
    assert _contact("p1@exemple.fr").hard_bounces == 0
    # not a notification at all
    plain = b"From: a@b.fr\r\nTo: bounces@crpv.example\r\nSubject: Bonjour\r\n\r\nTexte\r\n"
    result = runner.invoke(args=["mail-bounces"], input=plain)
    assert "pas un avis de non-remise : 1" in result.output


def test_after_n_hard_bounces_nothing_more_is_sent_and_the_animateur_sees_why(
    app: Flask,
    smtp: SmtpServer,
    tmp_path: Path,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
) -> None:
    app.config.update(MAIL_BOUNCE_ADDRESS=BOUNCES, MAIL_MAX_HARD_BOUNCES=2)
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    atelier_id, cycle_id, animateur_id = atelier.id, atelier.cycle_id, animateur.id
    people(atelier, 2)
    box = mailbox.Maildir(tmp_path / "retours", create=True)
    runner = app.test_cli_runner()

    def bounce_of_p0() -> str:
        sent = _message("p0@exemple.fr")
        # the MTA rewrote the return path (no VERP): matched by the quoted Message-ID
        raw = _through_smtp(smtp, BOUNCES, _dsn(BOUNCES, "p0@exemple.fr", sent.message_id))
        box.add(raw)
        return runner.invoke(args=["mail-bounces", "--maildir", str(tmp_path / "retours")]).output

    _campaign(app, atelier_id)
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 2}
    assert "retours définitifs enregistrés : 1" in bounce_of_p0()
    _campaign(app, atelier_id)
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 2}
    assert _campaign(app, atelier_id) == 2  # queued before the second bounce is read
    assert "retours définitifs enregistrés : 1" in bounce_of_p0()
    assert _contact("p0@exemple.fr").hard_bounces == 2
    # a second reading of the Maildir reads nothing twice
    result = runner.invoke(args=["mail-bounces", "--maildir", str(tmp_path / "retours")])
    assert "retours" not in result.output and _contact("p0@exemple.fr").hard_bounces == 2

    # what was queued for the stopped address does not leave; new campaigns skip it
    before = len(smtp.recorder.received)
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 1, "cancelled": 1}
    assert _campaign(app, atelier_id) == 1
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 1}
    assert [tos for _f, tos, _r in smtp.recorder.received[before:]] == [["p1@exemple.fr"]] * 2
    assert _message("p0@exemple.fr").status == "cancelled"
    client = app.test_client()
    _login(client, db.session.get(Animateur, animateur_id))
    page = client.get(f"/animateur/cycles/{cycle_id}/courriels").text
    assert "Envois arrêtés : 2 retours en échec" in page
