"""The cycle's questions essentielles (with their history) and each step's runtime state:
shared by every activity that refers to a question."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow

QUESTION_STATUSES: dict[str, str] = {"validee": "validée", "retiree": "retirée"}


class QuestionEssentielle(Model):
    """A validated question essentielle of a cycle. Never deleted: a removed question keeps
    its rows (status ``retiree``) so that the actions and relations linked to it keep
    their history."""

    __tablename__ = "question_essentielle"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    #: order among the cycle's questions (1, 2, 3…; removed ones keep theirs)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    #: the enjeu it was drafted from, as it was worded then
    enjeu: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="validee")
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: votes received by the proposal it was validated from
    votes: Mapped[int] = mapped_column(Integer, default=0)
    validated_atelier_id: Mapped[int | None] = mapped_column(
        ForeignKey("atelier.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    revisions: Mapped[list[QuestionRevision]] = relationship(
        order_by="QuestionRevision.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def active(self) -> bool:
        return self.status == "validee"


class QuestionRevision(Model):
    """One change of a question: what it became, when, where, by whom."""

    __tablename__ = "question_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question_essentielle.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    #: validee / modifiee / deplacee / retiree / restauree
    change: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    atelier_id: Mapped[int | None] = mapped_column(ForeignKey("atelier.id", ondelete="SET NULL"))
    animateur_id: Mapped[int | None] = mapped_column(
        ForeignKey("animateur.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StepState(Model):
    """Runtime state of a step that its activity type keeps (e.g. the current phase)."""

    __tablename__ = "step_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(
        ForeignKey("step.id", ondelete="CASCADE"), unique=True, index=True
    )
    phase: Mapped[str] = mapped_column(String(32), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
