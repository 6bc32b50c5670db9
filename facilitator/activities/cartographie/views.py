"""Plain-data views of the cartographie des acteurs (the same for every role: the map is the
group's shared production), duplicate detection and the *angles morts*."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select

from facilitator.activities.cartographie import references
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
        "actor_id": action.actor_id,
        "text": action.text,
        "question_ids": [q.id for q in action.questions],
        "version": action.version,
        "author_id": action.participant_id,
    }


def actor_dict(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
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
        "actions": [action_dict(a) for a in actor.actions],
    }


def relation_dict(r: Relation) -> dict[str, Any]:
    return {
        "id": r.id,
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


def record_actor(change: events.LiveChange, actor: Actor) -> events.Event:
    """``map.actor``: the actor with its actions (reloaded: an action may just have moved)."""
    db.session.flush()
    db.session.refresh(actor, ["actions"])
    return change.record("map.actor", {"actor": actor_dict(actor)})


def record_relation(change: events.LiveChange, r: Relation) -> events.Event:
    return change.record("map.relation", {"relation": relation_dict(r)})


LABELS: dict[str, dict[str, str]] = {
    "types": STRUCTURE_TYPES,
    "champs": CHAMPS,
    "levels": COOPERATION_LEVELS,
    "statuses": RELATION_STATUSES,
    "natures": RELATION_NATURES,
}


def map_data(cycle_id: int) -> dict[str, Any]:
    """The whole map of a cycle: questions, actors with their actions, relations."""
    actors = references.load_actors(cycle_id)
    relations = db.session.scalars(
        select(Relation).where(Relation.cycle_id == cycle_id).order_by(Relation.id)
    ).all()
    return {
        "questions": productions.questions_list(cycle_id),
        "actors": [actor_dict(a) for a in actors],
        "relations": [relation_dict(r) for r in relations],
    }


def structures(cycle_id: int) -> list[dict[str, Any]]:
    """The cycle's répertoire, for « add an actor from the répertoire »."""
    on_map = dict(
        db.session.execute(
            select(Actor.structure_id, Actor.id).where(
                Actor.cycle_id == cycle_id, Actor.structure_id.is_not(None)
            )
        ).all()
    )
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
    settings = step.settings or {}
    return {
        **map_data(step.atelier.cycle_id),
        "structures": structures(step.atelier.cycle_id),
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
