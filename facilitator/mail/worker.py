"""The mail worker (``flask --app facilitator mail-worker``, docs/mail.md): schedules the
reminders that are due, then sends the outbox over SMTP, one message at a time on one
connection, under the rate cap. Several workers may run at once (claims, outbox.py); a
worker killed at any moment loses nothing and doubles nothing (its stale claims are
recovered after the lease)."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.message import Message
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.mail import bounces, compose, outbox, render
from facilitator.mail.models import MailAttachment, MailCampaign, MailMessage
from facilitator.mail.smtp import Connection, parse_url
from facilitator.models import Atelier, Cycle

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


#: per queued campaign, its files as MIME parts, encoded once (they never change once
#: queued), keyed by database, id and queueing time: a cache never answers for another
#: database's campaign of that id
_CAMPAIGNS: dict[tuple[str, int, str], list[Message]] = {}


@dataclass(frozen=True)
class CampaignParts:
    kind: str
    cycle_title: str
    parts: list[Message]


def _campaign_parts(campaign_id: int) -> CampaignParts:
    """What every message of the campaign shares: one query per message, the files
    encoded once per campaign."""
    status, kind, title, queued_at = db.session.execute(
        select(MailCampaign.status, MailCampaign.kind, Cycle.title, MailCampaign.queued_at)
        .join(Cycle, Cycle.id == MailCampaign.cycle_id)
        .where(MailCampaign.id == campaign_id)
    ).one()
    key = (str(db.engine.url), campaign_id, str(queued_at))
    cached = _CAMPAIGNS.get(key)
    if cached is not None:
        return CampaignParts(kind, title, cached)
    parts = [
        render.attachment_part(render.Attachment(a.filename, a.mime_type, a.content))
        for a in db.session.scalars(
            select(MailAttachment).where(MailAttachment.campaign_id == campaign_id)
        )
    ]
    if status == "queued":  # a draft's test may see its files replaced at queueing
        if len(_CAMPAIGNS) > 50:
            _CAMPAIGNS.clear()
        _CAMPAIGNS[key] = parts
    return CampaignParts(kind, title, parts)


def email_of(message: MailMessage, shared: CampaignParts | None = None) -> Message:
    shared = shared or _campaign_parts(message.campaign_id)
    config = current_app.config
    return render.build(
        mail_from=config["MAIL_FROM"],
        from_name=str(config.get("MAIL_FROM_NAME") or shared.cycle_title or "Facilitator")[:120],
        to_addr=message.to_addr,
        to_name=message.to_name,
        subject=message.subject,
        text=message.body_text,
        html=message.body_html,
        headers=dict(message.headers or {}),
        message_id=message.message_id,
        parts=shared.parts,
    )


def deliver(message: MailMessage, connection: Connection, me: str) -> str:
    """Send one claimed message; return its new status."""
    shared = _campaign_parts(message.campaign_id)
    if not outbox.still_wanted(message, shared.kind):
        outbox.cancel(message.id, me, "Consentement retiré ou adresse arrêtée avant l'envoi.")
        return "cancelled"
    try:
        email = email_of(message, shared)
    except DomainError as exc:  # a header injection that slipped past the forms
        outbox.mark_refused(message, me, exc.message_fr)
        return "refused"
    # the message's own signed return path: a bounce coming back later names it
    mail_from = bounces.return_path(message.id) or current_app.config["MAIL_FROM"]
    outcome = connection.send(
        email, mail_from, message.to_addr, lambda: outbox.mark_transmitting(message.id, me)
    )
    if outcome.kind == "sent":
        outbox.mark_sent(message.id, me)
    elif outcome.kind == "refused":
        outbox.mark_refused(message, me, outcome.detail)
    elif outcome.kind == "uncertain":
        outbox.mark_uncertain(message.id, me, outcome.detail)
    else:
        outbox.mark_retry(message, me, outcome.detail)
    return outcome.kind


def schedule_reminders(today: date | None = None) -> int:
    """Queue the reminders due today (J-7, J-1 by default, per cycle): one campaign per
    atelier and offset, unique by key, so two workers never queue it twice."""
    today = today or date.today()
    created = 0
    rows = db.session.scalars(
        select(Atelier).where(
            Atelier.state == "prepare",
            Atelier.date.is_not(None),
            Atelier.cancelled_at.is_(None),  # a cancelled atelier: its cancellation, no reminder
        )
    ).all()
    for atelier in rows:
        assert atelier.date is not None
        offset = (atelier.date - today).days
        if offset not in compose.settings_of(atelier.cycle_id).reminder_days:
            continue
        key = f"rappel-{atelier.id}-{atelier.date.isoformat()}-J{offset}"
        exists = db.session.scalar(
            select(MailCampaign.id).where(
                MailCampaign.cycle_id == atelier.cycle_id, MailCampaign.key == key
            )
        )
        if exists is not None:
            continue
        try:
            campaign = compose.create(atelier.cycle, "rappel", atelier.id, None, key=key)
            compose.queue(campaign)
            created += 1
        except IntegrityError:  # another worker queued it first
            db.session.rollback()
    return created


def _in_request(app: Any, work: Callable[[], Any]) -> Any:
    """Links in messages need the public address: PUBLIC_URL (required for reminders)."""
    base = app.config.get("PUBLIC_URL")
    if not base:
        log.warning("PUBLIC_URL is not set: reminders are not scheduled")
        return 0
    with app.test_request_context("/", base_url=base):
        return work()


def run(
    *,
    once: bool = False,
    poll: float = 1.0,
    idle_exit: bool = False,
    stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, int]:
    """Send until stopped. ``once``: one pass over what is due; ``idle_exit``: stop when
    nothing is pending any more (tests, benchmarks); ``sleep``, ``clock``: the waiting
    (a test gives its own, to see the pacing without waiting)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    url = app.config.get("SMTP_URL")
    if not url or not app.config.get("MAIL_FROM"):
        raise DomainError("SMTP_URL et MAIL_FROM sont nécessaires pour envoyer (docs/mail.md).")
    settings = parse_url(
        url, float(app.config.get("MAIL_SMTP_TIMEOUT", 30)), app.config.get("MAIL_SMTP_CA_FILE")
    )
    connection = Connection(settings)
    me = worker_id()
    tally: dict[str, int] = {}
    last_schedule = last_recovery = -1e9
    recovery_every = min(60.0, float(app.config.get("MAIL_CLAIM_LEASE_SECONDS", 300)))
    # the cap, paced: one message every 60/cap seconds rather than the minute's messages
    # in a burst then a pause (a burst takes a core from the live board for seconds)
    cap = int(app.config.get("MAIL_RATE_PER_MINUTE", 120))
    interval = 60.0 / cap if cap > 0 else 0.0
    next_at = 0.0
    log.info("mail worker %s started", me)
    try:
        while not stop():
            if clock() - last_recovery > recovery_every:
                outbox.recover_stale()
                last_recovery = clock()
            if clock() - last_schedule > 60:
                _in_request(app, schedule_reminders)
                last_schedule = clock()
            pause = next_at - clock()
            if pause > 0:
                sleep(min(pause, 5))
                continue
            wait = outbox.wait_for_rate()
            if wait > 0:
                sleep(min(wait, 5))
                continue
            message = outbox.claim(me)
            if message is None:
                db.session.remove()
                if once or (idle_exit and not _pending_left()):
                    break
                sleep(poll)
                continue
            status = deliver(message, connection, me)
            tally[status] = tally.get(status, 0) + 1
            next_at = clock() + interval
            if status == "retry":
                sleep(min(poll, outbox.backoff(1)))  # the server is down: breathe
            db.session.remove()
    finally:
        connection.close()
    log.info("mail worker %s stopped: %s", me, tally)
    return tally


def _pending_left() -> bool:
    found = db.session.scalar(
        select(MailMessage.id)
        .where(MailMessage.status.in_(("pending", "sending", "transmitting")))
        .limit(1)
    )
    db.session.remove()
    return found is not None
