"""Sub-groups of a step (issue 18, docs/groups.md): forming them, moving a person,
choosing a group, the mise en commun — and the group side of the visibility rule.

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

import logging
import random
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select

from facilitator.core import events
from facilitator.core.events import Viewer
from facilitator.core.group_formation import STRATEGIES, Person
from facilitator.errors import DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import (
    STRUCTURE_TYPES,
    Atelier,
    Attendance,
    Contribution,
    GroupMember,
    Participant,
    QuestionEssentielle,
    Step,
    StepGroup,
)
from facilitator.scripts.groups import FORMATIONS, GroupPlan, refusal

log = logging.getLogger(__name__)

PHASES = {
    "preparation": "en préparation",
    "groupes": "travail en groupes",
    "restitution": "mise en commun : restitution des groupes",
    "commun": "mise en commun : tableau plénier",
}
#: phases in which a participant sees their own group's board only
SEPARATE = ("groupes", "restitution")
MAX_NAME = 80
MAX_MESSAGE = 300


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
    if viewer.role != "participant":
        return frozenset()
    ids = [s.id for s in steps if separate(s)]
    if not ids:
        return frozenset()
    rows = db.session.execute(select(StepGroup.id).where(StepGroup.step_id.in_(ids))).scalars()
    return frozenset(rows) - member_groups(viewer.atelier_id, viewer.participant_id)


def require_sees(viewer: Viewer, step: Step, group_id: int | None) -> None:
    """A participant acts only on their own group's items while groups are separate (to
    the others, another group's card does not exist)."""
    if group_id is None or viewer.role != "participant" or not separate(step):
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


def _groups(step_id: int) -> list[StepGroup]:
    return list(
        db.session.scalars(
            select(StepGroup)
            .where(StepGroup.step_id == step_id)
            .order_by(StepGroup.position, StepGroup.id)
        )
    )


def _members(step_id: int) -> dict[int, list[Participant]]:
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


