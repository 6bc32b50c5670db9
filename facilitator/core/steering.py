"""Animateur verbs that steer a live atelier: start, steps (follow me), flags, timer, close."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from facilitator.core import cards as board
from facilitator.core import events, group_ops, groups, signals
from facilitator.core.events import Viewer
from facilitator.core.visibility import atelier_dict, reveal_payload, step_dict, timer_dict
from facilitator.errors import DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, AtelierState, Contribution, Step, StepStatus
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

FLAGS = ("locked", "cards_visible", "results_visible", "anonymous")
MAX_TIMER_SECONDS = 4 * 3600


def _atelier(viewer: Viewer) -> Atelier:
    if not viewer.is_animateur:
        raise Forbidden("Réservé à l'animateur de l'atelier.")
    atelier = db.session.get(Atelier, viewer.atelier_id)
    if atelier is None:
        raise NotFound("Atelier introuvable.")
    return atelier


def _step(atelier: Atelier, step_id: int) -> Step:
    step = db.session.get(Step, step_id)
    if step is None or step.atelier_id != atelier.id:
        raise NotFound("Étape introuvable dans cet atelier.")
    return step


def _record_atelier(change: events.LiveChange, atelier: Atelier) -> events.Event:
    db.session.flush()
    return change.record(
        "atelier.updated",
        {"atelier": atelier_dict(atelier), "steps": [step_dict(s) for s in atelier.steps]},
    )


def start(viewer: Viewer) -> dict[str, Any]:
    atelier = _atelier(viewer)
    with events.live_change(atelier.id) as change:
        atelier.start()
        if atelier.current_step_id is None and atelier.steps:
            first = atelier.steps[0]
            first.status = StepStatus.ACTIVE
            atelier.current_step_id = first.id
        event = _record_atelier(change, atelier)
    log.info("atelier %s started", atelier.id)
    return {"seq": event.seq}


def close(viewer: Viewer) -> dict[str, Any]:
    atelier = _atelier(viewer)
    with events.live_change(atelier.id) as change:
        closing = atelier.state != AtelierState.CLOS
        atelier.close()
        event = _record_atelier(change, atelier)
    log.info("atelier %s closed", atelier.id)
    if closing:
        signals.atelier_closed.send(atelier.id)
    return {"seq": event.seq}


def goto_step(viewer: Viewer, step_id: int) -> dict[str, Any]:
    """Follow me: every participant's screen moves to this step."""
    atelier = _atelier(viewer)
    if atelier.state == "clos":
        raise DomainError("L'atelier est clos.", code="closed")
    target = _step(atelier, step_id)
    with events.live_change(atelier.id) as change:
        for step in atelier.steps:
            if step.position < target.position:
                step.status = StepStatus.DONE
            elif step.id == target.id:
                step.status = StepStatus.ACTIVE
            elif step.status == StepStatus.ACTIVE:
                step.status = StepStatus.PENDING
        atelier.current_step_id = target.id
        db.session.flush()
        # only what moving changes: each step's status (every client holds the steps'
        # descriptions since its snapshot; 1-5 KB per delivery otherwise, docs/protocol.md)
        event = change.record(
            "step.changed",
            {
                "current_step_id": target.id,
                "steps": [{"id": s.id, "status": s.status} for s in atelier.steps],
            },
        )
        _carry_cards(change, atelier, target)
    return {"seq": event.seq}


def _carry_cards(change: events.LiveChange, atelier: Atelier, target: Step) -> None:
    """A step with ``cards_from`` starts from the cards of that earlier step, once."""
    source_key = (target.settings or {}).get("cards_from")
    if not source_key:
        return
    has_cards = db.session.scalar(
        select(Contribution.id).where(Contribution.step_id == target.id).limit(1)
    )
    source = next((s for s in atelier.steps if s.key == source_key), None)
    if source is None or has_cards is not None:
        return
    count = board.copy_cards(change, source, target)
    log.info("%s cards carried from step %s to step %s", count, source.id, target.id)


