"""Plain-data views of the cartographie des acteurs (the same for every role: the map is the
group's shared production), duplicate detection and the *angles morts*."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select

from facilitator.activities.cartographie import grouping, references
from facilitator.activities.cartographie.models import (
    CHAMPS,
    COOPERATION_LEVELS,
    RELATION_NATURES,
    RELATION_STATUSES,
    Actor,
    ActorAction,
    Relation,
)
from facilitator.core import events
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Step, Structure

_STOP = {"le", "la", "les", "l", "de", "du", "des", "d", "et", "a", "au", "aux", "en", "the"}


def name_key(name: str) -> str:
    """What two names of the same actor have in common: no case, accents, punctuation or
    articles (« Le Centre social des Tilleuls » ≈ « centre-social Tilleuls »)."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP]
    return " ".join(words)


def champ_keys(values: list[str]) -> list[str]:
    """Champ keys from keys or free labels (a structure's champs are labels)."""
    by_label = {name_key(label): key for key, label in CHAMPS.items()}
    out: list[str] = []
    for value in values:
        key = value if value in CHAMPS else by_label.get(name_key(value))
        if key and key not in out:
            out.append(key)
    return out


def action_dict(action: ActorAction) -> dict[str, Any]:
    return {
        "id": action.id,
        "group_id": action.group_id,
        "actor_id": action.actor_id,
        "text": action.text,
        "question_ids": [q.id for q in action.questions],
        "version": action.version,
        "author_id": action.participant_id,
    }


def actor_dict(actor: Actor, concealed: frozenset[int] = frozenset()) -> dict[str, Any]:
    """An actor with its actions, but those of the ``concealed`` groups (grouping.py)."""
    return {
        "id": actor.id,
        "group_id": actor.group_id,
        "name": actor.name,
        "type": actor.type,
        "champs": list(actor.champs or []),
        "territoire": actor.territoire,
        "structure_id": actor.structure_id,
        "aliases": list(actor.aliases or []),
        "validated": actor.validated,
        "x": actor.x,
        "y": actor.y,
        "version": actor.version,
        "author_id": actor.participant_id,
        "actions": [action_dict(a) for a in actor.actions if a.group_id not in concealed],
    }


def relation_dict(r: Relation) -> dict[str, Any]:
    return {
        "id": r.id,
        "group_id": r.group_id,
        "source_id": r.source_id,
        "target_id": r.target_id,
        "status": r.status,
        "level": r.level,
        "natures": list(r.natures or []),
        "question_id": r.question_id,
        "comment": r.comment,
        "validated": r.validated,
        "version": r.version,
        "author_id": r.participant_id,
    }


def record_actor(
    change: events.LiveChange, step: Step, actor: Actor, group_id: int | None = None
) -> events.Event:
    """``map.actor``: the actor with its actions (reloaded: an action may just have moved).
    While groups work apart it reaches the actor's group, or the group of the action that
    changed (``group_id``), and participants get the actions they may see (grouping.py)."""
    db.session.flush()
    db.session.refresh(actor, ["actions"])
    full = actor_dict(actor)
    audience = grouping.audience(step, actor.group_id, group_id)
    public = grouping.actions_for(full, step, audience)
    return change.record(
        "map.actor",
        {"actor": full},
        public=events.SAME if public is None else {"actor": public},
        group_id=audience,
    )


def record_relation(change: events.LiveChange, step: Step, r: Relation) -> events.Event:
    """``map.relation``: to the relation's group (or its actors') while groups work apart."""
    ends = db.session.execute(
        select(Actor.group_id).where(Actor.id.in_([r.source_id, r.target_id]))
    ).scalars()
    audience = grouping.audience(step, r.group_id, *ends)
    return change.record("map.relation", {"relation": relation_dict(r)}, group_id=audience)


LABELS: dict[str, dict[str, str]] = {
    "types": STRUCTURE_TYPES,
    "champs": CHAMPS,
    "levels": COOPERATION_LEVELS,
    "statuses": RELATION_STATUSES,
    "natures": RELATION_NATURES,
}


def map_data(cycle_id: int) -> dict[str, Any]:
    """The whole map of a cycle: questions, actors with their actions, relations (each
    with the sub-group that added it, if any)."""
    actors = references.load_actors(cycle_id)
    relations = db.session.scalars(
        select(Relation).where(Relation.cycle_id == cycle_id).order_by(Relation.id)
    ).all()
    return {
        "questions": productions.questions_list(cycle_id),
        "actors": [actor_dict(a) for a in actors],
        "relations": [relation_dict(r) for r in relations],
    }


def structures(cycle_id: int, concealed: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    """The cycle's répertoire, for « add an actor from the répertoire » (the actors the
    ``concealed`` groups added are not on the map yet for this viewer)."""
    query = select(Actor.structure_id, Actor.id).where(
        Actor.cycle_id == cycle_id, Actor.structure_id.is_not(None)
    )
    if concealed:
        query = query.where(Actor.group_id.is_(None) | Actor.group_id.not_in(concealed))
    on_map = dict(db.session.execute(query).all())
    rows = db.session.scalars(
        select(Structure).where(Structure.cycle_id == cycle_id).order_by(Structure.name)
    ).all()
    return [
        {
            "id": s.id,
            "name": s.name,
            "type": s.type,
            "champs": champ_keys(list(s.champs or [])),
            "territoire": s.territoire,
            "actor_id": on_map.get(s.id),
        }
        for s in rows
    ]


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    """The map as ``viewer`` may see it; while groups work apart, a participant's leaves out
    the other groups' additions (grouping.py). ``group_additions``: the grouped items the
    console's counts and the wall's grid read (static/js/groups.js)."""
    settings = step.settings or {}
    concealed = grouping.hidden(step, viewer)
    data = grouping.visible_map(map_data(step.atelier.cycle_id), concealed)
    return {
        **data,
        "group_items": "group_additions",
        "group_additions": grouping.additions(data),
        "structures": structures(step.atelier.cycle_id, concealed),
        "labels": LABELS,
        "focus": settings.get("focus", "tout"),
        "view": settings.get("view", "graphe"),
    }


def blind_spots(data: dict[str, Any]) -> dict[str, Any]:
    """*Angles morts* of a map (``map_data``): actors without any relation, active questions
    without any action (and so without actors), questions without relations."""
    linked = {r["source_id"] for r in data["relations"]} | {
        r["target_id"] for r in data["relations"]
    }
    alone = [a for a in data["actors"] if a["id"] not in linked]
    served: dict[int, set[int]] = {}
    for actor in data["actors"]:
        for action in actor["actions"]:
            for qid in action["question_ids"]:
                served.setdefault(qid, set()).add(actor["id"])
    with_relations = {r["question_id"] for r in data["relations"] if r["question_id"]}
    active = [q for q in data["questions"] if q["active"]]
    return {
        "isolated_actors": alone,
        "questions_without_actions": [q for q in active if not served.get(q["id"])],
        "questions_without_relations": [q for q in active if q["id"] not in with_relations],
        "actors_by_question": {qid: len(ids) for qid, ids in served.items()},
    }
