"""Merging two participants of a cycle who are one person (issue 16): everything that
points to the removed one — attendance, cards, votes, ballots, evaluation answers, rows of
every activity type — moves to the kept one, found from the schema itself (every foreign
key to ``participant.id``), so an activity type added later follows without a change here.

Where a unique rule forbids two rows (two ballots on one charte version, two votes on one
card, two attendances at one atelier), the latest row is kept and the other removed, and
the merge says so. The removed person's devices keep working as the kept one (their token
becomes one of its ``ParticipantKey``). The merge locks the cycle's ateliers like a live
change does, so a card posted meanwhile is either moved with the rest or written after, to
the kept person; connected clients are told (``participant.merged``). Where both people
voted in one step, the kept one's votes are brought back within the step's budget and cap
(core/merge_votes.py), and the merge says so."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Column, Table, UniqueConstraint, and_, delete, select, update
from sqlalchemy.engine import CursorResult

from facilitator.core import cycles, events, merge_votes, signals
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Event, Participant, ParticipantKey

log = logging.getLogger(__name__)

#: French names of the tables whose conflicts are reported
LABELS = {
    "attendance": "présences",
    "vote": "votes sur des cartes",
    "charte_ballot": "bulletins de vote de la charte",
    "charte_amendment_vote": "votes sur des amendements",
    "evaluation_response": "réponses d'évaluation",
    "proposal_vote": "votes sur des propositions de questions",
    "roadmap_vote": "votes sur la feuille de route",
    "participant_visit": "visites entre les ateliers",
    "mail_contact": "adresses électroniques",
    "group_member": "groupes de travail",
}
#: the column telling which of two rows is the latest, in order of preference
RECENCY = ("updated_at", "created_at", "joined_at", "last_at")


@dataclass
class MergeResult:
    kept: dict[str, Any]
    removed_name: str
    moved: dict[str, int] = field(default_factory=dict)
    #: French sentences: the conflicts resolved by keeping the latest
    notes: list[str] = field(default_factory=list)


def _participant_columns() -> list[tuple[Table, Column[Any]]]:
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in ("participant", "participant_key"):
            continue
        for column in table.columns:
            if any(fk.column.table.name == "participant" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def _unique_sets(table: Table, column: Column[Any]) -> list[list[Column[Any]]]:
    """The other columns of each unique rule that includes ``column``."""
    sets = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and column.name in constraint.columns:
            sets.append([c for c in constraint.columns if c.name != column.name])
    if column.unique:
        sets.append([])
    return sets


def _recency(table: Table) -> list[Column[Any]]:
    named = [table.columns[name] for name in RECENCY if name in table.columns]
    return [*named, *table.primary_key.columns]


def _resolve_conflicts(table: Table, column: Column[Any], keep: int, gone: int) -> int:
    """Remove the older of each pair of rows the move would make clash; return how many."""
    removed = 0
    pk = next(iter(table.primary_key.columns))
    order = _recency(table)
    for others in _unique_sets(table, column):
        mine, theirs = table.alias("mine"), table.alias("theirs")
        # the rows differ (and the two aliases are joined even when ``others`` is empty)
        match = [mine.c[pk.name] != theirs.c[pk.name]]
        match += [mine.c[c.name] == theirs.c[c.name] for c in others]
        pairs = db.session.execute(
            select(*[mine.c[c.name] for c in order], *[theirs.c[c.name] for c in order]).where(
                mine.c[column.name] == gone, theirs.c[column.name] == keep, and_(*match)
            )
        ).all()
        width = len(order)
        for row in pairs:
            # (is None, value): a missing date sorts first and is never compared to a date
            gone_key = tuple((v is not None, v) for v in row[:width])
            keep_key = tuple((v is not None, v) for v in row[width:])
            older_id = (gone_key if gone_key < keep_key else keep_key)[-1][1]
            db.session.execute(delete(table).where(pk == older_id))
            removed += 1
    return removed


def merge_participants(cycle_id: int, keep_id: int, gone_id: int) -> MergeResult:
    """Merge ``gone_id`` into ``keep_id`` (both of cycle ``cycle_id``), in one transaction."""
    if keep_id == gone_id:
        raise InvalidInput("On ne peut pas fusionner une personne avec elle-même.")
    keep, gone = db.session.get(Participant, keep_id), db.session.get(Participant, gone_id)
    if keep is None or gone is None or {keep.cycle_id, gone.cycle_id} != {cycle_id}:
        raise NotFound("Participant introuvable dans ce cycle.")
    result = MergeResult(kept=keep.public_dict(), removed_name=gone.display_name)
    ateliers = set(db.session.scalars(select(Atelier.id).where(Atelier.cycle_id == cycle_id)))
    live = cycles.connectable_ateliers(cycle_id)  # told of the merge (every process)
    with events.live_batch(ateliers) as batch:  # the cycle's writers wait (row locks)
        for table, column in _participant_columns():
            clashes = _resolve_conflicts(table, column, keep_id, gone_id)
            if clashes:
                what = LABELS.get(table.name, table.name)
                result.notes.append(
                    f"{what} : {clashes} en double, le plus récent a été gardé."
                    if clashes > 1
                    else f"{what} : un en double, le plus récent a été gardé."
                )
            moved = cast(
                CursorResult[Any],
                db.session.execute(
                    update(table).where(column == gone_id).values({column.name: keep_id})
                ),
            ).rowcount
            if moved:
                result.moved[table.name] = result.moved.get(table.name, 0) + moved
        db.session.execute(
            update(Event)
            .where(Event.owner_id == gone_id, Event.atelier_id.in_(ateliers or {0}))
            .values(owner_id=keep_id)
        )
        db.session.execute(
            update(ParticipantKey)
            .where(ParticipantKey.participant_id == gone_id)
            .values(participant_id=keep_id)
        )
        db.session.add(ParticipantKey(participant_id=keep_id, token_hash=gone.token_hash))
        db.session.delete(gone)
        db.session.flush()
        # both voted in one step: back within its budget and cap (oldest points first)
        result.notes += merge_votes.fit_votes(keep_id, batch, live)
        payload = {"from": gone_id, "into": result.kept, "notes": result.notes}
        for atelier_id in sorted(live):
            batch.record(
                atelier_id,
                "participant.merged",
                payload,
                public=None,
                owner_id=gone_id,
                owner={"from": gone_id, "into": result.kept},
            )
    signals.participant_merged.send(gone_id, into=keep_id)
    log.info("participant %s merged into %s (cycle %s)", gone_id, keep_id, cycle_id)
    return result