def set_flags(viewer: Viewer, step_id: int, flags: dict[str, bool]) -> dict[str, Any]:
    """Lock / unlock, hide / reveal cards and results, anonymity."""
    atelier = _atelier(viewer)
    step = _step(atelier, step_id)
    unknown = set(flags) - set(FLAGS)
    if unknown or not flags:
        raise InvalidInput("Réglage inconnu : " + ", ".join(sorted(unknown) or ["aucun"]))
    with events.live_change(atelier.id) as change:
        became_visible = (flags.get("cards_visible") and not step.cards_visible) or (
            flags.get("results_visible") and not step.results_visible
        )
        changed_names = flags.get("anonymous") is not None and flags["anonymous"] != step.anonymous
        for name, value in flags.items():
            setattr(step, name, bool(value))
        db.session.flush()
        payload = {"step": step_dict(step)}
        public = dict(payload)
        if became_visible or changed_names:
            # participants get the cards / tallies they could not see, in one message
            public.update(reveal_payload(step))
        event = change.record(
            "step.updated", payload, public=events.SAME if public == payload else public
        )
        if became_visible and groups.separate(step):
            # each group's revealed cards reach its own members only: they read them again
            group_ops.announce(change, step)
    return {"seq": event.seq, "step": payload["step"]}


def group_message(
    viewer: Viewer, step_id: int, group_id: int | None, text: str, extra_minutes: int
) -> dict[str, Any]:
    """A message to every sub-group or to one (core/groups.py). Extra minutes for every
    group also extend the atelier's timer when one runs (or is paused); for one group they
    are a note on its members' screens (the atelier has one timer)."""
    payload = group_ops.message_payload(viewer, step_id, group_id, text, extra_minutes)
    atelier = _atelier(viewer)
    with events.live_change(atelier.id) as change:
        event = change.record("groups.message", payload, group_id=group_id)
        running = atelier.timer_ends_at is not None or atelier.timer_remaining is not None
        if group_id is None and extra_minutes and running:
            _set_timer(atelier, "add", extra_minutes * 60, utcnow())
            change.record("timer.updated", {"timer": timer_dict(atelier)})
    return {"seq": change.seq, "message_seq": event.seq}


def timer(viewer: Viewer, action: str, seconds: int | None = None) -> dict[str, Any]:
    """``start`` (with seconds), ``pause``, ``resume``, ``add`` (seconds), ``stop``.
    The timer informs; it never locks anything by itself."""
    atelier = _atelier(viewer)
    now = utcnow()
    with events.live_change(atelier.id) as change:
        _set_timer(atelier, action, seconds, now)
        event = change.record("timer.updated", {"timer": timer_dict(atelier)})
    return {"seq": event.seq, "timer": event.payload["timer"]}


def _set_timer(atelier: Atelier, action: str, seconds: int | None, now: datetime) -> None:
    if action in ("start", "add") and (seconds is None or not 1 <= seconds <= MAX_TIMER_SECONDS):
        raise InvalidInput("Durée du minuteur : entre 1 seconde et 4 heures.")
    if action == "start":
        atelier.timer_ends_at = now + timedelta(seconds=seconds or 0)
        atelier.timer_remaining = None
        atelier.timer_total = seconds
    elif action == "pause":
        if atelier.timer_ends_at is None:
            raise InvalidInput("Le minuteur n'est pas en marche.")
        left = max(0, round((atelier.timer_ends_at - now).total_seconds()))
        atelier.timer_ends_at, atelier.timer_remaining = None, left
    elif action == "resume":
        if atelier.timer_remaining is None:
            raise InvalidInput("Le minuteur n'est pas en pause.")
        atelier.timer_ends_at = now + timedelta(seconds=atelier.timer_remaining)
        atelier.timer_remaining = None
    elif action == "add":
        if atelier.timer_ends_at is not None:
            atelier.timer_ends_at += timedelta(seconds=seconds or 0)
        elif atelier.timer_remaining is not None:
            atelier.timer_remaining += seconds or 0
        else:
            raise InvalidInput("Aucun minuteur à prolonger.")
        atelier.timer_total = (atelier.timer_total or 0) + (seconds or 0)
    elif action == "stop":
        atelier.timer_ends_at = atelier.timer_remaining = atelier.timer_total = None
    else:
        raise InvalidInput(f"Action de minuteur inconnue « {action} ».")
