"""Live verbs of the ``cartographie`` activity: relations between actors, and merging two
actors (which moves their actions and relations)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import or_, select

from facilitator.activities.cartographie.models import (
    COOPERATION_LEVELS,
    RELATION_NATURES,
    RELATION_STATUSES,
    Relation,
)
from facilitator.activities.cartographie.operations import actor_of, may_delete, may_edit
from facilitator.activities.cartographie.views import (
    actor_dict,
    record_actor,
    record_relation,
    relation_dict,
)
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.errors import Conflict, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step

log = logging.getLogger(__name__)

MAX_COMMENT = 300


def _relation(step: Step, relation_id: int) -> Relation:
    relation = db.session.get(Relation, relation_id)
    if relation is None or relation.cycle_id != step.atelier.cycle_id:
        raise NotFound("Cette relation n'existe plus.")
    return relation


def _question_id(step: Step, question_id: int | None) -> int | None:
    return productions.active_question_id(step.atelier.cycle_id, question_id)


def _same_pair(cycle_id: int, a: int, b: int, question_id: int | None, but: int = 0) -> Relation:
    """A relation between the same two actors (either direction) for the same question."""
    query = select(Relation).where(
        Relation.cycle_id == cycle_id,
        Relation.id != but,
        or_(
            (Relation.source_id == a) & (Relation.target_id == b),
            (Relation.source_id == b) & (Relation.target_id == a),
        ),
    )
    query = query.where(
        Relation.question_id.is_(None)
        if question_id is None
        else Relation.question_id == question_id
    )
    return db.session.scalar(query.limit(1))


def _apply(step: Step, relation: Relation | None, data: Any) -> dict[str, Any]:
    """Validated values of the fields present in ``data``."""
    out: dict[str, Any] = {}
    for name in ("source_id", "target_id"):
        value = getattr(data, name, None)
        if value is not None:
            out[name] = actor_of(step, value).id
    if data.status is not None:
        if data.status not in RELATION_STATUSES:
            raise InvalidInput("Statut de relation inconnu (existante ou à créer).")
        out["status"] = data.status
    if data.level is not None:
        if data.level not in COOPERATION_LEVELS:
            raise InvalidInput("Niveau de coopération inconnu.")
        out["level"] = data.level
    if data.natures is not None:
        unknown = [n for n in data.natures if n not in RELATION_NATURES]
        if unknown:
            raise InvalidInput("Nature de relation inconnue : " + ", ".join(unknown[:3]))
        out["natures"] = list(dict.fromkeys(data.natures))
    if "question_id" in data.model_fields_set:
        out["question_id"] = _question_id(step, data.question_id)
    if data.comment is not None:
        comment = " ".join(data.comment.split())
        if len(comment) > MAX_COMMENT:
            raise InvalidInput(
                f"Le commentaire fait {len(comment)} caractères : {MAX_COMMENT} au plus.",
                code="too_long",
            )
        live_common.check_privacy(comment, data.confirm_personal)
        out["comment"] = comment
    source = out.get("source_id", relation.source_id if relation else None)
    target = out.get("target_id", relation.target_id if relation else None)
    if source is None or target is None:
        raise InvalidInput("Choisissez les deux acteurs de la relation.")
    if source == target:
        raise InvalidInput(
            "Une relation relie deux acteurs différents : choisissez un autre acteur.",
            code="self_relation",
        )
    question = out.get("question_id", relation.question_id if relation else None)
    twin = _same_pair(
        step.atelier.cycle_id, source, target, question, relation.id if relation else 0
    )
    if twin is not None:
        raise InvalidInput(
            "Ces deux acteurs sont déjà reliés pour cette question : modifiez la relation "
            "existante plutôt que d'en créer une seconde.",
            code="duplicate",
            relation=relation_dict(twin),
        )
    return out


def relation_add(viewer: Any, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    cycle_id = step.atelier.cycle_id

    def find() -> Relation | None:
        return db.session.scalar(
            select(Relation).where(
                Relation.cycle_id == cycle_id, Relation.client_id == data.client_id
            )
        )

    existing = find()
    if existing is not None:
        return _duplicate(viewer, existing)
    seq = events.next_seq(viewer.atelier_id)
    fields = _apply(step, None, data)
    relation = Relation(
        cycle_id=cycle_id,
        client_id=data.client_id,
        participant_id=viewer.participant_id,
        atelier_id=viewer.atelier_id,
        validated=False,
        version=1,
        **{"status": "existante", "level": "partenariat", "natures": [], "comment": "", **fields},
    )
    again = live_common.insert_once(
        viewer,
        relation,
        find,
        lambda r: r.participant_id == viewer.participant_id,
        lambda r: {"relation": relation_dict(r)},
    )
    if again is not None:
        return again
    event = record_relation(viewer.atelier_id, relation, seq)
    events.commit()
    return {"relation": event.payload["relation"], "seq": event.seq}


def _duplicate(viewer: Any, relation: Relation) -> dict[str, Any]:
    if relation.participant_id != viewer.participant_id:
        raise InvalidInput("Identifiant déjà utilisé.", code="client_id_taken")
    return {
        "relation": relation_dict(relation),
        "duplicate": True,
        "seq": events.current_seq(viewer.atelier_id),
    }


def relation_edit(viewer: Any, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    relation = _relation(step, data.relation_id)
    if relation.version != data.version:
        raise Conflict(
            "Cette relation a été modifiée entre-temps par quelqu'un d'autre : voici sa "
            "version actuelle.",
            relation=relation_dict(relation),
        )
    may_edit(viewer, relation.validated, "Cette relation")
    seq = events.next_seq(viewer.atelier_id)
    for name, value in _apply(step, relation, data).items():
        setattr(relation, name, value)
    relation.version += 1
    event = record_relation(viewer.atelier_id, relation, seq)
    events.commit()
    return {"relation": event.payload["relation"], "seq": event.seq}


def relation_validate(viewer: Any, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur valide les relations.")
    step.atelier.require_open()
    relation = _relation(step, data.relation_id)
    return live_common.set_validated(viewer, relation, data.validated, record_relation, "relation")


def relation_delete(viewer: Any, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    relation = _relation(step, data.relation_id)
    may_delete(viewer, relation.validated, relation.participant_id, "cette relation")
    seq = events.next_seq(viewer.atelier_id)
    db.session.delete(relation)
    payload = {"relation_id": relation.id}
    event = events.record(viewer.atelier_id, "map.relation_deleted", payload, seq=seq)
    events.commit()
    return {**payload, "seq": event.seq}


def actor_merge(viewer: Any, step: Step, data: Any) -> dict[str, Any]:
    """``source`` is merged into ``target``: its actions and relations move to the target
    (a relation that would link the target to itself, or duplicate one it has, is
    dropped), its name is kept among the target's aliases, blank fields are filled."""
    live_common.require_animateur(viewer, "Seul l'animateur fusionne les acteurs.")
    step.atelier.require_open()
    if data.source_id == data.target_id:
        raise InvalidInput("Choisissez deux acteurs différents à fusionner.", code="self_merge")
    source = actor_of(step, data.source_id)
    target = actor_of(step, data.target_id)
    seq = events.next_seq(viewer.atelier_id)
    for action in list(source.actions):
        action.actor = target
    moved, dropped = [], []
    relations = db.session.scalars(
        select(Relation).where(
            or_(Relation.source_id == source.id, Relation.target_id == source.id)
        )
    ).all()
    for r in relations:
        a = target.id if r.source_id == source.id else r.source_id
        b = target.id if r.target_id == source.id else r.target_id
        if a == b or _same_pair(target.cycle_id, a, b, r.question_id, r.id) is not None:
            dropped.append(r.id)
            db.session.delete(r)
            continue
        r.source_id, r.target_id = a, b
        r.version += 1
        moved.append(r)
    db.session.flush()
    aliases = [*(target.aliases or []), source.name, *(source.aliases or [])]
    target.aliases = [n for n in dict.fromkeys(aliases) if n != target.name][:20]
    target.champs = list(dict.fromkeys([*(target.champs or []), *(source.champs or [])]))
    target.territoire = target.territoire or source.territoire
    if target.structure_id is None and source.structure_id is not None:
        structure_id, source.structure_id = source.structure_id, None
        db.session.flush()
        target.structure_id = structure_id
    target.version += 1
    source_id = source.id
    db.session.delete(source)
    db.session.flush()
    payload = {"actor_id": source_id, "relation_ids": dropped, "merged_into": target.id}
    events.record(viewer.atelier_id, "map.actor_deleted", payload, seq=seq)
    record_actor(viewer.atelier_id, target)
    for r in moved:
        record_relation(viewer.atelier_id, r)
    events.commit()
    log.info("actor %s merged into %s", source_id, target.id)
    return {
        "actor": actor_dict(target),
        "merged": source_id,
        "relations_moved": len(moved),
        "relations_dropped": len(dropped),
        "seq": events.current_seq(viewer.atelier_id),
    }
