"""Who gets a campaign now, by consent, and the links each message carries for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import and_, or_, select

from facilitator.core import identity
from facilitator.core.http import public_url
from facilitator.extensions import db
from facilitator.mail import bounces, links, updates
from facilitator.mail.models import MailCampaign, MailContact, MailCycleSettings
from facilitator.models import (
    Animateur,
    Attendance,
    CycleAnimateur,
    Participant,
    Structure,
    StructureProfile,
)


@dataclass
class Recipient:
    key: str
    email: str
    name: str
    contact_id: int | None = None
    structure_id: int | None = None
    animateur_id: int | None = None
    personal_url: str = ""
    personal_label: str = "Ouvrir ma page du cycle"
    unsubscribe_url: str = ""
    consent_ask: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def absolute(endpoint: str, **values: Any) -> str:
    return public_url(url_for(endpoint, **values))


def settings_of(cycle_id: int) -> MailCycleSettings:
    row = db.session.scalar(select(MailCycleSettings).where(MailCycleSettings.cycle_id == cycle_id))
    return row or MailCycleSettings(cycle_id=cycle_id, reminder_days=[7, 1], digest_off=[])


def _statuses(atelier_id: int) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Attendance.participant_id, Attendance.status).where(
                Attendance.atelier_id == atelier_id
            )
        ).all()
    )


def _contact_recipient(c: MailContact, *, consent_ask: bool = False) -> Recipient:
    token = links.contact_token(c)
    return Recipient(
        key=f"c{c.id}",
        email=c.email,
        name=c.name,
        contact_id=c.id,
        personal_url=absolute("mail.personal", token=token),
        personal_label="Ouvrir ma page du cycle" if c.participant_id else "Mes courriels du cycle",
        unsubscribe_url=absolute("mail.unsubscribe", token=token),
        consent_ask=consent_ask,
    )


def recipients(campaign: MailCampaign) -> list[Recipient]:
    """Who gets this campaign now, by consent (checked again when each message leaves)."""
    kind = campaign.kind
    if kind == "repertoire":
        return _structure_recipients(campaign.cycle_id)
    if kind == "digest":
        return _animateur_recipients(campaign.cycle_id)
    if kind == "code":  # one message per request (mail/codes.py), never a mailing
        return []
    query = select(MailContact).where(
        MailContact.cycle_id == campaign.cycle_id,
        MailContact.hard_bounces < bounces.max_hard_bounces(),  # too many returns: stopped
    )
    if kind == "invitation":
        first = and_(
            MailContact.source == "import",
            MailContact.first_invitation_at.is_(None),
            MailContact.consent_invitations_at.is_(None),
        )
        query = query.where(or_(MailContact.consent_invitations_at.is_not(None), first))
    elif kind == "rappel":
        query = query.where(MailContact.consent_invitations_at.is_not(None))
    elif kind in updates.KINDS:  # those who were invited, still consenting
        assert campaign.atelier_id is not None
        query = query.where(
            MailContact.consent_invitations_at.is_not(None),
            MailContact.id.in_(updates.invited_contacts(campaign.atelier_id)),
        )
    else:
        query = query.where(MailContact.consent_comptes_rendus_at.is_not(None))
    rows = db.session.scalars(query.order_by(MailContact.id)).all()
    if kind in ("compte_rendu", "rattrapage"):
        assert campaign.atelier_id is not None
        came = {p for p, s in _statuses(campaign.atelier_id).items() if s in ("present", "excuse")}
        wanted = kind == "compte_rendu"
        rows = [c for c in rows if (c.participant_id in came) == wanted]
    out = [
        _contact_recipient(c, consent_ask=c.consent_invitations_at is None and kind == "invitation")
        for c in rows
    ]
    if kind in ("invitation", "rappel", "mise_a_jour"):
        _add_personal_codes(rows, out)
    return out


def _add_personal_codes(rows: Sequence[MailContact], out: list[Recipient]) -> None:
    """An invitation or a reminder to a participant carries their personal code (issue 16:
    « Êtes-vous déjà venu·e ? » from another device), from ``identity.personal_code`` only."""
    ids = [c.participant_id for c in rows if c.participant_id is not None]
    if not ids:
        return
    found = db.session.scalars(select(Participant).where(Participant.id.in_(ids)))
    people = {p.id: p for p in found}
    for contact, recipient in zip(rows, out, strict=True):
        participant = people.get(contact.participant_id or 0)
        if participant is not None:
            recipient.extra["personal_code"] = identity.personal_code(participant)


def _structure_recipients(cycle_id: int) -> list[Recipient]:
    rows = db.session.execute(
        select(Structure, StructureProfile)
        .join(StructureProfile, StructureProfile.structure_id == Structure.id)
        .where(
            Structure.cycle_id == cycle_id,
            StructureProfile.contact_consent_at.is_not(None),
            StructureProfile.contact_email != "",
        )
        .order_by(Structure.name)
    ).all()
    out = []
    for structure, profile in rows:
        stamp = profile.contact_consent_at.isoformat() if profile.contact_consent_at else ""
        out.append(
            Recipient(
                key=f"s{structure.id}",
                email=profile.contact_email.lower(),
                name=profile.contact_name,
                structure_id=structure.id,
                unsubscribe_url=absolute(
                    "mail.unsubscribe_structure", token=links.structure_token(structure.id, stamp)
                ),
                extra={"structure_name": structure.name},
            )
        )
    return out


def _animateur_recipients(cycle_id: int) -> list[Recipient]:
    off = set(settings_of(cycle_id).digest_off)
    rows = db.session.scalars(
        select(Animateur)
        .join(CycleAnimateur, CycleAnimateur.animateur_id == Animateur.id)
        .where(CycleAnimateur.cycle_id == cycle_id)
        .order_by(Animateur.id)
    ).all()
    return [
        Recipient(
            key=f"a{a.id}",
            email=a.email,
            name=a.name,
            animateur_id=a.id,
            personal_url=absolute("animateur.cycle", cycle_id=cycle_id),
            personal_label="Ouvrir le cycle dans la console",
            unsubscribe_url=absolute(
                "mail.unsubscribe_animateur", token=links.animateur_token(a.id, cycle_id)
            ),
        )
        for a in rows
        if a.id not in off
    ]
