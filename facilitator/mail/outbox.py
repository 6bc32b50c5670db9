"""The outbox: claiming a message (at most one worker gets it), recording what the server
said, backoff, the rate cap, stale claims after a crash, and what the pages show.

At most once per (campaign, person): the row is unique per ``(campaign_id,
recipient_key)``; a worker claims it with a conditional UPDATE (``status='pending'`` →
``sending``; on PostgreSQL the candidate is picked ``FOR UPDATE SKIP LOCKED``); it marks it
``transmitting`` once the server has the recipient, before the content goes. A claim older
than the lease is a dead worker's: ``sending`` goes back to ``pending`` (the server never
got the content), ``transmitting`` becomes ``uncertain`` and is never resent by itself."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select, update

from facilitator import dblock
from facilitator.core import events
from facilitator.extensions import db
from facilitator.mail import bounces
from facilitator.mail.models import PURPOSE_OF_KIND, MailCampaign, MailContact, MailMessage
from facilitator.models import StructureProfile
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

STATUS_LABELS = {
    "local": "dans la boîte d'envoi (pas de serveur SMTP)",
    "pending": "en attente",
    "sending": "en cours d'envoi",
    "transmitting": "en cours d'envoi",
    "sent": "envoyé",
    "refused": "refusé par le serveur",
    "failed": "échec après plusieurs essais",
    "uncertain": "envoi incertain (interrompu)",
    "cancelled": "annulé (consentement retiré ou adresse en échec)",
    "bounced": "revenu : adresse refusée par le serveur du destinataire",
}


def _config(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


def backoff(attempts: int) -> float:
    """Seconds before the next try: doubling from MAIL_RETRY_BASE_SECONDS up to
    MAIL_RETRY_MAX_SECONDS, ±20 % so that many messages do not retry together."""
    base = _config("MAIL_RETRY_BASE_SECONDS", 30)
    top = _config("MAIL_RETRY_MAX_SECONDS", 3600)
    delay = min(top, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def claim(worker_id: str, now: datetime | None = None) -> MailMessage | None:
    """The next due message, now this worker's; None when nothing is due. One statement:
    ``UPDATE … WHERE id = (the first due row) AND status = 'pending' RETURNING …`` (on
    PostgreSQL the row is picked ``FOR UPDATE SKIP LOCKED``: two workers never wait for
    each other); the row comes back loaded and stays so (no reload per attribute)."""
    now = now or utcnow()
    for _ in range(5):  # another worker may take the candidate first: pick again
        candidate = (
            select(MailMessage.id)
            .where(MailMessage.status == "pending", MailMessage.next_attempt_at <= now)
            .order_by(MailMessage.next_attempt_at, MailMessage.id)
            .limit(1)
        )
        if _is_postgres():
            candidate = candidate.with_for_update(skip_locked=True)
        won = dblock.run(_claim_once, candidate, worker_id, now)
        if won is not None:
            return won
        if not _due(now):
            return None
    return None


def _claim_once(candidate: Select[Any], worker_id: str, now: datetime) -> MailMessage | None:
    with events.transaction(keep_loaded=True):
        return db.session.scalars(
            update(MailMessage)
            .where(MailMessage.id == candidate.scalar_subquery())
            .where(MailMessage.status == "pending")
            .values(
                status="sending",
                claimed_by=worker_id,
                claimed_at=now,
                attempts=MailMessage.attempts + 1,
            )
            .returning(MailMessage)
            .execution_options(synchronize_session=False, populate_existing=True)
        ).first()


def _due(now: datetime) -> bool:
    found = db.session.scalar(
        select(MailMessage.id)
        .where(MailMessage.status == "pending", MailMessage.next_attempt_at <= now)
        .limit(1)
    )
    db.session.rollback()  # end the read transaction (SQLite snapshot)
    return found is not None


def _set(message_id: int, worker_id: str, **values: Any) -> bool:
    """Update a claimed message, only while this worker still holds it (another worker
    writing: waits for SQLite's write lock, ``dblock``)."""
    return dblock.run(_set_once, message_id, worker_id, values)


def _set_once(message_id: int, worker_id: str, values: dict[str, Any]) -> bool:
    with events.transaction(keep_loaded=True):
        result = db.session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id, MailMessage.claimed_by == worker_id)
            .where(MailMessage.status.in_(("sending", "transmitting", "uncertain")))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return getattr(result, "rowcount", 0) == 1


def mark_transmitting(message_id: int, worker_id: str) -> None:
    _set(message_id, worker_id, status="transmitting")


def mark_sent(message_id: int, worker_id: str) -> None:
    _set(message_id, worker_id, status="sent", sent_at=utcnow(), last_error="")


def mark_retry(message: MailMessage, worker_id: str, detail: str) -> None:
    limit = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 10))
    if message.attempts >= limit:
        _set(message.id, worker_id, status="failed", last_error=detail[:300])
        return
    due = utcnow() + timedelta(seconds=backoff(message.attempts))
    _set(message.id, worker_id, status="pending", next_attempt_at=due, last_error=detail[:300])


def mark_refused(message: MailMessage, worker_id: str, detail: str) -> None:
    """A hard bounce: recorded on the message and on the person, shown to the animateur."""
    if (
        _set(message.id, worker_id, status="refused", last_error=detail[:300])
        and message.contact_id
    ):
        dblock.run(_count_bounce, message.contact_id, detail)


