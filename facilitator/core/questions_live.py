"""The cycle's questions essentielles changed during an atelier (``question_*`` actions of
the questions_essentielles and cartographie steps): the same verbs as between ateliers
(services/productions), plus the ``questions.updated`` envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field

from facilitator.contract import ActionSpec
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.models import Step
from facilitator.validation import Id, Payload


def _run(viewer: Viewer, step: Step, change: Callable[[dict[str, Any]], Any]) -> Any:
    live_common.require_animateur(viewer, "Seul l'animateur modifie les questions essentielles.")
    step.atelier.require_open()
    seq = events.next_seq(viewer.atelier_id)
    result = change({"atelier_id": viewer.atelier_id, "animateur_id": viewer.animateur_id})
    record_questions(viewer.atelier_id, step.atelier.cycle_id, seq=seq)
    return result


def _done(viewer: Viewer, step: Step, **extra: Any) -> dict[str, Any]:
    event = events.commit()[-1]
    return {
        "questions": productions.questions_list(step.atelier.cycle_id),
        "seq": event.seq,
        **extra,
    }


def question_edit(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    _run(
        viewer,
        step,
        lambda who: productions.edit_question(
            cycle_id, data.question_id, data.version, data.text, **who
        ),
    )
    return _done(viewer, step)


def question_move(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    _run(
        viewer,
        step,
        lambda who: productions.move_question(cycle_id, data.question_id, data.position, **who),
    )
    return _done(viewer, step)


def question_remove(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    _q, affected = _run(
        viewer,
        step,
        lambda who: productions.remove_question(cycle_id, data.question_id, data.version, **who),
    )
    return _done(viewer, step, affected=affected, message_fr=productions.affected_text(affected))


def question_restore(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    _run(
        viewer,
        step,
        lambda who: productions.restore_question(cycle_id, data.question_id, **who),
    )
    return _done(viewer, step)


def record_questions(atelier_id: int, cycle_id: int, seq: int | None = None) -> events.Event:
    """``questions.updated``: the cycle's questions, whole (there are a handful)."""
    return events.record(
        atelier_id,
        "questions.updated",
        {"questions": productions.questions_list(cycle_id)},
        seq=seq,
    )


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


#: the cycle's questions, changed live by the animateur (shared with cartographie)
QUESTION_ACTIONS: dict[str, ActionSpec] = {
    "question_edit": ActionSpec(QuestionEdit, question_edit),
    "question_move": ActionSpec(QuestionMove, question_move),
    "question_remove": ActionSpec(QuestionRemove, question_remove),
    "question_restore": ActionSpec(QuestionRef, question_restore),
}
