"""Proposals of wordings and their dot votes (the questions essentielles step)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import Model
from facilitator.models._types import UTCDateTime, utcnow


class QuestionProposal(Model):
    """A wording proposed during a ``questions_essentielles`` step (atelier work, not yet a
    production). ``status``: active / merged (into another proposal) / deleted /
    validated (became ``question``)."""

    __tablename__ = "question_proposal"
    __table_args__ = (UniqueConstraint("atelier_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"))
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    animateur_id: Mapped[int | None] = mapped_column(
        ForeignKey("animateur.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    enjeu: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_essentielle.id", ondelete="SET NULL")
    )
    #: plain data: ``merged_from`` (texts), ``privacy`` (kinds confirmed by the author)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalVote(Model):
    __tablename__ = "proposal_vote"
    __table_args__ = (UniqueConstraint("participant_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("question_proposal.id", ondelete="CASCADE"), index=True
    )
    weight: Mapped[int] = mapped_column(Integer, default=1)
