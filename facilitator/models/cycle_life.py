"""Cycle life between ateliers (issue 9): participants' visits, the répertoire's entries
(contact with consent, self-update link), the public restitution, the evaluation (answers,
self-assessment of the five conditions of collective impact, indicator grid).

Secrets are stored as SHA-256 (self-update link) or regenerated on import
(``facilitator/portability.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow


class ParticipantVisit(Model):
    """When a participant last opened the cycle page: ``previous_at`` is the start of the
    visit before the current one, what « ce qui a changé » is measured from."""

    __tablename__ = "participant_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), unique=True
    )
    previous_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StructureProfile(Model):
    """The répertoire's entry of a structure beyond its name, type, champs and territoire
    (kept on ``structure``): its actions in its own words and an optional contact person,
    kept only with the person's consent (``contact_consent_at``)."""

    __tablename__ = "structure_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(
        ForeignKey("structure.id", ondelete="CASCADE"), unique=True
    )
    actions: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_role: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    #: set when the consent box was ticked; None: no contact is kept or shown
    contact_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the secret self-update link (None: no link)
    update_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: "animateur" or "structure" (through its link)
    updated_by: Mapped[str] = mapped_column(String(16), default="animateur")


class Restitution(Model):
    """The cycle's public, read-only restitution page."""

    __tablename__ = "restitution"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), unique=True)
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    intro: Mapped[str] = mapped_column(Text, default="")
