"""The cycle's questions essentielles changed during an atelier (``question_*`` actions of
the questions_essentielles and cartographie steps): the same verbs as between ateliers
(services/productions), plus the ``questions.updated`` envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitator.models import Step
from facilitator.services import events, live_common, productions
from facilitator.services.events import Viewer
from facilitator.services.question_views import record_questions


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
