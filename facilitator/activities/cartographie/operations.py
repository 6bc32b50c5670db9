"""Live verbs of the ``cartographie`` activity: the actors (their actions are in
operations_actions.py, the relations and merges in operations_relations.py, what they share
in operations_rows.py). The map belongs to the cycle: it persists across ateliers and any
later atelier extends it.

Rights: participants add; they edit what is not validated yet and delete what they added
(while not validated); the animateur does everything, validates, merges duplicates, moves
actors on the map and actions between actors. Edits carry the version they start from: a
stale one is refused with the fresh data (``conflict``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from facilitator.activities.cartographie import grouping
from facilitator.activities.cartographie.models import CHAMPS, Actor, Relation
from facilitator.activities.cartographie.operations_rows import (
    ACTOR,
    actor_of,
    add_row,
    chosen,
    delete_row,
    edit_row,
    validate_row,
)
from facilitator.activities.cartographie.schemas import (
    ActorAdd,
    ActorEdit,
    ActorFields,
    ActorMove,
    ActorRef,
    ActorValidate,
)
from facilitator.activities.cartographie.views import actor_dict, champ_keys, name_key
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Step, Structure

MAX_NAME = 160


_ONE = {"type": (STRUCTURE_TYPES, "Type d'acteur inconnu : choisissez-en un dans la liste.")}
_SOME = {"champs": (CHAMPS, "Champ d'intervention inconnu : ")}


def _fields(viewer: Viewer, step: Step, data: ActorFields, actor: Actor | None) -> dict[str, Any]:
    """Validated values of the fields present in ``data``."""
    out: dict[str, Any] = {}
    if data.name is not None:
        out["name"] = live_common.clean_text(data.name, MAX_NAME, "Le nom de l'acteur")
    out.update(chosen(data, _ONE, _SOME))
    if data.territoire is not None:
        out["territoire"] = " ".join(data.territoire.split())[:160]
    if "structure_id" in data.model_fields_set:
        out["structure_id"] = None
        if data.structure_id is not None:
            structure = db.session.get(Structure, data.structure_id)
            if structure is None or structure.cycle_id != step.atelier.cycle_id:
                raise NotFound("Cette structure n'est pas dans le répertoire du cycle.")
            taken = db.session.scalar(
                _seen_by(viewer, step).where(
                    Actor.structure_id == structure.id, Actor.id != _id(actor)
                )
            )
            if taken is not None:
                raise InvalidInput(
                    f"« {structure.name} » est déjà sur la carte.",
                    code="duplicate",
                    actor=actor_dict(taken),
                )
            out["structure_id"] = structure.id
    return out


def _id(actor: Actor | None) -> int:
    return actor.id if actor is not None else 0


def _seen_by(viewer: Viewer, step: Step) -> Select[Actor]:
    """The actors of the map ``viewer`` may see: not another group's additions while groups
    work apart (two groups may add the same actor: the animateur merges them at the mise
    en commun)."""
    query = select(Actor).where(Actor.cycle_id == step.atelier.cycle_id)
    concealed = grouping.hidden(step, viewer)
    if concealed:
        query = query.where(Actor.group_id.is_(None) | Actor.group_id.not_in(concealed))
    return query


def _check_name(viewer: Viewer, step: Step, name: str, actor: Actor | None) -> None:
    """Refuse a name another actor of the map already has (or had, before a merge)."""
    key = name_key(name)
    if not key:
        return
    concealed = grouping.hidden(step, viewer)
    for other in db.session.scalars(_seen_by(viewer, step).where(Actor.id != _id(actor))):
        if key in {name_key(n) for n in [other.name, *(other.aliases or [])]}:
            raise InvalidInput(
                f"« {other.name} » est déjà sur la carte : utilisez-le, ou confirmez qu'il "
                "s'agit d'un autre acteur (l'animateur pourra les fusionner).",
                code="duplicate",
                actor=actor_dict(other, concealed),
            )


def actor_add(viewer: Viewer, step: Step, data: ActorAdd) -> dict[str, Any]:
    def fields() -> dict[str, Any]:
        out = _fields(viewer, step, data, None)
        structure = None
        if out.get("structure_id") is not None:
            structure = db.session.get(Structure, out["structure_id"])
            assert structure is not None
        if "name" not in out:
            if structure is None:
                raise InvalidInput("Indiquez le nom de l'acteur.", code="empty")
            out["name"] = structure.name
        if structure is not None:
            out.setdefault("type", structure.type if structure.type in STRUCTURE_TYPES else "autre")
            out.setdefault("territoire", structure.territoire)
            out.setdefault("champs", champ_keys(list(structure.champs or [])))
        out.setdefault("type", "autre")
        if not data.confirm_duplicate:
            _check_name(viewer, step, out["name"], None)
        return {"champs": [], "territoire": "", "aliases": [], **out}

    return add_row(viewer, step, ACTOR, data.client_id, fields)


def actor_edit(viewer: Viewer, step: Step, data: ActorEdit) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    actor = actor_of(step, data.actor_id, viewer)

    def fields() -> dict[str, Any]:
        out = _fields(viewer, step, data, actor)
        if "name" in out and out["name"] != actor.name and not data.confirm_duplicate:
            _check_name(viewer, step, out["name"], actor)
        return out

    return edit_row(viewer, step, actor, ACTOR, data.version, fields)


def actor_move(viewer: Viewer, step: Step, data: ActorMove) -> dict[str, Any]:
    """Pin an actor on the map (x, y in 0–1000) or let the layout place it (null)."""
    live_common.require_animateur(viewer, "Seul l'animateur déplace les acteurs sur la carte.")
    step.atelier.require_open()
    with events.live_change(viewer.atelier_id) as change:
        moved = []
        for item in data.positions:
            actor = actor_of(step, item.actor_id)
            actor.x, actor.y = item.x, item.y
            moved.append(actor)
        payload = {"positions": [{"actor_id": a.id, "x": a.x, "y": a.y} for a in moved]}
        event = change.record("map.layout", payload)
    return {**payload, "seq": event.seq}


def actor_validate(viewer: Viewer, step: Step, data: ActorValidate) -> dict[str, Any]:
    return validate_row(viewer, step, ACTOR, data.actor_id, data.validated)


def actor_delete(viewer: Viewer, step: Step, data: ActorRef) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    actor = actor_of(step, data.actor_id, viewer)

    def payload() -> dict[str, Any]:
        relations = db.session.scalars(
            select(Relation.id).where(
                (Relation.source_id == actor.id) | (Relation.target_id == actor.id)
            )
        ).all()
        return {"actor_id": actor.id, "relation_ids": list(relations), "merged_into": None}

    actions = len(actor.actions)
    return delete_row(viewer, step, actor, ACTOR, "map.actor_deleted", payload, actions=actions)
