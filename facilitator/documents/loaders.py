"""Context builders: read the database once, in bulk, and return plain data (``context``).

This is the only module of the documents package that touches the ORM (with activity
types' ``load_*`` hooks). A cycle of 9 ateliers and 3,000 cards is read in a handful of
queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from facilitator import activities
from facilitator.core import visibility
from facilitator.core.document_facts import cycle_info
from facilitator.documents import production_state
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.models import (
    STRUCTURE_TYPES,
    Atelier,
    Attendance,
    Contribution,
    Cycle,
    GroupMember,
    Participant,
    QuestionEssentielle,
    Step,
    StepGroup,
    Structure,
    Vote,
)
from facilitator.models._types import utcnow
from facilitator.models.board import CARD_MARKS
from facilitator.models.cycle import ATELIER_STATE_LABELS, MODES, AtelierState
from facilitator.rendering.context import (
    AtelierContext,
    AtelierData,
    AtelierInfo,
    CardData,
    ColumnData,
    CycleContext,
    GroupData,
    Presence,
    StepData,
    StructureData,
)
from facilitator.rendering.model import plain

NO_STRUCTURE = "Structure non renseignée"


def _structure_types() -> tuple[tuple[str, str], ...]:
    return tuple(STRUCTURE_TYPES.items())


class _People:
    """Participants of a cycle with their structure, read once."""

    def __init__(self, cycle_id: int) -> None:
        rows = db.session.execute(
            select(
                Participant.id,
                Participant.display_name,
                Structure.name,
                Structure.type,
            )
            .outerjoin(Structure, Structure.id == Participant.structure_id)
            .where(Participant.cycle_id == cycle_id)
        ).all()
        self.names = {pid: plain(name) for pid, name, _s, _t in rows}
        self.structure = {pid: (plain(s) if s else "", t or "") for pid, _n, s, t in rows}

    def label(self, participant_id: int | None) -> str:
        """The author as the board shows them: "Alice (Centre social)"."""
        if participant_id is None or participant_id not in self.names:
            return ""
        structure = self.structure[participant_id][0]
        name = self.names[participant_id]
        return f"{name} ({structure})" if structure else name


def _presences(atelier_ids: list[int], people: _People) -> dict[int, tuple[list[Presence], int]]:
    """atelier id → (presences, number excused)."""
    out: dict[int, tuple[list[Presence], int]] = {a: ([], 0) for a in atelier_ids}
    if not atelier_ids:
        return out
    rows = db.session.execute(
        select(
            Attendance.atelier_id, Attendance.participant_id, Attendance.status, Attendance.remote
        )
        .where(Attendance.atelier_id.in_(atelier_ids))
        .order_by(Attendance.atelier_id, Attendance.id)
    ).all()
    for atelier_id, pid, status, remote in rows:
        presences, excused = out[atelier_id]
        if status == "present":
            structure, type_ = people.structure.get(pid, ("", ""))
            presences.append(Presence(pid, structure or NO_STRUCTURE, type_, bool(remote)))
        elif status == "excuse":
            out[atelier_id] = (presences, excused + 1)
    return out


def _atelier_info(
    atelier: Atelier, presences: Iterable[Presence] = (), excused: int = 0
) -> AtelierInfo:
    return AtelierInfo(
        number=atelier.position,
        title=plain(atelier.title),
        date=atelier.date,
        mode=MODES.get(atelier.mode, atelier.mode),
        lieu=plain(atelier.lieu),
        state=atelier.state,
        state_label=ATELIER_STATE_LABELS.get(AtelierState(atelier.state), atelier.state),
        closed_at=atelier.closed_at,
        presences=tuple(presences),
        excused=excused,
        cancelled=atelier.cancelled,
        postponed_from=_first_planned(atelier),
    )


def _first_planned(atelier: Atelier) -> date | None:
    """The date an atelier was first planned on, if it was postponed (its history)."""
    for entry in atelier.history or []:
        if entry.get("kind") == "reporte" and entry.get("from"):
            try:
                return date.fromisoformat(entry["from"])
            except (TypeError, ValueError):
                return None
    return None


def _flags(data: dict | None) -> frozenset[str]:
    if not data:
        return frozenset()
    return frozenset(flag for flag in CARD_MARKS if data.get(flag) is True)


def _steps(atelier_ids: list[int], people: _People) -> dict[int, list[StepData]]:
    """atelier id → its steps with their cards (deleted and masked cards left out)."""
    steps = db.session.scalars(
        select(Step).where(Step.atelier_id.in_(atelier_ids)).order_by(Step.position)
    ).all()
    if not steps:
        return {a: [] for a in atelier_ids}
    step_ids = [s.id for s in steps]
    votes = dict(
        db.session.execute(
            select(Vote.contribution_id, func.sum(Vote.weight))
            .where(Vote.step_id.in_(step_ids))
            .group_by(Vote.contribution_id)
        ).all()
    )
    by_id = {s.id: s for s in steps}
    cards: dict[int, list[CardData]] = defaultdict(list)
    rows = db.session.execute(
        select(
            Contribution.id,
            Contribution.step_id,
            Contribution.text,
            Contribution.column,
            Contribution.cluster,
            Contribution.participant_id,
            Contribution.animateur_id,
            Contribution.data,
            Contribution.deleted,
            Contribution.masked,
            Contribution.group_id,
        )
        .where(Contribution.atelier_id.in_(atelier_ids), visibility.not_deleted())
        .order_by(Contribution.position, Contribution.id)
    ).all()
    step_groups = _groups([s for s in steps if s.groups], people)
    group_names = {gid: name for gid, name in step_groups.pop(0, ())}
    for card_id, step_id, text, column, cluster, pid, aid, data, deleted, masked, gid in rows:
        # the board's rule for a document: no withheld or masked card, no author when
        # the step is anonymous
        facts = visibility.card_facts(deleted=deleted, masked=masked, data=data, animateur_id=aid)
        sight = visibility.visible_to(visibility.RECORD, facts, by_id[step_id])
        if not sight.listed:
            continue
        cards[step_id].append(
            CardData(
                text=plain(text) if sight.text else "",
                column=column,
                cluster=plain(cluster) if sight.text else "",
                author=people.label(pid) if sight.author else "",
                votes=int(votes.get(card_id, 0)),
                by_animateur=aid is not None,
                flags=_flags(data),
                group=group_names.get(gid, "") if gid else "",
            )
        )
    extra: dict[int, object] = {}
    by_type: dict[str, list[int]] = defaultdict(list)
    for step in steps:
        by_type[step.type].append(step.id)
    for type_id, ids in by_type.items():
        extra.update(activities.documents_for(type_id).load_steps(ids))
    out: dict[int, list[StepData]] = {a: [] for a in atelier_ids}
    for step in steps:
        activity = activities.REGISTRY.get(step.type)
        columns = activity.columns(step.settings) if activity else []
        rules = activity.vote_rules(step.settings) if activity else None
        out[step.atelier_id].append(
            StepData(
                number=step.position + 1,
                type=step.type,
                title=plain(step.title),
                consigne=plain(step.consigne),
                duration=step.duration_minutes,
                columns=tuple(
                    ColumnData(c["id"], plain(c["label"]), plain(c.get("hint"))) for c in columns
                ),
                votes=rules,
                anonymous=step.anonymous,
                cards=tuple(cards.get(step.id, ())),
                extra=extra.get(step.id),
                groups=tuple(step_groups.get(step.id, ())),
            )
        )
    return out


def _groups(steps: list[Step], people: _People) -> dict[int, Any]:
    """step id → its ``GroupData`` (and, under key 0, (group id, name) pairs for the cards'
    group tags). Names only when the step is not anonymous."""
    out: dict[int, Any] = {0: []}
    if not steps:
        return out
    by_id = {s.id: s for s in steps}
    groups = db.session.execute(
        select(StepGroup.id, StepGroup.step_id, StepGroup.name, QuestionEssentielle.text)
        .outerjoin(QuestionEssentielle, QuestionEssentielle.id == StepGroup.question_id)
        .where(StepGroup.step_id.in_(list(by_id)))
        .order_by(StepGroup.step_id, StepGroup.position, StepGroup.id)
    ).all()
    members: dict[int, list[int]] = defaultdict(list)
    for gid, pid in db.session.execute(
        select(GroupMember.group_id, GroupMember.participant_id).where(
            GroupMember.step_id.in_(list(by_id))
        )
    ):
        members[gid].append(pid)
    texts = {sid: activities.REGISTRY[s.type].group_texts(s) for sid, s in by_id.items()}
    for gid, step_id, name, question in groups:
        kinds: dict[str, int] = defaultdict(int)
        for pid in members[gid]:
            kind = people.structure.get(pid, ("", ""))[1]
            kinds[STRUCTURE_TYPES.get(kind, "Non précisé")] += 1
        named = () if by_id[step_id].anonymous else sorted(people.label(p) for p in members[gid])
        out.setdefault(step_id, []).append(
            GroupData(
                name=plain(name),
                question=plain(question) if question else "",
                composition=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
                members=tuple(named),
                size=len(members[gid]),
                items=tuple(plain(t) for t in texts[step_id].get(gid, [])),
            )
        )
        out[0].append((gid, plain(name)))
    return out


def atelier_context(atelier_id: int, *, now: datetime | None = None) -> AtelierContext:
    atelier = db.session.get(Atelier, atelier_id)
    if atelier is None:
        raise NotFound("Atelier introuvable.")
    cycle = atelier.cycle
    people = _People(cycle.id)
    presences, excused = _presences([atelier.id], people)[atelier.id]
    steps = _steps([atelier.id], people)[atelier.id]
    held = [a for a in cycle.ateliers if not a.cancelled]
    later = [a for a in held if a.position > atelier.position]
    return AtelierContext(
        cycle=cycle_info(cycle),
        atelier=AtelierData(_atelier_info(atelier, presences, excused), tuple(steps)),
        total_ateliers=len(held),
        next_atelier=_atelier_info(later[0]) if later else None,
        structure_types=_structure_types(),
        generated_at=now or utcnow(),
    )


def cycle_context(
    cycle_id: int, *, with_productions: bool = True, now: datetime | None = None
) -> CycleContext:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("Cycle introuvable.")
    people = _People(cycle.id)
    ateliers = list(cycle.ateliers)
    ids = [a.id for a in ateliers]
    presences = _presences(ids, people)
    steps = _steps(ids, people) if with_productions and ids else {a: [] for a in ids}
    data = tuple(
        AtelierData(_atelier_info(a, *presences[a.id]), tuple(steps[a.id])) for a in ateliers
    )
    structures = _structures(cycle.id, people, data)
    extra: dict[str, object] = {}
    if with_productions:
        for type_id, entry in activities.REGISTRY.items():
            loaded = entry.documents.load_cycle(cycle.id)
            if loaded is not None:
                extra[type_id] = loaded
        extra[production_state.KEY] = production_state.load(cycle.id)
        extra[COUNTS] = production_counts(cycle.id, ids)
    return CycleContext(
        cycle=cycle_info(cycle),
        ateliers=data,
        structures=structures,
        structure_types=_structure_types(),
        generated_at=now or utcnow(),
        extra=extra,
    )


#: ``CycleContext.extra`` key: per atelier (in ``ateliers`` order), what its steps produced
COUNTS = "production_counts"


def production_counts(
    cycle_id: int, atelier_ids: list[int]
) -> tuple[tuple[tuple[str, str, int, bool], ...], ...]:
    """Per atelier (in the order of ``atelier_ids``): ``(what, plural, count, vote)`` of every
    activity type's objects created there (``Activity.production_counts``)."""
    found: dict[int, list[tuple[str, str, int, bool]]] = defaultdict(list)
    for entry in activities.REGISTRY.values():
        for c in entry.production_counts(cycle_id):
            found[c.atelier_id].append((c.what, c.plural, c.count, c.vote))
    return tuple(tuple(found.get(a, ())) for a in atelier_ids)


def _structures(
    cycle_id: int, people: _People, ateliers: tuple[AtelierData, ...]
) -> tuple[StructureData, ...]:
    rows = db.session.scalars(
        select(Structure).where(Structure.cycle_id == cycle_id).order_by(Structure.name)
    ).all()
    members: dict[str, int] = defaultdict(int)
    for structure, _type in people.structure.values():
        if structure:
            members[structure] += 1
    seen_at: dict[str, set[int]] = defaultdict(set)
    presences: dict[str, int] = defaultdict(int)
    for atelier in ateliers:
        for presence in atelier.info.presences:
            seen_at[presence.structure].add(atelier.info.number)
            presences[presence.structure] += 1
    out = []
    for s in rows:
        name = plain(s.name)
        out.append(
            StructureData(
                name=name,
                type=s.type,
                type_label=STRUCTURE_TYPES.get(s.type, s.type),
                champs=tuple(plain(c) for c in (s.champs or []) if isinstance(c, str)),
                territoire=plain(s.territoire),
                people=members.get(name, 0),
                ateliers=len(seen_at.get(name, ())),
                presences=presences.get(name, 0),
            )
        )
    return tuple(out)
