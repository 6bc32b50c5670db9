"""Sub-groups of a step (issue 18): a step may run in groups — tables working in parallel,
then the mise en commun. A group belongs to one step; a participant is in at most one
group of a step; the cards written in a group carry it (``Contribution.group_id``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import Model


class StepGroup(Model):
    """One group of a step: a name, its order, optionally the question essentielle it
    works on."""

    __tablename__ = "step_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_essentielle.id", ondelete="SET NULL")
    )


class GroupMember(Model):
    """A participant in a group of a step (one group per step: moving replaces the row)."""

    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("step_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(
        ForeignKey("step_group.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
