"""Live verbs of the ``cartographie`` activity: actors and their actions (relations are in
services/relations.py). The map belongs to the cycle: it persists across ateliers and any
later atelier extends it.

Rights: participants add; they edit what is not validated yet and delete what they added
(while not validated); the animateur does everything, validates, merges duplicates, moves
actors on the map and actions between actors. Edits carry the version they start from: a
stale one is refused with the fresh data (``conflict``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from facilitator.activities.cartographie.models import CHAMPS, Actor, ActorAction, Relation
from facilitator.activities.cartographie.views import actor_dict, champ_keys, name_key, record_actor
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Step, Structure
from facilitator.models.questions import QuestionEssentielle

log = logging.getLogger(__name__)

MAX_NAME = 160
MAX_ACTION = 300


def actor_of(step: Step, actor_id: int) -> Actor:
    actor = db.session.get(Actor, actor_id)
    if actor is None or actor.cycle_id != step.atelier.cycle_id:
        raise NotFound("Cet acteur n'est plus sur la carte (supprimé ou fusionné).")
    return actor


def _stale(actor: Actor, version: int) -> None:
    if actor.version != version:
        raise Conflict(
            "Cet acteur a été modifié entre-temps par quelqu'un d'autre : voici sa version "
            "actuelle. Reprenez votre modification à partir d'elle.",
            actor=actor_dict(actor),
        )


def may_edit(viewer: Viewer, validated: bool, what: str) -> None:
    if validated and not viewer.is_animateur:
        raise Forbidden(f"{what} a été validé par l'animateur : lui seul peut le modifier.")


def may_delete(viewer: Viewer, validated: bool, author_id: int | None, what: str) -> None:
    if viewer.is_animateur:
        return
    if author_id != viewer.participant_id:
        raise Forbidden(f"Vous ne pouvez supprimer que ce que vous avez ajouté ({what}).")
    if validated:
        raise Forbidden(f"{what} a été validé par l'animateur : lui seul peut le supprimer.")


def _fields(step: Step, data: Any, actor: Actor | None) -> dict[str, Any]:
    """Validated values of the fields present in ``data``."""
    out: dict[str, Any] = {}
    if data.name is not None:
        out["name"] = live_common.clean_text(data.name, MAX_NAME, "Le nom de l'acteur")
    if data.type is not None:
        if data.type not in STRUCTURE_TYPES:
            raise InvalidInput("Type d'acteur inconnu : choisissez-en un dans la liste.")
        out["type"] = data.type
    if data.champs is not None:
        unknown = [c for c in data.champs if c not in CHAMPS]
        if unknown:
            raise InvalidInput("Champ d'intervention inconnu : " + ", ".join(unknown[:3]))
        out["champs"] = list(dict.fromkeys(data.champs))
    if data.territoire is not None:
        out["territoire"] = " ".join(data.territoire.split())[:160]
    if "structure_id" in data.model_fields_set:
        out["structure_id"] = None
        if data.structure_id is not None:
            structure = db.session.get(Structure, data.structure_id)
            if structure is None or structure.cycle_id != step.atelier.cycle_id:
                raise NotFound("Cette structure n'est pas dans le répertoire du cycle.")
            taken = db.session.scalar(
                select(Actor).where(Actor.structure_id == structure.id, Actor.id != _id(actor))
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


def _check_name(step: Step, name: str, actor: Actor | None) -> None:
    """Refuse a name another actor of the map already has (or had, before a merge)."""
    key = name_key(name)
    if not key:
        return
    for other in db.session.scalars(
        select(Actor).where(Actor.cycle_id == step.atelier.cycle_id, Actor.id != _id(actor))
    ):
        if key in {name_key(n) for n in [other.name, *(other.aliases or [])]}:
            raise InvalidInput(
                f"« {other.name} » est déjà sur la carte : utilisez-le, ou confirmez qu'il "
                "s'agit d'un autre acteur (l'animateur pourra les fusionner).",
                code="duplicate",
                actor=actor_dict(other),
            )


def actor_add(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    cycle_id = step.atelier.cycle_id

    def find() -> Actor | None:
        return db.session.scalar(
            select(Actor).where(Actor.cycle_id == cycle_id, Actor.client_id == data.client_id)
        )

    existing = find()
    if existing is not None:
        return _duplicate(viewer, existing)
    seq = events.next_seq(viewer.atelier_id)  # serialise the duplicate checks below
    fields = _fields(step, data, None)
    if "name" not in fields:
        if fields.get("structure_id") is None:
            raise InvalidInput("Indiquez le nom de l'acteur.", code="empty")
        structure = db.session.get(Structure, fields["structure_id"])
        assert structure is not None
        fields["name"] = structure.name
    if fields.get("structure_id") is not None:
        structure = db.session.get(Structure, fields["structure_id"])
        assert structure is not None
        fields.setdefault("type", structure.type if structure.type in STRUCTURE_TYPES else "autre")
        fields.setdefault("territoire", structure.territoire)
        fields.setdefault("champs", champ_keys(list(structure.champs or [])))
    fields.setdefault("type", "autre")
    if not data.confirm_duplicate:
        _check_name(step, fields["name"], None)
    actor = Actor(
        cycle_id=cycle_id,
        client_id=data.client_id,
        participant_id=viewer.participant_id,
        atelier_id=viewer.atelier_id,
        validated=False,
        version=1,
        **{"champs": [], "territoire": "", "aliases": [], **fields},
    )
    again = live_common.insert_once(
        viewer,
        actor,
        find,
        lambda a: a.participant_id == viewer.participant_id,
        lambda a: {"actor": actor_dict(a)},
    )
    if again is not None:
        return again
    event = record_actor(viewer.atelier_id, actor, seq)
    events.commit()
    log.info("actor %s added to cycle %s", actor.id, cycle_id)
    return {"actor": event.payload["actor"], "seq": event.seq}


def _duplicate(viewer: Viewer, actor: Actor) -> dict[str, Any]:
    if actor.participant_id != viewer.participant_id:
        raise InvalidInput("Identifiant déjà utilisé.", code="client_id_taken")
    return {
        "actor": actor_dict(actor),
        "duplicate": True,
        "seq": events.current_seq(viewer.atelier_id),
    }


def actor_edit(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    actor = actor_of(step, data.actor_id)
    _stale(actor, data.version)
    may_edit(viewer, actor.validated, "Cet acteur")
    seq = events.next_seq(viewer.atelier_id)
    fields = _fields(step, data, actor)
    if "name" in fields and fields["name"] != actor.name and not data.confirm_duplicate:
        _check_name(step, fields["name"], actor)
    for name, value in fields.items():
        setattr(actor, name, value)
    actor.version += 1
    event = record_actor(viewer.atelier_id, actor, seq)
    events.commit()
    return {"actor": event.payload["actor"], "seq": event.seq}


def actor_move(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    """Pin an actor on the map (x, y in 0–1000) or let the layout place it (null)."""
    live_common.require_animateur(viewer, "Seul l'animateur déplace les acteurs sur la carte.")
    step.atelier.require_open()
    seq = events.next_seq(viewer.atelier_id)
    moved = []
    for item in data.positions:
        actor = actor_of(step, item.actor_id)
        actor.x, actor.y = item.x, item.y
        moved.append(actor)
    payload = {"positions": [{"actor_id": a.id, "x": a.x, "y": a.y} for a in moved]}
    event = events.record(viewer.atelier_id, "map.layout", payload, seq=seq)
    events.commit()
    return {**payload, "seq": event.seq}


def actor_validate(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur valide les acteurs.")
    step.atelier.require_open()
    actor = actor_of(step, data.actor_id)
    return live_common.set_validated(viewer, actor, data.validated, record_actor, "actor")


def actor_delete(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    actor = actor_of(step, data.actor_id)
    may_delete(viewer, actor.validated, actor.participant_id, "cet acteur")
    relations = db.session.scalars(
        select(Relation.id).where(
            (Relation.source_id == actor.id) | (Relation.target_id == actor.id)
        )
    ).all()
    seq = events.next_seq(viewer.atelier_id)
    actions = len(actor.actions)
    db.session.delete(actor)
    payload = {"actor_id": actor.id, "relation_ids": list(relations), "merged_into": None}
    event = events.record(viewer.atelier_id, "map.actor_deleted", payload, seq=seq)
    events.commit()
    return {**payload, "actions": actions, "seq": event.seq}


# --- actions ---------------------------------------------------------------------------------


def _questions(step: Step, ids: list[int]) -> list[QuestionEssentielle]:
    return productions.active_questions(step.atelier.cycle_id, ids)


def _action(step: Step, action_id: int) -> ActorAction:
    action = db.session.get(ActorAction, action_id)
    if action is None or action.actor.cycle_id != step.atelier.cycle_id:
        raise NotFound("Cette action n'existe plus.")
    return action


def action_add(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    actor = actor_of(step, data.actor_id)
    existing = db.session.scalar(
        select(ActorAction).where(
            ActorAction.actor_id == actor.id, ActorAction.client_id == data.client_id
        )
    )
    if existing is not None:
        seq = events.current_seq(viewer.atelier_id)
        return {"actor": actor_dict(actor), "action_id": existing.id, "duplicate": True, "seq": seq}
    text = live_common.clean_text(data.text, MAX_ACTION, "L'action")
    live_common.check_privacy(text, data.confirm_personal)
    questions = _questions(step, data.question_ids)
    seq = events.next_seq(viewer.atelier_id)
    action = ActorAction(
        actor_id=actor.id,
        client_id=data.client_id,
        text=text,
        participant_id=viewer.participant_id,
        questions=questions,
    )
    db.session.add(action)
    event = record_actor(viewer.atelier_id, actor, seq)
    events.commit()
    return {"actor": event.payload["actor"], "action_id": action.id, "seq": event.seq}


def action_edit(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    """Text and questions; the animateur may also move the action to another actor."""
    live_common.require_writer(viewer, step)
    action = _action(step, data.action_id)
    actor = action.actor
    if action.version != data.version:
        raise Conflict(
            "Cette action a été modifiée entre-temps : voici la fiche actuelle de l'acteur.",
            actor=actor_dict(actor),
        )
    if action.participant_id != viewer.participant_id:
        may_edit(viewer, actor.validated, "Cet acteur")
    seq = events.next_seq(viewer.atelier_id)
    if data.text is not None:
        text = live_common.clean_text(data.text, MAX_ACTION, "L'action")
        live_common.check_privacy(text, data.confirm_personal)
        action.text = text
    if data.question_ids is not None:
        action.questions = _questions(step, data.question_ids)
    touched = [actor]
    if data.actor_id is not None and data.actor_id != actor.id:
        live_common.require_animateur(viewer, "Seul l'animateur déplace une action.")
        target = actor_of(step, data.actor_id)
        action.actor = target
        touched.append(target)
    action.version += 1
    for index, changed in enumerate(touched):
        record_actor(viewer.atelier_id, changed, seq if index == 0 else None)
    events.commit()
    seq = events.current_seq(viewer.atelier_id)
    return {"actors": [actor_dict(a) for a in touched], "seq": seq}


def action_delete(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    action = _action(step, data.action_id)
    actor = action.actor
    if action.participant_id != viewer.participant_id:
        may_delete(viewer, actor.validated, None, "cette action")
    seq = events.next_seq(viewer.atelier_id)
    db.session.delete(action)
    event = record_actor(viewer.atelier_id, actor, seq)
    events.commit()
    return {"actor": event.payload["actor"], "seq": event.seq}
