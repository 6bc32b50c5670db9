"""Sub-groups of a step (issue 18, docs/groups.md): the phases, the group side of the
visibility rule (who sees which group's items, which events reach whom) and the views of a
step's groups. The verbs (forming, moving, choosing, the mise en commun): core/group_ops.py.

A step runs in groups when ``step.groups`` is set (from the script's ``groups:`` block or
the console's switch, before anything was contributed). Its phase:

- ``preparation``: the plan is set, no group yet;
- ``groupes``: groups formed; each participant sees their own group's board only, and a
  group's events reach its members, the animateurs and read-only links (the wall) only;
- ``restitution``: the group phase is closed; the wall shows each group's production in
  turn (``focus``), participants still see their own group;
- ``commun``: merged into the plenary board: everyone sees every card, each keeps its group
  tag (``Contribution.group_id``); a plenary vote may follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from facilitator import contract
from facilitator.core.events import Viewer
from facilitator.errors import DomainError, NotFound
from facilitator.extensions import db
from facilitator.models import (
    STRUCTURE_TYPES,
    Attendance,
    Contribution,
    GroupMember,
    Participant,
    QuestionEssentielle,
    Step,
    StepGroup,
)
from facilitator.scripts.groups import plan_label

PHASES = {
    "preparation": "en préparation",
    "groupes": "travail en groupes",
    "restitution": "mise en commun : restitution des groupes",
    "commun": "mise en commun : tableau plénier",
}
#: phases in which a participant sees their own group's board only
SEPARATE = ("groupes", "restitution")


# --- reading ------------------------------------------------------------------------------


def phase(step: Step) -> str | None:
    return (step.groups or {}).get("phase") if step.groups else None


def separate(step: Step) -> bool:
    """Participants see their own group only (the group phase, or its restitution)."""
    return phase(step) in SEPARATE


def group_of(step_id: int, participant_id: int) -> int | None:
    return db.session.scalar(
        select(GroupMember.group_id).where(
            GroupMember.step_id == step_id, GroupMember.participant_id == participant_id
        )
    )


def member_groups(atelier_id: int, participant_id: int | None) -> frozenset[int]:
    """The groups this participant is in, over the atelier's steps (replays read it)."""
    if participant_id is None:
        return frozenset()
    rows = db.session.scalars(
        select(GroupMember.group_id)
        .join(Step, Step.id == GroupMember.step_id)
        .where(Step.atelier_id == atelier_id, GroupMember.participant_id == participant_id)
    )
    return frozenset(rows)


def hidden_groups(steps: Iterable[Step], viewer: Viewer) -> frozenset[int]:
    """The groups whose cards this viewer may not see (other groups of a step in its group
    phase); animateurs and read-only links (the wall) see every group."""
    return frozenset(gid for _, gid in hidden_pairs(steps, viewer))


def hidden_pairs(steps: Iterable[Step], viewer: Viewer) -> frozenset[tuple[int, int]]:
    """``hidden_groups`` as (step id, group id): a card is hidden when its group is another
    group of *its own* step (one carried to a later step with ``cards_from`` keeps its group
    tag but is hidden nowhere else)."""
    if viewer.role != "participant":
        return frozenset()
    ids = [s.id for s in steps if separate(s)]
    if not ids:
        return frozenset()
    rows = db.session.execute(
        select(StepGroup.step_id, StepGroup.id).where(StepGroup.step_id.in_(ids))
    ).all()
    mine = member_groups(viewer.atelier_id, viewer.participant_id)
    return frozenset((step_id, gid) for step_id, gid in rows if gid not in mine)


def require_sees(
    viewer: Viewer, step: Step, group_id: int | None, author_id: int | None = None
) -> None:
    """A participant acts only on their own group's items while groups are separate (to
    the others, another group's card does not exist); their own cards stay theirs (after a
    merge of two people of two groups, the snapshot shows them too)."""
    if group_id is None or viewer.role != "participant" or not separate(step):
        return
    if author_id is not None and author_id == viewer.participant_id:
        return
    assert viewer.participant_id is not None
    if group_of(step.id, viewer.participant_id) != group_id:
        raise NotFound("Cette carte n'existe pas ou a été supprimée.")


