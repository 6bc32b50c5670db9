"""The cycle's questions essentielles changed during an atelier (``question_*`` actions of
the questions_essentielles and cartographie steps): the same verbs as between ateliers
(core/questions), plus the ``questions.updated`` envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import Field

from facilitator.contract import ActionSpec
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.models import Step
from facilitator.validation import Id, Payload

T = TypeVar("T")


class QuestionEdit(Payload):
    question_id: int = Id
    version: int = Field(ge=1)
    text: str = Field(max_length=5000)


class QuestionMove(Payload):
    question_id: int = Id
    position: int = Field(ge=1, le=100)


class QuestionRemove(Payload):
    question_id: int = Id
    version: int = Field(ge=1)


class QuestionRef(Payload):
    question_id: int = Id


def _change(
    viewer: Viewer, step: Step, verb: Callable[[dict[str, Any]], T]
) -> tuple[T, dict[str, Any]]:
    """Run ``verb(who)`` (a verb of core/questions) as a live change of the atelier that
    records ``questions.updated``; returns its result and the ack (the cycle's questions
    and the seq)."""
    live_common.require_animateur(viewer, "Seul l'animateur modifie les questions essentielles.")
    step.atelier.require_open()
    with events.live_change(viewer.atelier_id) as change:
        result = verb({"atelier_id": viewer.atelier_id, "animateur_id": viewer.animateur_id})
        event = record_questions(change, step.atelier.cycle_id)
    questions = productions.questions_list(step.atelier.cycle_id)
    return result, {"questions": questions, "seq": event.seq}


def question_edit(viewer: Viewer, step: Step, data: QuestionEdit) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    _q, ack = _change(
        viewer,
        step,
        lambda who: productions.edit_question(
            cycle_id, data.question_id, data.version, data.text, **who
        ),
    )
    return ack


def question_move(viewer: Viewer, step: Step, data: QuestionMove) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    _q, ack = _change(
        viewer,
        step,
        lambda who: productions.move_question(cycle_id, data.question_id, data.position, **who),
    )
    return ack


def question_remove(viewer: Viewer, step: Step, data: QuestionRemove) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    (_q, affected), ack = _change(
        viewer,
        step,
        lambda who: productions.remove_question(cycle_id, data.question_id, data.version, **who),
    )
    return {**ack, "affected": affected, "message_fr": productions.affected_text(affected)}


def question_restore(viewer: Viewer, step: Step, data: QuestionRef) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    _q, ack = _change(
        viewer,
        step,
        lambda who: productions.restore_question(cycle_id, data.question_id, **who),
    )
    return ack


def record_questions(change: events.LiveChange, cycle_id: int) -> events.Event:
    """``questions.updated``: the cycle's questions, whole (there are a handful)."""
    return change.record("questions.updated", {"questions": productions.questions_list(cycle_id)})


#: the cycle's questions, changed live by the animateur (shared with cartographie)
QUESTION_ACTIONS: dict[str, ActionSpec] = {
    "question_edit": ActionSpec(QuestionEdit, question_edit),
    "question_move": ActionSpec(QuestionMove, question_move),
    "question_remove": ActionSpec(QuestionRemove, question_remove),
    "question_restore": ActionSpec(QuestionRef, question_restore),
}
