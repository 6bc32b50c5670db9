"""Live verbs of the ``cartographie`` activity: the actions of an actor (what it does,
for which questions essentielles). Whoever wrote an action may change it; others only while
the actor is not validated; the animateur may move it to another actor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.activities.cartographie import grouping
from facilitator.activities.cartographie.models import ActorAction
from facilitator.activities.cartographie.operations_rows import (
    actor_of,
    may_delete,
    may_edit,
    require_group_work,
)
from facilitator.activities.cartographie.schemas import ActionAdd, ActionEdit, ActionRef
from facilitator.activities.cartographie.views import actor_dict, record_actor
from facilitator.core import events, groups
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, NotFound
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.models.questions import QuestionEssentielle

MAX_ACTION = 300


def _questions(step: Step, ids: list[int]) -> list[QuestionEssentielle]:
    return productions.active_questions(step.atelier.cycle_id, ids)


def _action(viewer: Viewer, step: Step, action_id: int) -> ActorAction:
    """The action with this id on the map ``viewer`` sees (another group's action, or an
    action on another group's actor, does not exist for them while groups work apart)."""
    action = db.session.get(ActorAction, action_id)
    concealed = grouping.hidden(step, viewer)
    if (
        action is None
        or action.actor.cycle_id != step.atelier.cycle_id
        or action.group_id in concealed
        or action.actor.group_id in concealed
    ):
        raise NotFound("Cette action n'existe plus.")
    return action


def _text(text: str, confirm_personal: bool) -> str:
    text = live_common.clean_text(text, MAX_ACTION, "L'action")
    live_common.check_privacy(text, confirm_personal)
    return text


def action_add(viewer: Viewer, step: Step, data: ActionAdd) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    actor = actor_of(step, data.actor_id, viewer)
    concealed = grouping.hidden(step, viewer)
    existing = db.session.scalar(
        select(ActorAction).where(
            ActorAction.actor_id == actor.id, ActorAction.client_id == data.client_id
        )
    )
    if existing is not None:
        seq = events.current_seq(viewer.atelier_id)
        mine = actor_dict(actor, concealed)
        return {"actor": mine, "action_id": existing.id, "duplicate": True, "seq": seq}
    text = _text(data.text, data.confirm_personal)
    questions = _questions(step, data.question_ids)
    group_id = groups.group_for_new(viewer, step)
    with events.live_change(viewer.atelier_id) as change:
        action = ActorAction(
            actor_id=actor.id,
            client_id=data.client_id,
            text=text,
            participant_id=viewer.participant_id,
            questions=questions,
            group_id=group_id,
        )
        db.session.add(action)
        event = record_actor(change, step, actor, group_id)
    mine = grouping.seen(viewer, event)["actor"]
    return {"actor": mine, "action_id": action.id, "seq": event.seq}


def action_edit(viewer: Viewer, step: Step, data: ActionEdit) -> dict[str, Any]:
    """Text and questions; the animateur may also move the action to another actor."""
    live_common.require_writer(viewer, step)
    action = _action(viewer, step, data.action_id)
    actor = action.actor
    concealed = grouping.hidden(step, viewer)
    if action.version != data.version:
        raise Conflict(
            "Cette action a été modifiée entre-temps : voici la fiche actuelle de l'acteur.",
            actor=actor_dict(actor, concealed),
        )
    if action.participant_id != viewer.participant_id:
        may_edit(viewer, actor.validated, "Cet acteur")
    require_group_work(viewer, step, action.group_id)
    with events.live_change(viewer.atelier_id) as change:
        if data.text is not None:
            action.text = _text(data.text, data.confirm_personal)
        if data.question_ids is not None:
            action.questions = _questions(step, data.question_ids)
        touched = [actor]
        if data.actor_id is not None and data.actor_id != actor.id:
            live_common.require_animateur(viewer, "Seul l'animateur déplace une action.")
            target = actor_of(step, data.actor_id)
            action.actor = target
            touched.append(target)
        action.version += 1
        for changed in touched:
            record_actor(change, step, changed, action.group_id)
    return {"actors": [actor_dict(a, concealed) for a in touched], "seq": change.seq}


def action_delete(viewer: Viewer, step: Step, data: ActionRef) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    action = _action(viewer, step, data.action_id)
    actor = action.actor
    if action.participant_id != viewer.participant_id:
        may_delete(viewer, actor.validated, None, "cette action")
    require_group_work(viewer, step, action.group_id)
    with events.live_change(viewer.atelier_id) as change:
        group_id = action.group_id
        db.session.delete(action)
        event = record_actor(change, step, actor, group_id)
    return {"actor": grouping.seen(viewer, event)["actor"], "seq": event.seq}
