"""Facts about a cycle that every document prints (title, thème, territoire, animateurs),
read once as plain data (``rendering.context.CycleInfo``); the loading of an activity's
steps for its documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from facilitator.contract import ProductionCount
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Cycle, CycleAnimateur, Event, Step
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


@dataclass(frozen=True)
class Fact:
    """One stored production event, attributed to the atelier whose log holds it and to the
    step that was current in that atelier when it was recorded (None: before the first step
    was opened, or between ateliers)."""

    atelier_id: int
    step_id: int | None
    seq: int
    type: str
    payload: dict[str, Any]
    at: datetime


def production_facts(cycle_id: int, types: tuple[str, ...]) -> list[Fact]:
    """The events of ``types`` of every atelier of the cycle, in the order they happened
    (atelier position, then seq), each with the step current when it was recorded. The
    current step is read from the same log (``step.changed`` and ``atelier.updated``
    carry ``current_step_id``), so a document built later tells the same story."""
    rows = db.session.execute(
        select(Event.atelier_id, Event.seq, Event.type, Event.payload, Event.created_at)
        .join(Atelier, Atelier.id == Event.atelier_id)
        .where(Atelier.cycle_id == cycle_id, Event.type.in_((*types, *_STEP_EVENTS)))
        .order_by(Atelier.position, Atelier.id, Event.seq)
    ).all()
    out: list[Fact] = []
    current: dict[int, int | None] = {}
    for atelier_id, seq, type_, payload, at in rows:
        if type_ in _STEP_EVENTS:
            step = _current_step(type_, payload)
            if step is not None:
                current[atelier_id] = step
            if type_ not in types:
                continue
        out.append(Fact(atelier_id, current.get(atelier_id), seq, type_, payload or {}, at))
    return out


_STEP_EVENTS = ("step.changed", "atelier.updated")


def _current_step(type_: str, payload: dict[str, Any] | None) -> int | None:
    if not payload:
        return None
    if type_ == "step.changed":
        value = payload.get("current_step_id")
    else:
        value = (payload.get("atelier") or {}).get("current_step_id")
    return value if isinstance(value, int) else None


def first_seen(facts: list[Fact], key: str) -> dict[int, Fact]:
    """Object id → the fact that first carried it (``payload[key]["id"]``): where and when
    the object was created."""
    out: dict[int, Fact] = {}
    for fact in facts:
        obj = fact.payload.get(key)
        if isinstance(obj, dict) and isinstance(obj.get("id"), int):
            out.setdefault(obj["id"], fact)
    return out


def per_atelier(
    cycle_id: int,
    atelier_column: Any,
    *where: Any,
    total: Any = None,
    via_step: Any = None,
) -> dict[int, int]:
    """Atelier id → how many rows (or the sum of ``total``) of a table, counted in the
    atelier named by ``atelier_column`` — or, with ``via_step`` (a ``step_id`` column), in
    the atelier of that step."""
    measure = func.coalesce(func.sum(total), 0) if total is not None else func.count()
    if via_step is not None:
        stmt = (
            select(Step.atelier_id, measure)
            .select_from(via_step.class_)
            .join(Step, Step.id == via_step)
            .join(Atelier, Atelier.id == Step.atelier_id)
            .group_by(Step.atelier_id)
        )
    else:
        stmt = (
            select(atelier_column, measure)
            .join(Atelier, Atelier.id == atelier_column)
            .group_by(atelier_column)
        )
    stmt = stmt.where(Atelier.cycle_id == cycle_id, *where)
    return {int(a): int(n) for a, n in db.session.execute(stmt).all() if n}


def counts(
    found: dict[int, int], what: str, plural: str, *, vote: bool = False
) -> list[ProductionCount]:
    """``per_atelier``'s figures as the synthèse's production counts."""
    return [ProductionCount(a, what, plural, n, vote) for a, n in found.items()]


def first_seen_counts(facts: list[Fact], key: str) -> dict[int, int]:
    """Atelier id → how many objects (``payload[key]``) were first seen in its log."""
    out: dict[int, int] = {}
    for fact in first_seen(facts, key).values():
        out[fact.atelier_id] = out.get(fact.atelier_id, 0) + 1
    return out
