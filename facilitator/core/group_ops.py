"""Sub-groups of a step, the verbs (issue 18, docs/groups.md): the console's switch,
forming groups with a strategy (core/group_formation.py), moving a person, choosing a
group, renaming, the mise en commun (close, show on the wall, merge) and the message to
every group or to one (recorded by ``steering.group_message``). What each one sees, and the
phases: core/groups.py."""

from __future__ import annotations

import logging
import random
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select

from facilitator import contract
from facilitator.core import events
from facilitator.core.attendance import remote_participants
from facilitator.core.events import Viewer
from facilitator.core.group_formation import Person, compose
from facilitator.core.groups import (
    attendees,
    group_of,
    groups_of_step,
    members_by_group,
    phase,
    step_groups,
)
from facilitator.errors import DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import (
    Atelier,
    Attendance,
    Contribution,
    GroupMember,
    QuestionEssentielle,
    Step,
    StepGroup,
)
from facilitator.scripts.groups import GroupPlan, refusal
from facilitator.validation import first_error_fr

log = logging.getLogger(__name__)

MAX_NAME = 80
MAX_MESSAGE = 300


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
    # deleted cards too: they keep their group (and its foreign key), like the event log
    written = db.session.scalar(
        select(func.count()).select_from(Contribution).where(Contribution.step_id == step.id)
    )
    if written or contract.get(step.type).has_items(step):
        raise DomainError(
            "Cette étape a déjà commencé (des contributions ont été écrites, même supprimées "
            "depuis) : elle ne peut plus passer en sous-groupes. Créez une nouvelle étape pour "
            "le travail en groupes.",
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


def _record_state(change: events.LiveChange, step: Step) -> events.Event:
    """Groups planned or formed, before anything was contributed (so nobody's board holds a
    group's item yet): animateurs get every group; everyone else the groups' state at once
    (``state``, as a read-only link sees it: no snapshot to read again); then one small
    ``groups.mine`` per group, to its audience only, says who is in it."""
    db.session.flush()
    anim = Viewer("animateur", step.atelier_id)
    state = step_groups(step, Viewer("viewer", step.atelier_id))
    public: dict[str, Any] = {
        "step_id": step.id,
        "phase": phase(step),
        "affected": [],
        "state": state,
    }
    event = change.record(
        "groups.changed", {**public, "groups": step_groups(step, anim)}, public=public
    )
    for gid, people in members_by_group(step.id).items():
        mine = {"step_id": step.id, "group_id": gid, "members": [p.public_dict() for p in people]}
        change.record("groups.mine", mine, group_id=gid)
    return event


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
        if plan.get("remote", "indifferent") != "indifferent" and plan.get("formation") not in (
            "aleatoire",
            "mixte",
        ):
            raise InvalidInput(
                "Les personnes à distance ne peuvent être regroupées ou mélangées que si les "
                "groupes sont formés au hasard ou mélangés par type de structure : choisissez "
                "« Indifférent ».",
                code="invalid",
            )
        try:
            plan = GroupPlan.model_validate(plan).model_dump()
        except ValidationError as exc:
            raise InvalidInput(first_error_fr(exc), code="invalid") from None
    _require_untouched(step)
    with events.live_change(viewer.atelier_id) as change:
        db.session.execute(delete(StepGroup).where(StepGroup.step_id == step.id))
        step.groups = {"plan": plan, "phase": "preparation"} if plan else None
        event = _record_state(change, step)
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
    away = remote_participants(atelier.id)
    people = [
        Person(p.id, p.structure.type if p.structure else "", p.id in away)
        for p in attendees(atelier.id)
    ]
    if plan["formation"] in ("aleatoire", "mixte") and len(people) < count:
        raise DomainError(
            f"{len(people)} personne(s) présente(s) pour {count} groupes : un groupe "
            "resterait vide. Réduisez le nombre de groupes ou attendez les arrivées.",
            code="empty_group",
        )
    remote = plan.get("remote") or "indifferent"
    placed = compose(plan["formation"], remote, people, count, random.Random(seed))
    if remote == "ensemble":  # their own group(s): say so in the name (a visio room)
        names = [
            (f"{name} (à distance)", qid) if ids and all(i in away for i in ids) else (name, qid)
            for (name, qid), ids in zip(names, placed, strict=True)
        ]
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
        event = _record_state(change, step)
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
    found = groups_of_step(step.id)
    members = members_by_group(step.id)
    if not any(members.get(g.id) for g in found):
        raise DomainError(
            "Aucun groupe n'a de membre : attribuez des participants avant la mise en commun.",
            code="empty_group",
        )
    with events.live_change(viewer.atelier_id) as change:
        step.groups = {
            **(step.groups or {}),
            "phase": "restitution",
            "focus": found[0].id,
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
