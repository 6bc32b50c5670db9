"""Cycle life between ateliers (issue 9): participants' visits, the répertoire's entries
(contact with consent, self-update link), the public restitution, the evaluation (answers,
self-assessment of the five conditions of collective impact, indicator grid).

Secrets are stored as SHA-256 (self-update link) or regenerated on import
(``facilitator/portability.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import db
from facilitator.models._types import UTCDateTime, utcnow

#: the five conditions of collective impact (GLOSSARY.md), key → French label
CONDITIONS: dict[str, str] = {
    "programme_commun": "Programme commun",
    "mesure_partagee": "Système de mesure partagé",
    "activites_renforcees": "Activités qui se renforcent mutuellement",
    "communication_continue": "Communication continue",
    "structure_soutien": "Structure de soutien",
}
#: levels of a condition (self-assessment), value → French label
CONDITION_LEVELS: dict[int, str] = {
    1: "absente",
    2: "émergente",
    3: "en place",
    4: "solide",
}
INDICATOR_KINDS: dict[str, str] = {
    "effectivite": "Indicateur d'effectivité",
    "impact": "Indicateur d'impact",
}


class ParticipantVisit(db.Model):
    """When a participant last opened the cycle page: ``previous_at`` is the start of the
    visit before the current one, what « ce qui a changé » is measured from."""

    __tablename__ = "participant_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), unique=True
    )
    previous_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StructureProfile(db.Model):
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


class Restitution(db.Model):
    """The cycle's public, read-only restitution page."""

    __tablename__ = "restitution"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), unique=True)
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    intro: Mapped[str] = mapped_column(Text, default="")


class EvaluationResponse(db.Model):
    """One participant's answer to an ``evaluation`` step (one per step, re-editable).
    Shown only as anonymous aggregates."""

    __tablename__ = "evaluation_response"
    __table_args__ = (UniqueConstraint("step_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    #: 1 (orageux) … 5 (grand soleil)
    meteo: Mapped[int | None] = mapped_column(Integer)
    #: 1 (pas utile) … 5 (très utile)
    utilite: Mapped[int | None] = mapped_column(Integer)
    suggestion: Mapped[str] = mapped_column(Text, default="")
    #: condition key → level 1–4 (when the step asks for the self-assessment)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ConditionAssessment(db.Model):
    """The animateur's rating of one condition of collective impact at one atelier
    (``atelier_id`` None: the cycle as a whole)."""

    __tablename__ = "condition_assessment"
    __table_args__ = (UniqueConstraint("cycle_id", "atelier_id", "condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    atelier_id: Mapped[int | None] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"))
    condition: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CycleIndicator(db.Model):
    """A line of the cycle's indicator grid, filled in by the animateur."""

    __tablename__ = "cycle_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16), default="effectivite")
    label: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(300), default="")
    value: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