def group_for_new(viewer: Viewer, step: Step) -> int | None:
    """The group a new item of ``viewer`` belongs to: theirs while groups are separate (an
    animateur's item is plenary)."""
    if not separate(step) or viewer.role != "participant":
        return None
    assert viewer.participant_id is not None
    if phase(step) == "restitution":
        raise DomainError(
            "Le travail en groupes est terminé : place à la mise en commun.", code="groups_closed"
        )
    group_id = group_of(step.id, viewer.participant_id)
    if group_id is None:
        raise DomainError(
            "Vous n'êtes dans aucun groupe pour cette étape : choisissez-en un, ou "
            "demandez à l'animateur de vous en attribuer un.",
            code="no_group",
        )
    return group_id


def event_group(step: Step, group_id: int | None) -> int | None:
    """The audience group of an event about an item of ``group_id``."""
    return group_id if separate(step) else None


# --- views ----------------------------------------------------------------------------------


def groups_of_step(step_id: int) -> list[StepGroup]:
    return list(
        db.session.scalars(
            select(StepGroup)
            .where(StepGroup.step_id == step_id)
            .order_by(StepGroup.position, StepGroup.id)
        )
    )


def members_by_group(step_id: int) -> dict[int, list[Participant]]:
    rows = db.session.execute(
        select(GroupMember.group_id, Participant)
        .join(Participant, Participant.id == GroupMember.participant_id)
        .where(GroupMember.step_id == step_id)
        .order_by(Participant.display_name, Participant.id)
    ).all()
    out: dict[int, list[Participant]] = {}
    for group_id, person in rows:
        out.setdefault(group_id, []).append(person)
    return out


def counts(step: Step) -> dict[int, int]:
    """Group id → items it produced in ``step``: its cards and what the activity type
    adds (``Activity.group_counts``: proposals, ideas…)."""
    out = dict(contract.get(step.type).group_counts(step))
    rows = db.session.execute(
        select(Contribution.group_id, func.count())
        .where(
            Contribution.step_id == step.id,
            Contribution.deleted.is_(False),
            Contribution.group_id.is_not(None),
        )
        .group_by(Contribution.group_id)
    ).all()
    for gid, n in rows:
        if gid is not None:
            out[gid] = out.get(gid, 0) + int(n)
    return out


def _person(p: Participant) -> dict[str, Any]:
    kind = p.structure.type if p.structure else ""
    return {**p.public_dict(), "kind": kind, "kind_label": STRUCTURE_TYPES.get(kind, "")}


def _question_texts(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(QuestionEssentielle.id, QuestionEssentielle.text).where(
            QuestionEssentielle.id.in_(ids)
        )
    ).all()
    return {qid: text for qid, text in rows}


def step_groups(step: Step, viewer: Viewer) -> dict[str, Any] | None:
    """The step's groups as ``viewer`` may see them (snapshots: ``groups[step_id]``)."""
    if not step.groups:
        return None
    conf = step.groups
    groups = groups_of_step(step.id)
    members = members_by_group(step.id)
    produced = counts(step)
    questions = _question_texts({g.question_id for g in groups if g.question_id})
    out: dict[str, Any] = {
        "step_id": step.id,
        "phase": conf.get("phase"),
        "phase_label": PHASES.get(conf.get("phase") or "", ""),
        "plan": conf.get("plan"),
        "formation_label": plan_label(conf.get("plan")),
        "focus": conf.get("focus"),
        "display": conf.get("display", "grille"),
        "groups": [],
        "mine": None,
    }
    for g in groups:
        item: dict[str, Any] = {
            "id": g.id,
            "name": g.name,
            "question": questions.get(g.question_id) if g.question_id else None,
            "size": len(members.get(g.id, [])),
            "count": produced.get(g.id, 0),
        }
        if viewer.is_animateur:
            item["members"] = [_person(p) for p in members.get(g.id, [])]
        out["groups"].append(item)
    if viewer.is_animateur:
        placed = {p.id for ps in members.values() for p in ps}
        out["unassigned"] = [_person(p) for p in attendees(step.atelier_id) if p.id not in placed]
    elif viewer.participant_id is not None:
        for g in out["groups"]:
            mine = members.get(g["id"], [])
            if any(p.id == viewer.participant_id for p in mine):
                out["mine"] = g["id"]
                out["my_members"] = [p.public_dict() for p in mine]
    return out


def attendees(atelier_id: int) -> list[Participant]:
    """The people present at the atelier (those groups are formed from)."""
    return list(
        db.session.scalars(
            select(Participant)
            .join(Attendance, Attendance.participant_id == Participant.id)
            .where(Attendance.atelier_id == atelier_id, Attendance.status == "present")
            .order_by(Participant.display_name, Participant.id)
        )
    )
