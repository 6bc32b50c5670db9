"""Updated invitations when an atelier moves (docs/mail.md, « Quand un atelier change »).

Every campaign that carries an atelier's calendar file remembers the ICS SEQUENCE it
carried (``MailCampaign.data["ics_sequence"]``). When the atelier's SEQUENCE has grown
since (core/planning.py bumps it when the date, time, place, title, mode or visio link
change, when it is postponed, cancelled or restored), the people already invited have an
update due: the animateur's mail page says so and prepares it in one click — a
``mise_a_jour`` (or ``annulation``, ICS METHOD:CANCEL, STATUS:CANCELLED) campaign to
exactly those who received the invitation or a reminder, with the same UID and the new
SEQUENCE. It is offered, not sent by itself: the animateur often changes several fields
in a row (one message, not one per save) and wants to say why the atelier moved.

Never twice for the same change: the campaign's key is the atelier and its SEQUENCE
(unique per cycle); a second click opens the draft again, or says it left already."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.mail.bounces import max_hard_bounces
from facilitator.mail.models import MailCampaign, MailContact, MailMessage
from facilitator.models import Atelier

#: campaign kinds that carry the atelier's calendar file to the people invited
CARRIERS = ("invitation", "rappel", "mise_a_jour", "annulation")
KINDS = ("mise_a_jour", "annulation")
#: a message that reached (or may have reached, or is about to reach) its person
REACHED = ("local", "pending", "sending", "transmitting", "sent", "uncertain")


def key(atelier: Atelier, kind: str) -> str:
    return f"{kind}-{atelier.id}-s{atelier.ics_sequence}"


def check(atelier: Atelier, kind: str) -> MailCampaign | None:
    """Refuse an update that has no reason to be; return the draft already prepared for
    this very change, if any."""
    if atelier.state != "prepare":
        raise InvalidInput("Cet atelier a commencé : il n'y a plus d'invitation à mettre à jour.")
    if kind == "annulation" and not atelier.cancelled:
        raise InvalidInput("Cet atelier n'est pas annulé.")
    if kind == "mise_a_jour" and atelier.cancelled:
        raise InvalidInput("Cet atelier est annulé : envoyez plutôt l'annulation.")
    if atelier.date is None:
        raise InvalidInput("Cet atelier n'a pas de date : pas de fichier agenda à mettre à jour.")
    existing = db.session.scalar(
        select(MailCampaign).where(
            MailCampaign.cycle_id == atelier.cycle_id, MailCampaign.key == key(atelier, kind)
        )
    )
    if existing is None:
        return None
    if existing.status != "draft":
        raise InvalidInput(
            "Ce changement a déjà été envoyé aux personnes invitées : rien à renvoyer.",
            code="already_sent",
        )
    return existing


def remember_sequence(campaign: MailCampaign) -> None:
    """At queueing: the SEQUENCE this campaign's calendar file carries."""
    if campaign.kind not in CARRIERS or campaign.atelier_id is None:
        return
    atelier = db.session.get(Atelier, campaign.atelier_id)
    if atelier is not None and atelier.date is not None:
        campaign.data = {**(campaign.data or {}), "ics_sequence": atelier.ics_sequence}


def invited_contacts(atelier_id: int) -> list[int]:
    """The contacts who received this atelier's invitation, a reminder or an update."""
    rows = db.session.scalars(
        select(MailMessage.contact_id)
        .join(MailCampaign, MailCampaign.id == MailMessage.campaign_id)
        .where(
            MailCampaign.atelier_id == atelier_id,
            MailCampaign.kind.in_(CARRIERS),
            MailCampaign.status == "queued",
            MailMessage.contact_id.is_not(None),
            MailMessage.status.in_(REACHED),
            ~MailMessage.recipient_key.startswith("t"),  # the animateur's tests
        )
        .distinct()
    ).all()
    return sorted(c for c in rows if c is not None)


def _still_consenting(contact_ids: list[int]) -> list[int]:
    """Those of them who would receive an update (the campaign's recipients)."""
    if not contact_ids:
        return []
    return list(
        db.session.scalars(
            select(MailContact.id).where(
                MailContact.id.in_(contact_ids),
                MailContact.consent_invitations_at.is_not(None),
                MailContact.unsubscribed_at.is_(None),
                MailContact.hard_bounces < max_hard_bounces(),
            )
        )
    )


def _carried(atelier_id: int) -> int | None:
    """The highest SEQUENCE the invited people have; None: nobody was sent it."""
    campaigns = db.session.scalars(
        select(MailCampaign).where(
            MailCampaign.atelier_id == atelier_id,
            MailCampaign.kind.in_(CARRIERS),
            MailCampaign.status == "queued",
        )
    ).all()
    sequences = [int((c.data or {}).get("ics_sequence", 0)) for c in campaigns]
    return max(sequences) if sequences else None


def due(cycle_id: int) -> list[dict[str, Any]]:
    """The ateliers of the cycle whose invited people have an older calendar file."""
    out = []
    ateliers = db.session.scalars(
        select(Atelier)
        .where(Atelier.cycle_id == cycle_id, Atelier.state == "prepare", Atelier.date.is_not(None))
        .order_by(Atelier.position)
    ).all()
    for atelier in ateliers:
        carried = _carried(atelier.id)
        if carried is None or atelier.ics_sequence <= carried:
            continue
        invited = _still_consenting(invited_contacts(atelier.id))
        if not invited:
            continue
        kind = "annulation" if atelier.cancelled else "mise_a_jour"
        draft = db.session.scalar(
            select(MailCampaign.id).where(
                MailCampaign.cycle_id == cycle_id, MailCampaign.key == key(atelier, kind)
            )
        )
        out.append(
            {
                "atelier_id": atelier.id,
                "title": atelier.title,
                "kind": kind,
                "invited": len(invited),
                "draft_id": draft,
            }
        )
    return out
