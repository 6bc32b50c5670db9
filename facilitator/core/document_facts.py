"""Facts about a cycle that every document prints (title, thème, territoire, animateurs),
read once as plain data (``rendering.context.CycleInfo``); the loading of an activity's
steps for its documents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Animateur, Cycle, CycleAnimateur, Step
from facilitator.rendering.context import CycleInfo
from facilitator.rendering.model import plain
from facilitator.rendering.sections import ActivityDocuments


def cycle_info(cycle: Cycle) -> CycleInfo:
    names = db.session.scalars(
        select(Animateur.name)
        .join(CycleAnimateur, CycleAnimateur.animateur_id == Animateur.id)
        .where(CycleAnimateur.cycle_id == cycle.id, CycleAnimateur.role != "observateur")
        # the owner first, then co-animateurs in the order they were invited
        .order_by((CycleAnimateur.role != "owner"), CycleAnimateur.id)
    ).all()
    return CycleInfo(
        title=plain(cycle.title),
        theme=plain(cycle.theme),
        territoire=plain(cycle.territoire),
        animateurs=tuple(plain(n) for n in names),
    )


class PerStepDocuments(ActivityDocuments):
    """The document module of a type whose steps each load their own data (``load_step``)."""

    @classmethod
    def load_step(cls, step: Step) -> Any:
        """One step's extra plain data (context phase: may query the database)."""
        raise NotImplementedError

    @classmethod
    def load_steps(cls, step_ids: list[int]) -> dict[int, Any]:
        rows = db.session.scalars(select(Step).where(Step.id.in_(step_ids))).all()
        return {step.id: cls.load_step(step) for step in rows}
