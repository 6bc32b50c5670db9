"""Evaluation: answers (météo, utilité, suggestion), self-assessment of the five conditions
of collective impact, the cycle's indicator grid."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow

#: the five conditions of collective impact (GLOSSARY.md), key → French label
CONDITIONS: dict[str, str] = {
    "programme_commun": "Programme commun",
    "mesure_partagee": "Système de mesure partagé",
    "activites_renforcees": "Activités qui se renforcent mutuellement",
    "communication_continue": "Communication continue",
    "structure_soutien": "Structure de soutien",
}
#: the météo of an atelier (answer 1–5), value → French label
METEO: dict[int, str] = {
    1: "Orageux",
    2: "Pluvieux",
    3: "Nuageux",
    4: "Éclaircies",
    5: "Grand soleil",
}
#: how useful the atelier was (answer 1–5), value → French label
UTILITE: dict[int, str] = {
    1: "Pas utile",
    2: "Peu utile",
    3: "Assez utile",
    4: "Utile",
    5: "Très utile",
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


class EvaluationResponse(Model):
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


class ConditionAssessment(Model):
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


class CycleIndicator(Model):
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