def _count_bounce(contact_id: int, detail: str) -> None:
    with events.transaction():
        bounces.count_hard_bounce(contact_id, detail)


def mark_uncertain(message_id: int, worker_id: str, detail: str) -> None:
    _set(message_id, worker_id, status="uncertain", last_error=detail[:300])


def cancel(message_id: int, worker_id: str, reason: str) -> None:
    _set(message_id, worker_id, status="cancelled", last_error=reason)


def still_wanted(message: MailMessage, kind: str | None = None) -> bool:
    """Consent is checked again when the message leaves: withdrawn → not sent. ``kind``:
    the campaign's, when the caller has it already."""
    if kind is None:
        kind = db.session.scalar(
            select(MailCampaign.kind).where(MailCampaign.id == message.campaign_id)
        )
    purpose = PURPOSE_OF_KIND.get(kind or "", "test")
    if message.recipient_key.startswith("t") or purpose in ("test", "animateur"):
        return True
    if purpose == "repertoire":
        return bool(
            db.session.scalar(
                select(StructureProfile.contact_consent_at).where(
                    StructureProfile.structure_id == message.structure_id
                )
            )
        )
    contact = db.session.get(MailContact, message.contact_id) if message.contact_id else None
    if contact is None:
        return False
    if contact.unsubscribed_at is not None or contact.hard_bounces >= bounces.max_hard_bounces():
        return False
    if purpose == "code":  # asked for by the person: any consent given
        return (
            contact.consent_invitations_at is not None
            or contact.consent_comptes_rendus_at is not None
        )
    if purpose == "invitations":  # an imported invitee's first invitation asks for consent
        return contact.consent_invitations_at is not None or contact.source == "import"
    return contact.consent_comptes_rendus_at is not None


def recover_stale(now: datetime | None = None) -> tuple[int, int]:
    """Claims older than MAIL_CLAIM_LEASE_SECONDS belong to a dead worker."""
    now = now or utcnow()
    limit = now - timedelta(seconds=_config("MAIL_CLAIM_LEASE_SECONDS", 300))
    counts = dblock.run(_recover_once, now, limit)
    if any(counts):
        log.warning("stale claims: %s back to pending, %s uncertain", *counts)
    return counts


def _recover_once(now: datetime, limit: datetime) -> tuple[int, int]:
    with events.transaction():
        back = db.session.execute(
            update(MailMessage)
            .where(MailMessage.status == "sending", MailMessage.claimed_at < limit)
            .values(status="pending", claimed_by=None, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        lost = db.session.execute(
            update(MailMessage)
            .where(MailMessage.status == "transmitting", MailMessage.claimed_at < limit)
            .values(
                status="uncertain",
                last_error="Le service d'envoi s'est arrêté pendant la transmission : "
                "le message a pu partir. Renvoyez-le à la main si besoin.",
            )
            .execution_options(synchronize_session=False)
        )
    return (int(getattr(back, "rowcount", 0) or 0), int(getattr(lost, "rowcount", 0) or 0))


def wait_for_rate(now: datetime | None = None) -> float:
    """Seconds to wait before the next message under MAIL_RATE_PER_MINUTE (all workers
    together: counted in the outbox); 0 when under the cap."""
    cap = int(current_app.config.get("MAIL_RATE_PER_MINUTE", 120))
    if cap <= 0:
        return 0.0
    now = now or utcnow()
    window = now - timedelta(seconds=60)
    recent = db.session.scalars(
        select(MailMessage.sent_at)
        .where(MailMessage.sent_at > window)
        .order_by(MailMessage.sent_at.desc())
        .limit(cap)
    ).all()
    db.session.rollback()  # end the read transaction (SQLite snapshot)
    moments = [m for m in recent if m is not None]
    if len(moments) < cap:
        return 0.0
    oldest = min(moments)
    return max(0.0, (oldest - window).total_seconds())


def resend(message: MailMessage) -> None:
    """The animateur sends an uncertain or failed message again, knowingly."""
    if message.status not in ("uncertain", "failed"):
        return
    with events.transaction():
        message.status = "pending"
        message.next_attempt_at = utcnow()
        message.claimed_by = None


# --- what the pages show --------------------------------------------------------------------


def counts(cycle_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(MailMessage.status, func.count())
        .where(MailMessage.cycle_id == cycle_id)
        .group_by(MailMessage.status)
    ).all()
    return {status: int(n) for status, n in rows}


def campaign_counts(campaign_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(MailMessage.status, func.count())
        .where(MailMessage.campaign_id == campaign_id)
        .group_by(MailMessage.status)
    ).all()
    return {status: int(n) for status, n in rows}


def message_view(m: MailMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "campaign_id": m.campaign_id,
        "to_addr": m.to_addr,
        "to_name": m.to_name,
        "subject": m.subject,
        "status": m.status,
        "status_label": STATUS_LABELS.get(m.status, m.status),
        "attempts": m.attempts,
        "last_error": m.last_error,
        "created_at": m.created_at,
        "sent_at": m.sent_at,
        "test": m.recipient_key.startswith("t"),
    }


def messages(cycle_id: int, limit: int = 500) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(MailMessage)
        .where(MailMessage.cycle_id == cycle_id)
        .order_by(MailMessage.id.desc())
        .limit(limit)
    )
    return [message_view(m) for m in rows]
