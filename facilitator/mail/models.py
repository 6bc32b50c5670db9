"""The mail tables: contacts (addresses with consent per purpose), campaigns, their
attachments, and the outbox (one row per message).

Every row belongs to a cycle and goes with it (``ondelete="CASCADE"``): purging or
deleting a cycle, or erasing a participant, erases their addresses and messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow


class MailContact(Model):
    """A person's address in a cycle, with the purposes they consented to. A participant
    gives it on their cycle page; an animateur imports invitees (CSV), who get one
    invitation asking for their consent and nothing more until they give it."""

    __tablename__ = "mail_contact"
    __table_args__ = (UniqueConstraint("cycle_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), unique=True
    )
    #: lower-cased, validated (``addresses.normalise``)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    structure_name: Mapped[str] = mapped_column(String(160), default="")
    #: "participant" (given by the person) or "import" (an invitee of the animateur)
    source: Mapped[str] = mapped_column(String(16), default="participant")
    #: consent per purpose: when given, None when not (or withdrawn)
    consent_invitations_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_comptes_rendus_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: an imported invitee's one message without consent has been queued
    first_invitation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: one-click unsubscribe: nothing more is sent until consent is given again
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: random, part of the signed links; changed to revoke them
    link_key: Mapped[str] = mapped_column(String(32))
    #: the last refusal by a server (hard bounce), shown to the animateur
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounce_reason: Mapped[str] = mapped_column(String(300), default="")
    #: hard bounces of this address (refused at sending or returned later by a delivery
    #: status notification): nothing more is sent from MAIL_MAX_HARD_BOUNCES on
    hard_bounces: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailCycleSettings(Model):
    """The cycle's mail settings: reminder offsets (days before an atelier) and who of the
    animateurs turned the digest off."""

    __tablename__ = "mail_cycle_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), unique=True)
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [7, 1])
    digest_off: Mapped[list[int]] = mapped_column(JSON, default=list)


class MailCampaign(Model):
    """One sending to many people: a kind (invitation, rappel, compte rendu, rattrapage,
    répertoire, digest, test), its editable subject and text, and once sent its messages in
    the outbox. ``key`` makes automatic campaigns unique (a reminder per atelier and day)."""

    __tablename__ = "mail_campaign"
    __table_args__ = (UniqueConstraint("cycle_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    atelier_id: Mapped[int | None] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    #: draft → queued (its messages are in the outbox)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("animateur.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what the composition needs beyond the text (e.g. {"offset": 7} for a reminder)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MailAttachment(Model):
    """A file attached to every message of a campaign (the compte rendu's DOCX, the
    atelier's ICS)."""

    __tablename__ = "mail_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("mail_campaign.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class MailMessage(Model):
    """The outbox: one message to one person. ``(campaign_id, recipient_key)`` is unique: a
    campaign holds at most one message per person, whatever the restarts or workers.

    status: ``local`` (no SMTP: kept for the Boîte d'envoi), ``pending`` (to send at
    ``next_attempt_at``), ``sending`` (claimed by a worker), ``transmitting`` (the server
    has the recipient; the content is on its way), ``sent``, ``refused`` (the server
    refused the recipient: hard bounce), ``failed`` (gave up after the retries),
    ``uncertain`` (a worker died while the content was on its way: never resent
    automatically, so never doubled), ``cancelled`` (consent withdrawn before sending)."""

    __tablename__ = "mail_message"
    __table_args__ = (
        UniqueConstraint("campaign_id", "recipient_key"),
        Index("ix_mail_message_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("mail_campaign.id", ondelete="CASCADE"), index=True
    )
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    #: "c<contact id>", "s<structure id>", "a<animateur id>", "t<random>" (a test)
    recipient_key: Mapped[str] = mapped_column(String(40))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_contact.id", ondelete="CASCADE"), index=True
    )
    structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structure.id", ondelete="CASCADE"), index=True
    )
    animateur_id: Mapped[int | None] = mapped_column(
        ForeignKey("animateur.id", ondelete="CASCADE"), index=True
    )
    to_addr: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: extra headers (List-Unsubscribe…)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str] = mapped_column(String(200))
    #: a delivery status notification said it failed (``mail/bounces.py``): counted once
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: what each campaign kind needs of its recipient: a contact's consent purpose, or
#: "repertoire" (a structure's contact, consent on the structure), "animateur", "test",
#: "code" (a participant's personal code, on their request: any consent, not unsubscribed)
PURPOSE_OF_KIND: dict[str, str] = {
    "invitation": "invitations",
    "rappel": "invitations",
    "mise_a_jour": "invitations",
    "annulation": "invitations",
    "compte_rendu": "comptes_rendus",
    "rattrapage": "comptes_rendus",
    "repertoire": "repertoire",
    "digest": "animateur",
    "test": "test",
    "code": "code",
}
