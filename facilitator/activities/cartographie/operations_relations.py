"""Live verbs of the ``cartographie`` activity: relations between actors, and merging two
actors (which moves their actions and relations)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import or_, select

from facilitator.activities.cartographie import grouping
from facilitator.activities.cartographie.models import (
    COOPERATION_LEVELS,
    RELATION_NATURES,
    RELATION_STATUSES,
    Actor,
    Relation,
)
from facilitator.activities.cartographie.operations_rows import (
    RELATION,
    actor_of,
    add_row,
    chosen,
    delete_row,
    edit_row,
    relation_of,
    validate_row,
)
from facilitator.activities.cartographie.schemas import (
    ActorMerge,
    RelationAdd,
    RelationEdit,
    RelationRef,
    RelationValidate,
)
from facilitator.activities.cartographie.views import (
    actor_dict,
    record_actor,
    record_relation,
    relation_dict,
)
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import Step

log = logging.getLogger(__name__)

MAX_COMMENT = 300


def _question_id(step: Step, question_id: int | None) -> int | None:
    return productions.active_question_id(step.atelier.cycle_id, question_id)


def _same_pair(
    cycle_id: int,
    a: int,
    b: int,
    question_id: int | None,
    but: int = 0,
    concealed: frozenset[int] = frozenset(),
) -> Relation | None:
    """A relation between the same two actors (either direction) for the same question
    (but those the ``concealed`` groups added: two groups may draw the same one)."""
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
    if concealed:
        query = query.where(Relation.group_id.is_(None) | Relation.group_id.not_in(concealed))
    return db.session.scalar(query.limit(1))


_ONE = {
    "status": (RELATION_STATUSES, "Statut de relation inconnu (existante ou à créer)."),
    "level": (COOPERATION_LEVELS, "Niveau de coopération inconnu."),
}
_SOME = {"natures": (RELATION_NATURES, "Nature de relation inconnue : ")}


def _apply(
    viewer: Viewer, step: Step, relation: Relation | None, data: RelationAdd | RelationEdit
) -> dict[str, Any]:
    """Validated values of the fields present in ``data``."""
    out: dict[str, Any] = {}
    for name in ("source_id", "target_id"):
        value = getattr(data, name, None)
        if value is not None:
            out[name] = actor_of(step, value, viewer).id
    out.update(chosen(data, _ONE, _SOME))
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
        step.atelier.cycle_id,
        source,
        target,
        question,
        relation.id if relation else 0,
        grouping.hidden(step, viewer),
    )
    if twin is not None:
        raise InvalidInput(
            "Ces deux acteurs sont déjà reliés pour cette question : modifiez la relation "
            "existante plutôt que d'en créer une seconde.",
            code="duplicate",
            relation=relation_dict(twin),
        )
    return out


def relation_add(viewer: Viewer, step: Step, data: RelationAdd) -> dict[str, Any]:
    def fields() -> dict[str, Any]:
        defaults = {"status": "existante", "level": "partenariat", "natures": [], "comment": ""}
        return {**defaults, **_apply(viewer, step, None, data)}

    return add_row(viewer, step, RELATION, data.client_id, fields)


def relation_edit(viewer: Viewer, step: Step, data: RelationEdit) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    relation = relation_of(step, data.relation_id, viewer)
    return edit_row(
        viewer, step, relation, RELATION, data.version, lambda: _apply(viewer, step, relation, data)
    )


def relation_validate(viewer: Viewer, step: Step, data: RelationValidate) -> dict[str, Any]:
    return validate_row(viewer, step, RELATION, data.relation_id, data.validated)


def relation_delete(viewer: Viewer, step: Step, data: RelationRef) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    relation = relation_of(step, data.relation_id, viewer)
    return delete_row(
        viewer,
        step,
        relation,
        RELATION,
        "map.relation_deleted",
        lambda: {"relation_id": relation.id},
    )


def actor_merge(viewer: Viewer, step: Step, data: ActorMerge) -> dict[str, Any]:
    """``source`` is merged into ``target``: its actions and relations move to the target
    (a relation that would link the target to itself, or duplicate one it has, is
    dropped), its name is kept among the target's aliases, blank fields are filled."""
    live_common.require_animateur(viewer, "Seul l'animateur fusionne les acteurs.")
    step.atelier.require_open()
    if data.source_id == data.target_id:
        raise InvalidInput("Choisissez deux acteurs différents à fusionner.", code="self_merge")
    source = actor_of(step, data.source_id)
    target = actor_of(step, data.target_id)
    with events.live_change(viewer.atelier_id) as change:
        source_group = source.group_id
        moved, dropped = _merge(source, target)
        source_id = source.id
        db.session.delete(source)
        db.session.flush()
        payload = {"actor_id": source_id, "relation_ids": dropped, "merged_into": target.id}
        change.record("map.actor_deleted", payload, group_id=grouping.audience(step, source_group))
        record_actor(change, step, target, source_group)
        for r in moved:
            record_relation(change, step, r)
    log.info("actor %s merged into %s", source_id, target.id)
    return {
        "actor": actor_dict(target),
        "merged": source_id,
        "relations_moved": len(moved),
        "relations_dropped": len(dropped),
        "seq": change.seq,
    }


def _merge(source: Actor, target: Actor) -> tuple[list[Relation], list[int]]:
    """Move the source's actions and relations to the target and fill its blank fields;
    returns the relations moved and the ids of those dropped."""
    for action in list(source.actions):
        action.actor = target
    moved: list[Relation] = []
    dropped: list[int] = []
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
    return moved, dropped
