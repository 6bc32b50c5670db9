"""The personal code by e-mail (issue 16's « Êtes-vous déjà venu·e ? »): a participant who
gave an address with consent asks for their code from an atelier's join page; the message
goes through the outbox like any other. The answer never says whether the address is
known (the page says the same thing either way), and the requests are rate-limited by the
page (``web/mail_public.py``).

The code itself comes only from ``core.identity.personal_code`` (its generation and its
reset belong to the identity module). Every code request of a cycle is a message of one
standing campaign (kind ``code``, key ``code-personnel``), so the animateur's list of
campaigns shows one line for them and the Boîte d'envoi shows each message, the code
masked."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from facilitator.core import events, identity
from facilitator.extensions import db
from facilitator.mail import addresses
from facilitator.mail.compose import _row, smtp_configured
from facilitator.mail.content import REASONS
from facilitator.mail.models import MailCampaign, MailContact
from facilitator.mail.recipients import _contact_recipient
from facilitator.mail.render import render
from facilitator.models import Cycle, Participant
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

KIND = "code"
KEY = "code-personnel"
LABEL = "Codes personnels (envoyés à la demande des participants)"
SUBJECT = "Votre code personnel — {cycle}"
INTRO = (
    "Vous avez demandé votre code personnel sur la page d'un atelier du cycle. Saisissez-le "
    "quand on vous demande « Êtes-vous déjà venu·e ? » : vous retrouverez vos contributions "
    "et vos présences. Si ce n'est pas vous qui l'avez demandé, ignorez ce message."
)


def _campaign(cycle: Cycle) -> MailCampaign:
    campaign = db.session.scalar(
        select(MailCampaign).where(MailCampaign.cycle_id == cycle.id, MailCampaign.key == KEY)
    )
    if campaign is not None:
        return campaign
    now = utcnow()
    try:
        with events.transaction(keep_loaded=True):
            campaign = MailCampaign(
                cycle_id=cycle.id,
                kind=KIND,
                key=KEY,
                subject=SUBJECT.format(cycle=cycle.title)[:200],
                intro=INTRO,
                status="queued",
                queued_at=now,
                data={},
            )
            db.session.add(campaign)
    except IntegrityError:  # two requests at once: the other one created it
        db.session.rollback()
        campaign = db.session.scalar(
            select(MailCampaign).where(MailCampaign.cycle_id == cycle.id, MailCampaign.key == KEY)
        )
        assert campaign is not None
    return campaign


def _consenting_contact(cycle_id: int, email: str) -> MailContact | None:
    """The participant's address, if they consented to messages and did not unsubscribe."""
    return db.session.scalar(
        select(MailContact).where(
            MailContact.cycle_id == cycle_id,
            MailContact.email == email,
            MailContact.participant_id.is_not(None),
            MailContact.unsubscribed_at.is_(None),
            or_(
                MailContact.consent_invitations_at.is_not(None),
                MailContact.consent_comptes_rendus_at.is_not(None),
            ),
        )
    )


def code_data(participant: Participant) -> dict[str, str]:
    """What a message says of the person's code (``message_data``'s extra)."""
    return {"personal_code": identity.personal_code(participant)}


def send_code(cycle: Cycle, raw_email: str, may_send: Callable[[], bool] = lambda: True) -> bool:
    """Queue the code to this address if it belongs to a consenting participant of the
    cycle and ``may_send()`` (asked only then: a cap that counts real messages); True when
    queued. Raises ``InvalidInput`` for a malformed address only: the caller answers the
    same whatever the result."""
    email = addresses.normalise(raw_email)
    contact = _consenting_contact(cycle.id, email)
    if contact is None or contact.participant_id is None:
        return False
    participant = db.session.get(Participant, contact.participant_id)
    if participant is None:
        return False
    if not may_send():
        log.warning("personal code not queued for contact %s: the cycle's cap", contact.id)
        return False
    campaign = _campaign(cycle)
    recipient = _contact_recipient(contact)
    recipient.key = f"c{contact.id}:{secrets.token_hex(6)}"  # one message per request
    data = {
        "cycle_title": cycle.title,
        "heading": "Votre code personnel",
        "subject": campaign.subject,
        "intro": campaign.intro,
        "greeting_name": recipient.name,
        "personal_url": recipient.personal_url,
        "personal_label": recipient.personal_label,
        "unsubscribe_url": recipient.unsubscribe_url,
        "consent_ask": False,
        "reason": REASONS["code"],
        **code_data(participant),
    }
    with events.transaction():
        db.session.add(_row(campaign, recipient, render(data), local=not smtp_configured()))
    log.info("personal code queued for contact %s (cycle %s)", contact.id, cycle.id)
    return True
