"""Live verbs of the charte's clauses, drafted by the animateur in the version being
written. Every edit carries the clause's ``version`` it started from: a stale one is
refused with the fresh clause (docs/protocol.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte.models import (
    CharteAmendment,
    CharteClause,
    CharteClauseSource,
    CharteVersion,
)
from facilitator.activities.charte.operations_common import (
    MAX_CLAUSE,
    PENDING,
    current,
    next_position,
    require_animateur,
    require_draft,
    section_of,
)
from facilitator.activities.charte.schemas import ClauseAdd, ClauseEdit, ClauseMove, ClauseRef
from facilitator.activities.charte.views import record_version
from facilitator.activities.charte.views_amendments import record_amendment
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Contribution, Step

WRITER = "Seul l'animateur rédige les clauses."


def _clause(viewer: Viewer, step: Step, clause_id: int) -> tuple[CharteClause, CharteVersion]:
    """The clause, in a draft of the cycle's charte, that the animateur may change."""
    require_animateur(viewer, step, WRITER)
    clause = db.session.get(CharteClause, clause_id)
    version = db.session.get(CharteVersion, clause.version_id) if clause else None
    if clause is None or version is None or version.cycle_id != step.atelier.cycle_id:
        raise NotFound("Cette clause n'existe plus.")
    require_draft(version)
    return clause, version


def _check_version(clause: CharteClause, expected: int, message: str) -> None:
    """Optimistic concurrency: a stale edit is refused with the clause as it is now."""
    if clause.version != expected:
        raise Conflict(message, clause=charte_views.one_clause(clause))


def _text(text: str, confirm_personal: bool) -> str:
    clean = live_common.clean_text(text, MAX_CLAUSE, "La clause")
    live_common.check_privacy(clean, confirm_personal)
    return clean


def _cards(step: Step, ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = db.session.scalars(
        select(Contribution.id).where(
            Contribution.id.in_(ids),
            Contribution.deleted.is_(False),
            Contribution.atelier_id.in_([a.id for a in step.atelier.cycle.ateliers]),
        )
    ).all()
    if len(found) != len(ids):
        raise InvalidInput("Une carte d'idée citée n'existe plus.", code="bad_card")
    return ids


def _set_sources(clause: CharteClause, card_ids: list[int]) -> None:
    db.session.execute(delete(CharteClauseSource).where(CharteClauseSource.clause_id == clause.id))
    for card_id in card_ids:
        db.session.add(CharteClauseSource(clause_id=clause.id, contribution_id=card_id))


def _record_clause(change: events.LiveChange, clause: CharteClause) -> dict[str, Any]:
    """``charte.clause`` with the clause as it is now; returns the ack."""
    db.session.flush()
    event = change.record("charte.clause", {"clause": charte_views.one_clause(clause)})
    return {"clause": event.payload["clause"], "seq": event.seq}


def clause_add(viewer: Viewer, step: Step, data: ClauseAdd) -> dict[str, Any]:
    require_animateur(viewer, step, WRITER)
    version = current(step)
    require_draft(version)
    section = section_of(step, data.section)
    text = _text(data.text, data.confirm_personal)
    cards = _cards(step, data.source_card_ids)
    with events.live_change(viewer.atelier_id) as change:
        clause = CharteClause(
            version_id=version.id,
            section=section["id"],
            section_label=section["label"],
            position=next_position(version.id, section["id"]),
            text=text,
        )
        db.session.add(clause)
        db.session.flush()
        _set_sources(clause, cards)
        ack = _record_clause(change, clause)
    return ack


def clause_edit(viewer: Viewer, step: Step, data: ClauseEdit) -> dict[str, Any]:
    clause, version = _clause(viewer, step, data.clause_id)
    _check_version(
        clause, data.version, "Cette clause a été modifiée entre-temps : voici son texte actuel."
    )
    text = _text(data.text, data.confirm_personal) if data.text is not None else None
    section = section_of(step, data.section) if data.section is not None else None
    cards = _cards(step, data.source_card_ids) if data.source_card_ids is not None else None
    with events.live_change(viewer.atelier_id) as change:
        if text is not None:
            clause.text = text
        if section is not None and section["id"] != clause.section:
            clause.section = section["id"]
            clause.section_label = section["label"]
            clause.position = next_position(version.id, section["id"])
        if cards is not None:
            _set_sources(clause, cards)
        clause.version += 1
        ack = _record_clause(change, clause)
    return ack


def clause_delete(viewer: Viewer, step: Step, data: ClauseRef) -> dict[str, Any]:
    clause, version = _clause(viewer, step, data.clause_id)
    _check_version(
        clause,
        data.version,
        "Cette clause a été modifiée entre-temps : relisez-la avant de la supprimer.",
    )
    with events.live_change(viewer.atelier_id) as change:
        touched = db.session.scalars(
            select(CharteAmendment).where(
                CharteAmendment.clause_id == clause.id,
                CharteAmendment.status.in_((*PENDING, "acceptee")),
            )
        ).all()
        for a in touched:
            a.set_status("caduque")
        clause_id = clause.id
        db.session.delete(clause)
        db.session.flush()
        db.session.refresh(version)
        event = change.record(
            "charte.clause_deleted",
            {
                "version_id": version.id,
                "clause_id": clause_id,
                "removed": charte_views.removed_clauses(version),
            },
        )
        for a in touched:
            record_amendment(change, a, step)
    return {"clause_id": clause_id, "seq": event.seq}


def clause_move(viewer: Viewer, step: Step, data: ClauseMove) -> dict[str, Any]:
    clause, version = _clause(viewer, step, data.clause_id)
    siblings = [c for c in version.clauses if c.section == clause.section]
    index = siblings.index(clause)
    other = index + (-1 if data.direction == "up" else 1)
    if not 0 <= other < len(siblings):
        return {"unchanged": True, "seq": events.current_seq(viewer.atelier_id)}
    with events.live_change(viewer.atelier_id) as change:
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, c in enumerate(siblings, start=1):
            if c.position != position:
                c.position = position
                c.version += 1
        db.session.flush()
        db.session.refresh(version)
        event = record_version(change, version)
    return {"version": event.payload["version"], "seq": event.seq}
