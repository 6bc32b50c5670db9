"""What the map's rows — actors and relations — share: who may change them, and the verbs
that add, edit and delete one (each a live change, docs/activities/cartographie.md).

A row carries the id its client gave it (a retry is answered like the first time, without
an event) and a version (an edit from a stale one is refused with the fresh row)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from facilitator.activities.cartographie import grouping
from facilitator.activities.cartographie.models import Actor, Relation
from facilitator.activities.cartographie.views import (
    actor_dict,
    record_actor,
    record_relation,
    relation_dict,
)
from facilitator.core import events, group_rows, groups
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step

log = logging.getLogger(__name__)

R = TypeVar("R", bound=Actor | Relation)


@dataclass(frozen=True)
class RowKind(Generic[R]):
    """One kind of map row, as the shared verbs need it."""

    model: type[R]
    #: its key in events and acks ("actor": {...})
    key: str
    #: the row as a viewer who may not see the given groups' additions sees it
    to_dict: Callable[[R, frozenset[int]], dict[str, Any]]
    #: records the row's event in a live change of a step
    record: Callable[[events.LiveChange, Step, R], events.Event]
    #: "Cet acteur": how messages name it
    this: str
    #: the refusal of an edit made from a stale version
    stale: str
    #: "acteurs"
    plural: str
    #: the row of this cycle with this id (``NotFound`` otherwise)
    get: Callable[[Step, int], R]


def actor_of(step: Step, actor_id: int, viewer: Viewer | None = None) -> Actor:
    """The actor of this cycle with this id; for ``viewer``, one they may see (another
    group's addition does not exist for them while groups work apart)."""
    actor = db.session.get(Actor, actor_id)
    if (
        actor is None
        or actor.cycle_id != step.atelier.cycle_id
        or (viewer is not None and actor.group_id in grouping.hidden(step, viewer))
    ):
        raise NotFound("Cet acteur n'est plus sur la carte (supprimé ou fusionné).")
    return actor


def relation_of(step: Step, relation_id: int, viewer: Viewer | None = None) -> Relation:
    relation = db.session.get(Relation, relation_id)
    if (
        relation is None
        or relation.cycle_id != step.atelier.cycle_id
        or (viewer is not None and relation.group_id in grouping.hidden(step, viewer))
    ):
        raise NotFound("Cette relation n'existe plus.")
    return relation


ACTOR = RowKind(
    model=Actor,
    key="actor",
    to_dict=actor_dict,
    record=record_actor,
    this="Cet acteur",
    stale="Cet acteur a été modifié entre-temps par quelqu'un d'autre : voici sa version "
    "actuelle. Reprenez votre modification à partir d'elle.",
    plural="acteurs",
    get=actor_of,
)
RELATION = RowKind(
    model=Relation,
    key="relation",
    to_dict=lambda r, _concealed: relation_dict(r),
    record=record_relation,
    this="Cette relation",
    stale="Cette relation a été modifiée entre-temps par quelqu'un d'autre : voici sa version "
    "actuelle.",
    plural="relations",
    get=relation_of,
)


def may_edit(viewer: Viewer, validated: bool, what: str) -> None:
    if validated and not viewer.is_animateur:
        raise Forbidden(f"{what} a été validé par l'animateur : lui seul peut le modifier.")


PLENARY_APART = (
    "Pendant le travail en groupes, ce qui était déjà sur la carte ne se modifie pas ni ne se "
    "supprime : ajoutez-y les acteurs, actions et relations de votre groupe ; le reste se "
    "modifie après la mise en commun."
)


def require_group_work(viewer: Viewer, step: Step, group_id: int | None) -> None:
    """A participant working apart in a group changes their group's additions only: a
    plenary row (no group) they changed would show their group's work to every group."""
    if group_id is None and group_rows.working_apart(viewer, step):
        raise InvalidInput(PLENARY_APART, code="groups_apart")


def may_delete(viewer: Viewer, validated: bool, author_id: int | None, what: str) -> None:
    if viewer.is_animateur:
        return
    if author_id != viewer.participant_id:
        raise Forbidden(f"Vous ne pouvez supprimer que ce que vous avez ajouté ({what}).")
    if validated:
        raise Forbidden(f"{what} a été validé par l'animateur : lui seul peut le supprimer.")


#: a field chosen in a list: its known values (key → label) and the refusal of another
Choice = tuple[Mapping[str, str], str]


def chosen(
    data: BaseModel, one: Mapping[str, Choice], some: Mapping[str, Choice]
) -> dict[str, Any]:
    """The values of the fields of ``data`` that are given (not None): for each field of
    ``one`` a known value, for each of ``some`` known values without repeats (the refusal
    then names the first unknown ones)."""
    out: dict[str, Any] = {}
    for name, (known, refusal) in one.items():
        value = getattr(data, name)
        if value is not None:
            if value not in known:
                raise InvalidInput(refusal)
            out[name] = value
    for name, (known, refusal) in some.items():
        values = getattr(data, name)
        if values is not None:
            unknown = [v for v in values if v not in known]
            if unknown:
                raise InvalidInput(refusal + ", ".join(unknown[:3]))
            out[name] = list(dict.fromkeys(values))
    return out


def _ack(kind: RowKind[R], event: events.Event, viewer: Viewer) -> dict[str, Any]:
    return {kind.key: grouping.seen(viewer, event)[kind.key], "seq": event.seq}


def add_row(
    viewer: Viewer,
    step: Step,
    kind: RowKind[R],
    client_id: str,
    fields: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Add a row with the client's id. ``fields`` validates its values once the atelier's seq
    is taken (the row lock serialises the duplicate checks it makes). A participant's row
    added while groups work apart belongs to their group."""
    live_common.require_writer(viewer, step)
    cycle_id = step.atelier.cycle_id
    model = kind.model
    concealed = grouping.hidden(step, viewer)

    once = live_common.cycle_add(
        viewer, model, cycle_id, client_id, lambda r: {kind.key: kind.to_dict(r, concealed)}
    )
    if (again := once.retried()) is not None:
        return again
    group_id = groups.group_for_new(viewer, step)
    with events.live_change(viewer.atelier_id) as change:
        row = model(
            cycle_id=cycle_id,
            client_id=client_id,
            participant_id=viewer.participant_id,
            atelier_id=viewer.atelier_id,
            validated=False,
            version=1,
            group_id=group_id,
            **fields(),
        )
        again = once.insert(row)
        if again is not None:
            return again
        event = kind.record(change, step, row)
    log.info("%s %s added to cycle %s", kind.key, row.id, cycle_id)
    return _ack(kind, event, viewer)


def edit_row(
    viewer: Viewer,
    step: Step,
    row: R,
    kind: RowKind[R],
    version: int,
    fields: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Change a row edited from ``version``: ``fields`` validates the new values once the
    atelier's seq is taken."""
    if row.version != version:
        fresh: dict[str, Any] = {kind.key: kind.to_dict(row, grouping.hidden(step, viewer))}
        raise Conflict(kind.stale, **fresh)
    may_edit(viewer, row.validated, kind.this)
    require_group_work(viewer, step, row.group_id)
    with events.live_change(viewer.atelier_id) as change:
        for name, value in fields().items():
            setattr(row, name, value)
        row.version += 1
        event = kind.record(change, step, row)
    return _ack(kind, event, viewer)


def validate_row(
    viewer: Viewer, step: Step, kind: RowKind[R], row_id: int, validated: bool
) -> dict[str, Any]:
    """The animateur's « valider » / « dévalider »."""
    live_common.require_animateur(viewer, f"Seul l'animateur valide les {kind.plural}.")
    step.atelier.require_open()
    row = kind.get(step, row_id)
    return live_common.set_validated(
        viewer, row, validated, lambda change, r: kind.record(change, step, r), kind.key
    )


def delete_row(
    viewer: Viewer,
    step: Step,
    row: R,
    kind: RowKind[R],
    type_: str,
    payload: Callable[[], dict[str, Any]],
    **ack: Any,
) -> dict[str, Any]:
    """Delete a row and record ``type_`` with ``payload()`` (read before the delete); the ack
    is the payload, ``ack`` and the seq. A group's row: the event reaches that group (the
    others never saw it)."""
    may_delete(viewer, row.validated, row.participant_id, kind.this[0].lower() + kind.this[1:])
    require_group_work(viewer, step, row.group_id)
    with events.live_change(viewer.atelier_id) as change:
        data = payload()
        audience = grouping.audience(step, row.group_id)
        db.session.delete(row)
        event = change.record(type_, data, group_id=audience)
    return {**data, **ack, "seq": event.seq}
