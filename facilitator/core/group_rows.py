"""Sub-groups for the productions of the cycle (issue 18, docs/groups.md): a chaîne de
valeur or an action of the feuille de route written in a sub-group carries that group
(``group_id``). The group belongs to one step of one atelier, the row to the cycle: the
row follows its group's visibility rule (core/groups.py) while that step is in its group
phase **in the same atelier**; anywhere else (a later atelier, after the mise en commun)
it is an ordinary plenary row, its group kept as its tag.

The activity types call these with the atelier of the request (``viewer.atelier_id``):

- ``new_group``: the group of a new row (a participant's own group while groups work apart);
- ``audience``: the ``group_id`` an event about a row is stored with (the relay sends it to
  that group's members, the animateurs and the wall only);
- ``hidden``: the groups whose rows a viewer's state leaves out;
- ``require_sees``: a member of another group acting on a row gets « n'existe plus »."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from facilitator.core import groups
from facilitator.core.events import Viewer
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.models import Step, StepGroup


def new_group(viewer: Viewer, step: Step) -> int | None:
    """The group a new row of ``viewer`` belongs to (None: plenary); refused with a French
    message for a participant in no group, or once the group phase is closed."""
    return groups.group_for_new(viewer, step) if step.groups else None


def _steps(atelier_id: int, group_ids: Iterable[int | None]) -> dict[int, Step]:
    """Group id → its step, for the groups of ``atelier_id`` among ``group_ids``."""
    ids = {g for g in group_ids if g is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(StepGroup.id, Step)
        .join(Step, Step.id == StepGroup.step_id)
        .where(StepGroup.id.in_(ids), Step.atelier_id == atelier_id)
    ).all()
    return {gid: step for gid, step in rows}


def audience(atelier_id: int, group_id: int | None) -> int | None:
    """The audience group of an event about a row of ``group_id`` (None: everyone)."""
    step = _steps(atelier_id, [group_id]).get(group_id or 0)
    return groups.event_group(step, group_id) if step is not None else None


def hidden(viewer: Viewer, group_ids: Iterable[int | None]) -> frozenset[int]:
    """Among ``group_ids``, the groups whose rows ``viewer`` may not see (another group of
    a step of their atelier still working apart)."""
    if viewer.role != "participant":
        return frozenset()
    steps = _steps(viewer.atelier_id, group_ids)
    if not steps:
        return frozenset()
    return groups.hidden_groups(set(steps.values()), viewer) & frozenset(steps)


def require_sees(viewer: Viewer, group_id: int | None, author_id: int | None, message: str) -> None:
    """A participant acts only on their own group's rows while groups work apart (to the
    others, such a row does not exist: ``message``); their own rows stay theirs."""
    if group_id is None or viewer.role != "participant":
        return
    step = _steps(viewer.atelier_id, [group_id]).get(group_id)
    if step is None:
        return
    try:
        groups.require_sees(viewer, step, group_id, author_id)
    except NotFound:
        raise NotFound(message) from None


def working_apart(viewer: Viewer, step: Step) -> bool:
    """``viewer`` is a participant working apart in a group of ``step``: what they write
    there is their group's, so a plenary row they changed would show their group's work to
    every other group (in a plenary step, what they write is plenary)."""
    if viewer.role != "participant" or not groups.separate(step):
        return False
    assert viewer.participant_id is not None
    return groups.group_of(step.id, viewer.participant_id) is not None


def of_step(step: Step) -> frozenset[int]:
    """The ids of ``step``'s groups."""
    return frozenset(db.session.scalars(select(StepGroup.id).where(StepGroup.step_id == step.id)))


def question_of(group_id: int | None) -> int | None:
    """The question essentielle a group works on (None: none, or no group)."""
    if group_id is None:
        return None
    return db.session.scalar(select(StepGroup.question_id).where(StepGroup.id == group_id))