def _counts(step_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(Contribution.group_id, func.count())
        .where(
            Contribution.step_id == step_id,
            Contribution.deleted.is_(False),
            Contribution.group_id.is_not(None),
        )
        .group_by(Contribution.group_id)
    ).all()
    return {gid: int(n) for gid, n in rows if gid is not None}


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
    groups = _groups(step.id)
    members = _members(step.id)
    counts = _counts(step.id)
    questions = _question_texts({g.question_id for g in groups if g.question_id})
    out: dict[str, Any] = {
        "step_id": step.id,
        "phase": conf.get("phase"),
        "phase_label": PHASES.get(conf.get("phase") or "", ""),
        "plan": conf.get("plan"),
        "formation_label": FORMATIONS.get((conf.get("plan") or {}).get("formation", ""), ""),
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
            "count": counts.get(g.id, 0),
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


# --- verbs ----------------------------------------------------------------------------------


def _animateur_step(viewer: Viewer, step_id: int) -> Step:
    if not viewer.is_animateur:
        raise Forbidden("Seul l'animateur organise les groupes.")
    return _step(viewer, step_id)


def _step(viewer: Viewer, step_id: int) -> Step:
    step = db.session.get(Step, step_id)
    if step is None or step.atelier_id != viewer.atelier_id:
        raise NotFound("Étape introuvable dans cet atelier.")
    return step


def _require_untouched(step: Step) -> None:
    """Groups are set up before anything is contributed: switching later would leave the
    cards already written out of every group."""
    if step.status == "done":
        raise DomainError("Cette étape est terminée : elle ne peut plus passer en sous-groupes.")
    written = db.session.scalar(
        select(func.count())
        .select_from(Contribution)
        .where(Contribution.step_id == step.id, Contribution.deleted.is_(False))
    )
    if written:
        raise DomainError(
            "Cette étape a déjà commencé (des cartes ont été écrites) : elle ne peut plus "
            "passer en sous-groupes. Créez une nouvelle étape pour le travail en groupes.",
            code="step_started",
        )


def _record(
    change: events.LiveChange,
    step: Step,
    affected: list[int] | None = None,
    type_: str = "groups.changed",
) -> events.Event:
    """Groups changed: animateurs get the new groups; participants learn that they (or,
    ``affected`` None, everyone) must read their group again (a snapshot)."""
    db.session.flush()
    anim = Viewer("animateur", step.atelier_id)
    public = {"step_id": step.id, "phase": phase(step), "affected": affected}
    return change.record(type_, {**public, "groups": step_groups(step, anim)}, public=public)


def announce(change: events.LiveChange, step: Step) -> events.Event:
    """Everyone reads their group again (a reveal in a step in groups)."""
    return _record(change, step)


def configure(viewer: Viewer, step_id: int, plan: dict[str, Any] | None) -> dict[str, Any]:
    """The console's switch: run the step in groups (``plan``) or in plenary (None)."""
    step = _animateur_step(viewer, step_id)
    if plan is not None:
        reason = refusal(step.type)
        if reason is not None:
            raise InvalidInput(reason[0].upper() + reason[1:] + ".", code="no_groups")
        plan = GroupPlan.model_validate(plan).model_dump()
    _require_untouched(step)
    with events.live_change(viewer.atelier_id) as change:
        db.session.execute(delete(StepGroup).where(StepGroup.step_id == step.id))
        step.groups = {"plan": plan, "phase": "preparation"} if plan else None
        event = _record(change, step)
    return {"seq": event.seq}


def form(viewer: Viewer, step_id: int, seed: int | None = None) -> dict[str, Any]:
    """Form the step's groups with its plan's strategy (again: the groups are replaced, as
    long as nothing was contributed)."""
    step = _animateur_step(viewer, step_id)
    if not step.groups or not step.groups.get("plan"):
        raise InvalidInput("Cette étape ne se déroule pas en sous-groupes.", code="no_groups")
    _require_untouched(step)
    plan = step.groups["plan"]
    atelier = db.session.get(Atelier, step.atelier_id)
    assert atelier is not None
    names: list[tuple[str, int | None]]
    count = plan["count"]
    if plan["formation"] == "choix":
        questions = list(
            db.session.scalars(
                select(QuestionEssentielle)
                .where(
                    QuestionEssentielle.cycle_id == atelier.cycle_id,
                    QuestionEssentielle.status == "validee",
                )
                .order_by(QuestionEssentielle.position, QuestionEssentielle.id)
            )
        )
        if questions:
            names = [(f"Question {i}", q.id) for i, q in enumerate(questions, 1)]
            count = len(names)
        else:
            names = [(f"Groupe {i}", None) for i in range(1, count + 1)]
    else:
        names = [(f"Groupe {i}", None) for i in range(1, count + 1)]
    people = [Person(p.id, p.structure.type if p.structure else "") for p in attendees(atelier.id)]
    if plan["formation"] in ("aleatoire", "mixte") and len(people) < count:
        raise DomainError(
            f"{len(people)} personne(s) présente(s) pour {count} groupes : un groupe "
            "resterait vide. Réduisez le nombre de groupes ou attendez les arrivées.",
            code="empty_group",
        )
    placed = STRATEGIES[plan["formation"]](people, count, random.Random(seed))
    with events.live_change(viewer.atelier_id) as change:
        db.session.execute(delete(StepGroup).where(StepGroup.step_id == step.id))
        for position, ((name, question_id), ids) in enumerate(zip(names, placed, strict=True)):
            group = StepGroup(
                step_id=step.id, position=position, name=name, question_id=question_id
            )
            db.session.add(group)
            db.session.flush()
            for pid in ids:
                db.session.add(GroupMember(step_id=step.id, group_id=group.id, participant_id=pid))
        step.groups = {**step.groups, "phase": "groupes", "focus": None, "display": "grille"}
        event = _record(change, step)
    log.info("step %s: %s groups formed (%s)", step.id, count, plan["formation"])
    return {"seq": event.seq}


def _group(step: Step, group_id: int) -> StepGroup:
    group = db.session.get(StepGroup, group_id)
    if group is None or group.step_id != step.id:
        raise NotFound("Groupe introuvable dans cette étape.")
    return group


def _require_groups(step: Step) -> None:
    if phase(step) not in ("groupes", "restitution", "commun"):
        raise DomainError("Les groupes de cette étape ne sont pas encore formés.", code="no_groups")


def _place(step: Step, participant_id: int, group: StepGroup) -> list[int]:
    """Put a participant in ``group``; returns who must read their group again (the
    person, and the members of their former and new groups)."""
    before = group_of(step.id, participant_id)
    concerned = {participant_id}
    for gid in {before, group.id} - {None}:
        members = select(GroupMember.participant_id).where(GroupMember.group_id == gid)
        concerned.update(db.session.scalars(members))
    db.session.execute(
        delete(GroupMember).where(
            GroupMember.step_id == step.id, GroupMember.participant_id == participant_id
        )
    )
    db.session.add(GroupMember(step_id=step.id, group_id=group.id, participant_id=participant_id))
    return sorted(concerned)


def move(viewer: Viewer, step_id: int, participant_id: int, group_id: int) -> dict[str, Any]:
    """The animateur moves a person to another group (their cards keep their group)."""
    step = _animateur_step(viewer, step_id)
    _require_groups(step)
    group = _group(step, group_id)
    present = db.session.scalar(
        select(Attendance.id).where(
            Attendance.atelier_id == step.atelier_id, Attendance.participant_id == participant_id
        )
    )
    if present is None:
        raise NotFound("Cette personne ne participe pas à cet atelier.")
    with events.live_change(viewer.atelier_id) as change:
        affected = _place(step, participant_id, group)
        event = _record(change, step, affected)
    return {"seq": event.seq}


def choose(viewer: Viewer, step_id: int, group_id: int) -> dict[str, Any]:
    """A participant chooses their group (formation ``choix``), within its cap."""
    if viewer.role != "participant" or viewer.participant_id is None:
        raise Forbidden("Seuls les participants choisissent leur groupe.")
    step = _step(viewer, step_id)
    if (step.groups or {}).get("plan", {}).get("formation") != "choix" or phase(step) != "groupes":
        raise DomainError(
            "Les groupes de cette étape sont attribués par l'animateur.", code="no_choice"
        )
    group = _group(step, group_id)
    cap = step.groups["plan"].get("cap") if step.groups else None
    with events.live_change(viewer.atelier_id) as change:
        size = db.session.scalar(
            select(func.count())
            .select_from(GroupMember)
            .where(
                GroupMember.group_id == group.id,
                GroupMember.participant_id != viewer.participant_id,
            )
        )
        if cap is not None and (size or 0) >= cap:
            raise DomainError(
                f"Le groupe « {group.name} » est complet ({cap} personnes) : choisissez-en "
                "un autre.",
                code="group_full",
            )
        affected = _place(step, viewer.participant_id, group)
        event = _record(change, step, affected)
    return {"seq": event.seq, "group_id": group.id}


def rename(viewer: Viewer, step_id: int, group_id: int, name: str) -> dict[str, Any]:
    step = _animateur_step(viewer, step_id)
    _require_groups(step)
    group = _group(step, group_id)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Donnez un nom au groupe.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Le nom d'un groupe fait {MAX_NAME} caractères au plus.")
    with events.live_change(viewer.atelier_id) as change:
        group.name = name
        event = _record(change, step)
    return {"seq": event.seq}


def close(viewer: Viewer, step_id: int) -> dict[str, Any]:
    """Mise en commun, first part: the group phase ends; the wall shows each group in turn."""
    step = _animateur_step(viewer, step_id)
    _require_groups(step)
    if phase(step) != "groupes":
        raise DomainError("Le travail en groupes est déjà clos.", code="groups_closed")
    groups = _groups(step.id)
    members = _members(step.id)
    if not any(members.get(g.id) for g in groups):
        raise DomainError(
            "Aucun groupe n'a de membre : attribuez des participants avant la mise en commun.",
            code="empty_group",
        )
    with events.live_change(viewer.atelier_id) as change:
        step.groups = {
            **(step.groups or {}),
            "phase": "restitution",
            "focus": groups[0].id,
            "display": "un",
        }
        event = _record(change, step)
    return {"seq": event.seq}


def show(viewer: Viewer, step_id: int, group_id: int | None, display: str) -> dict[str, Any]:
    """The wall shows one group (``group_id``) or every group in a grid (None)."""
    step = _animateur_step(viewer, step_id)
    _require_groups(step)
    if group_id is not None:
        _group(step, group_id)
    if display not in ("grille", "un"):
        raise InvalidInput("Affichage inconnu.")
    with events.live_change(viewer.atelier_id) as change:
        step.groups = {**(step.groups or {}), "focus": group_id, "display": display}
        event = _record(change, step, affected=[])
    return {"seq": event.seq}


def merge(viewer: Viewer, step_id: int) -> dict[str, Any]:
    """Mise en commun, second part: every group's cards join the plenary board, each with
    its group tag; a plenary vote may follow."""
    step = _animateur_step(viewer, step_id)
    _require_groups(step)
    if phase(step) == "commun":
        raise DomainError("Les groupes de cette étape sont déjà mis en commun.", code="merged")
    with events.live_change(viewer.atelier_id) as change:
        step.groups = {**(step.groups or {}), "phase": "commun", "focus": None}
        event = _record(change, step)
    log.info("step %s: groups merged", step.id)
    return {"seq": event.seq}


def message_payload(
    viewer: Viewer, step_id: int, group_id: int | None, text: str, extra_minutes: int
) -> dict[str, Any]:
    """A message (and optionally extra minutes) to every group or to one, checked: the
    payload of its ``groups.message`` event (recorded by ``steering.group_message``, which
    also extends the atelier's timer when every group gets the minutes)."""
    step = _animateur_step(viewer, step_id)
    _require_groups(step)
    group = _group(step, group_id) if group_id is not None else None
    text = " ".join(text.split())
    if not text and not extra_minutes:
        raise InvalidInput("Écrivez un message ou accordez du temps.")
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"Un message fait {MAX_MESSAGE} caractères au plus.")
    return {
        "step_id": step.id,
        "group_id": group_id,
        "group_name": group.name if group else None,
        "text": text,
        "extra_minutes": extra_minutes,
    }
