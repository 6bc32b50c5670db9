"""What of the map points to the cycle's questions essentielles (actions, relations): the
``question_references`` hooks of the cartographie entry, read by core/questions.py when a
question is withdrawn and on the questions page; and the actors of a cycle, loaded once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from facilitator.activities.cartographie.models import Actor, ActorAction, Relation, action_question
from facilitator.extensions import db
from facilitator.models import QuestionEssentielle


def question_references(question_id: int) -> dict[str, list[dict[str, Any]]]:
    """What points to a question: actions (with their actor) and relations."""
    actions = db.session.execute(
        select(ActorAction.id, ActorAction.text, Actor.name)
        .join(action_question, action_question.c.action_id == ActorAction.id)
        .join(Actor, Actor.id == ActorAction.actor_id)
        .where(action_question.c.question_id == question_id)
        .order_by(Actor.name, ActorAction.id)
    ).all()
    relations = db.session.scalars(
        select(Relation).where(Relation.question_id == question_id).order_by(Relation.id)
    ).all()
    names = dict(
        db.session.execute(
            select(Actor.id, Actor.name).where(
                Actor.id.in_({r.source_id for r in relations} | {r.target_id for r in relations})
            )
        ).all()
    )
    return {
        "actions": [{"id": i, "text": t, "actor": n} for i, t, n in actions],
        "relations": [
            {"id": r.id, "source": names.get(r.source_id, ""), "target": names.get(r.target_id, "")}
            for r in relations
        ],
    }


def question_reference_counts(cycle_id: int) -> dict[int, dict[str, int]]:
    """question id → number of actions and relations linked to it."""
    out: dict[int, dict[str, int]] = {}
    actions = db.session.execute(
        select(action_question.c.question_id, func.count())
        .join(QuestionEssentielle, QuestionEssentielle.id == action_question.c.question_id)
        .where(QuestionEssentielle.cycle_id == cycle_id)
        .group_by(action_question.c.question_id)
    ).all()
    for qid, n in actions:
        out.setdefault(qid, {"actions": 0, "relations": 0})["actions"] = n
    relations = db.session.execute(
        select(Relation.question_id, func.count())
        .where(Relation.cycle_id == cycle_id, Relation.question_id.is_not(None))
        .group_by(Relation.question_id)
    ).all()
    for qid, n in relations:
        if qid is not None:  # excluded by the query; tells the type checker
            out.setdefault(qid, {"actions": 0, "relations": 0})["relations"] = n
    return out


def load_actors(cycle_id: int) -> list[Actor]:
    return list(
        db.session.scalars(
            select(Actor)
            .where(Actor.cycle_id == cycle_id)
            .options(selectinload(Actor.actions).selectinload(ActorAction.questions))
            .order_by(Actor.name, Actor.id)
        )
    )
