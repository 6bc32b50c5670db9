"""Bounces that come back by e-mail (docs/mail.md, « Retours »): every message leaves with
its own signed return path (VERP: ``bounces+<message id>-<signature>@domain`` built on
``MAIL_BOUNCE_ADDRESS``), so a delivery status notification (RFC 3464) that a remote
server sends back hours later names the message it is about. ``flask --app facilitator
mail-bounces`` reads them from an MTA's pipe alias (stdin) or from a Maildir, records a
hard bounce (``Action: failed``, status 5.x.x) once per message, on the message and on the
person, and after ``MAIL_MAX_HARD_BOUNCES`` hard bounces nothing more is sent to that
address (shown to the animateur). Delays (4.x.x, ``Action: delayed``) change nothing.

A notification is matched by its return path (the signature makes a forged one useless),
else by the Message-ID of the original message it quotes; anything else is ignored."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import message_from_bytes, message_from_string
from email.message import Message
from email.policy import compat32

from flask import current_app
from sqlalchemy import select, update

from facilitator.core import events
from facilitator.extensions import db
from facilitator.mail.models import MailContact, MailMessage
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

DEFAULT_MAX_HARD_BOUNCES = 3
_VERP = re.compile(r"\+m(\d{1,12})-([0-9a-f]{12})@", re.IGNORECASE)


def max_hard_bounces() -> int:
    return int(current_app.config.get("MAIL_MAX_HARD_BOUNCES", DEFAULT_MAX_HARD_BOUNCES))


def _signature(message_id: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"mail-bounce:{message_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:12]  # lower-case hex: survives an MTA that lower-cases the local part


def return_path(message_id: int) -> str | None:
    """The envelope sender of one message; None when no bounce address is configured
    (the envelope sender is then MAIL_FROM, and bounces go to its mailbox)."""
    base = str(current_app.config.get("MAIL_BOUNCE_ADDRESS") or "")
    if "@" not in base:
        return None
    local, _, domain = base.rpartition("@")
    return f"{local}+m{message_id}-{_signature(message_id)}@{domain}"


def message_of_address(address: str) -> int | None:
    """The message a return path names, if its signature is ours."""
    found = _VERP.search(address or "")
    if found is None:
        return None
    message_id = int(found.group(1))
    if not hmac.compare_digest(found.group(2).lower(), _signature(message_id)):
        return None
    return message_id


@dataclass
class Notice:
    """One recipient's part of a delivery status notification."""

    recipient: str
    action: str
    status: str
    diagnostic: str

    @property
    def hard(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")


@dataclass
class Report:
    """What a returned message says: its per-recipient notices, the addresses it was
    delivered to (the return path) and the Message-IDs of the original it quotes."""

    notices: list[Notice] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    original_ids: list[str] = field(default_factory=list)


def _field(block: Message, name: str) -> str:
    value = str(block.get(name, "") or "")
    return " ".join(value.split())


def parse(raw: bytes) -> Report:
    """Read a delivery status notification (RFC 3464: ``multipart/report;
    report-type=delivery-status``). Anything else gives an empty report."""
    message = message_from_bytes(raw, policy=compat32)
    report = Report()
    for name in ("Delivered-To", "X-Original-To", "Envelope-To", "To"):
        report.addresses += [str(v) for v in message.get_all(name, [])]
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            blocks = part.get_payload()
            for block in blocks if isinstance(blocks, list) else []:
                if not isinstance(block, Message) or not block.get("Action"):
                    continue  # the per-message fields
                recipient = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
                report.notices.append(
                    Notice(
                        recipient=recipient.partition(";")[2].strip() or recipient,
                        action=_field(block, "Action").lower(),
                        status=_field(block, "Status"),
                        diagnostic=_field(block, "Diagnostic-Code")[:250],
                    )
                )
        elif kind == "message/rfc822":
            inner = part.get_payload()
            for original in inner if isinstance(inner, list) else []:
                if isinstance(original, Message) and original.get("Message-ID"):
                    report.original_ids.append(str(original["Message-ID"]).strip())
        elif kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            text = payload.decode(errors="replace") if isinstance(payload, bytes) else ""
            headers = message_from_string(text, policy=compat32)
            if headers.get("Message-ID"):
                report.original_ids.append(str(headers["Message-ID"]).strip())
    return report


def _matched(report: Report, recipient: str | None) -> MailMessage | None:
    for address in [recipient or "", *report.addresses]:
        message_id = message_of_address(address)
        if message_id is not None:
            return db.session.get(MailMessage, message_id)
    for original in report.original_ids:
        found = db.session.scalar(select(MailMessage).where(MailMessage.message_id == original))
        if found is not None:
            return found
    return None


def record(raw: bytes, recipient: str | None = None) -> str:
    """Read one returned message and record what it says; return the outcome: ``hard``
    (a hard bounce, recorded), ``again`` (already recorded), ``soft`` (a delay: nothing
    changes), ``unmatched`` (not one of our messages) or ``not_a_report``."""
    report = parse(raw)
    if not report.notices:
        return "not_a_report"
    message = _matched(report, recipient)
    if message is None:
        return "unmatched"
    mine = [n for n in report.notices if n.recipient.lower() == message.to_addr.lower()]
    notice = next((n for n in mine or report.notices if n.hard), None)
    if notice is None:
        return "soft"
    if message.bounced_at is not None:
        return "again"
    reason = f"retour {notice.status} : {notice.diagnostic or notice.action}"[:300]
    now = utcnow()
    with events.transaction():
        message.bounced_at = now
        if message.status in ("sent", "uncertain", "transmitting"):
            message.status = "bounced"
        message.last_error = reason
        if message.contact_id is not None:
            count_hard_bounce(message.contact_id, reason)
    log.info("hard bounce of message %s (%s)", message.id, notice.status)
    return "hard"


def count_hard_bounce(contact_id: int, reason: str) -> None:
    """One more hard bounce of this address (inside the caller's transaction)."""
    db.session.execute(
        update(MailContact)
        .where(MailContact.id == contact_id)
        .values(
            bounced_at=utcnow(),
            bounce_reason=reason[:300],
            hard_bounces=MailContact.hard_bounces + 1,
        )
        .execution_options(synchronize_session=False)
    )


def read_maildir(path: str) -> dict[str, int]:
    """Every new message of a Maildir, recorded then moved to ``cur`` (seen): a second
    run reads nothing twice; a message read twice anyway is counted once (``again``)."""
    import mailbox  # noqa: PLC0415 (only this command needs it)

    box = mailbox.Maildir(path, factory=None, create=False)
    tally: dict[str, int] = {}
    for key in list(box.iterkeys()):
        item = box.get_message(key)
        if item.get_subdir() != "new":
            continue
        outcome = record(item.as_bytes())
        tally[outcome] = tally.get(outcome, 0) + 1
        item.set_subdir("cur")
        item.add_flag("S")
        box[key] = item
    return tally


def tally_lines(tally: dict[str, int]) -> Iterable[str]:
    labels = {
        "hard": "retours définitifs enregistrés",
        "again": "déjà enregistrés",
        "soft": "retards (rien à faire)",
        "unmatched": "sans rapport avec nos messages",
        "not_a_report": "pas un avis de non-remise",
    }
    for key, n in sorted(tally.items()):
        yield f"{labels.get(key, key)} : {n}"
