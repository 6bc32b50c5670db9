"""Live verbs of the ``charte`` activity: phases and versions (start, consolidate, freeze).
Clauses: ``operations_clauses``; amendments: ``operations_amendments``; adoption vote:
``operations_vote``; shared checks: ``operations_common``; shapes: ``views``
(docs/activities/charte.md).

Each verb validates, authorises, then changes and records its events inside
``events.live_change``."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte.models import (
    CharteAmendment,
    CharteBallot,
    CharteClause,
    CharteClauseSource,
    CharteVersion,
)
from facilitator.activities.charte.operations_common import (
    PENDING,
    current,
    next_position,
    require_animateur,
    require_draft,
)
from facilitator.activities.charte.operations_vote import open_vote
from facilitator.activities.charte.schemas import Phase, VersionStart
from facilitator.activities.charte.views import PHASES, latest, phase, record_version
from facilitator.activities.charte.views_amendments import record_amendment
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.validation import Empty

log = logging.getLogger(__name__)


def refresh(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    return {
        "state": charte_views.state(step, viewer),
        "seq": events.current_seq(step.atelier_id),
    }


def _enter_phase(change: events.LiveChange, step: Step, name: str) -> events.Event:
    live_common.step_state(step, phase(step)).phase = name
    return change.record("charte.phase", {"step_id": step.id, "phase": name})


def set_phase(viewer: Viewer, step: Step, data: Phase) -> dict[str, Any]:
    """Move the step to a phase. Entering « vote » opens the adoption vote of the frozen
    version; leaving it is refused once ballots are cast (close the vote first)."""
    require_animateur(viewer, step, "Seul l'animateur change de phase.")
    before = phase(step)
    version = latest(step.atelier.cycle_id)
    with events.live_change(viewer.atelier_id) as change:
        event = _enter_phase(change, step, data.phase)
        if data.phase == "vote":  # entering (or re-asking, when the step opened on it)
            open_vote(change, viewer, step, version)
        leaving = before == "vote" and data.phase != "vote"
        if leaving and version is not None and version.vote_state == "ouvert":
            ballots = db.session.scalar(
                select(func.count(CharteBallot.id)).where(CharteBallot.version_id == version.id)
            )
            if ballots:
                raise InvalidInput(
                    "Des bulletins ont été déposés : clôturez le vote avant de changer de phase.",
                    code="vote_open",
                )
            version.vote_state = ""
            version.vote_opened_at = None
            record_version(change, version)
    return {"phase": data.phase, "seq": event.seq}


def version_start(viewer: Viewer, step: Step, data: VersionStart) -> dict[str, Any]:
    """Start the next numbered version, from the latest one (or another, or blank)."""
    require_animateur(viewer, step, "Seul l'animateur commence une version.")
    cycle_id = step.atelier.cycle_id
    last = latest(cycle_id)
    if last is not None and last.status == "brouillon":
        raise InvalidInput(
            f"La version {last.number} est déjà en cours de rédaction : continuez-la.",
            code="draft_exists",
        )
    if last is not None and last.status == "gelee":
        raise InvalidInput(
            f"La version {last.number} est gelée et attend son vote : clôturez le vote ou "
            "dégelez-la avant d'en commencer une autre.",
            code="frozen",
        )
    source = last
    if data.from_version_id is not None:
        source = db.session.get(CharteVersion, data.from_version_id)
        if source is None or source.cycle_id != cycle_id:
            raise NotFound("Cette version de la charte n'existe pas dans ce cycle.")
    if data.empty:
        source = None
    with events.live_change(viewer.atelier_id) as change:
        version = CharteVersion(
            cycle_id=cycle_id,
            number=(last.number + 1) if last else 1,
            status="brouillon",
            parent_id=source.id if source else (last.id if last else None),
            atelier_id=viewer.atelier_id,
        )
        db.session.add(version)
        db.session.flush()
        if source is not None:
            copy_clauses(source, version, {})
        db.session.flush()
        db.session.refresh(version)
        event = record_version(change, version)
    log.info("charte version %s started in cycle %s", version.number, cycle_id)
    return {"version": event.payload["version"], "seq": event.seq}


def copy_clauses(
    source: CharteVersion, target: CharteVersion, replace: dict[int, str | None]
) -> dict[int, int]:
    """Copy ``source``'s clauses into ``target`` (with their source cards); ``replace``
    maps a clause id to its new text, or None to leave it out. Returns old id → new id."""
    links = db.session.execute(
        select(CharteClauseSource.clause_id, CharteClauseSource.contribution_id).where(
            CharteClauseSource.clause_id.in_([c.id for c in source.clauses])
        )
    ).all()
    copies: dict[int, CharteClause] = {}
    for clause in source.clauses:
        text = replace.get(clause.id, clause.text)
        if text is None:
            continue
        copies[clause.id] = CharteClause(
            version_id=target.id,
            origin_id=clause.id,
            section=clause.section,
            section_label=clause.section_label,
            position=clause.position,
            text=text,
        )
    db.session.add_all(copies.values())
    db.session.flush()
    ids = {old: copy.id for old, copy in copies.items()}
    for clause_id, card_id in links:
        if clause_id in ids:
            db.session.add(CharteClauseSource(clause_id=ids[clause_id], contribution_id=card_id))
    return ids


def _amendments(version: CharteVersion) -> list[CharteAmendment]:
    return list(
        db.session.scalars(
            select(CharteAmendment)
            .where(CharteAmendment.version_id == version.id)
            .order_by(CharteAmendment.id)
        )
    )


def consolidate(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    """The accepted amendments of the draft make the next numbered version; amendments
    still pending follow it."""
    require_animateur(viewer, step, "Seul l'animateur consolide une version.")
    version = current(step)
    require_draft(version)
    amendments = _amendments(version)
    accepted = [a for a in amendments if a.status == "acceptee"]
    if not accepted:
        raise InvalidInput(
            "Aucun amendement accepté à intégrer : acceptez-en d'abord (ou modifiez les "
            "clauses directement).",
            code="nothing_to_consolidate",
        )
    with events.live_change(viewer.atelier_id) as change:
        replace: dict[int, str | None] = {}
        for a in accepted:
            if a.clause_id is not None and a.kind == "modification":
                replace[a.clause_id] = a.text
            elif a.clause_id is not None and a.kind == "suppression":
                replace[a.clause_id] = None
        nxt = CharteVersion(
            cycle_id=version.cycle_id,
            number=version.number + 1,
            status="brouillon",
            parent_id=version.id,
            atelier_id=viewer.atelier_id,
        )
        db.session.add(nxt)
        db.session.flush()
        ids = copy_clauses(version, nxt, replace)
        for a in accepted:
            if a.kind == "ajout":
                section = next(
                    (s for s in charte_views.sections(step) if s["id"] == a.section),
                    {"label": a.section},
                )
                db.session.add(
                    CharteClause(
                        version_id=nxt.id,
                        section=a.section,
                        section_label=section["label"],
                        position=next_position(nxt.id, a.section),
                        text=a.text,
                    )
                )
                db.session.flush()
            a.set_status("integree")
        version.status = "remplacee"
        moved = []
        for a in amendments:
            if a.status not in PENDING:
                continue
            moved.append(a)
            if a.kind != "ajout" and a.clause_id not in ids:  # its clause was removed
                a.set_status("caduque")
                continue
            a.version += 1
            a.version_id = nxt.id
            a.clause_id = ids.get(a.clause_id) if a.clause_id else None
        db.session.flush()
        db.session.refresh(nxt)
        event = record_version(change, nxt)
        for a in accepted + moved:
            record_amendment(change, a, step)
    log.info("charte version %s consolidated into %s", version.number, nxt.number)
    return {
        "version": event.payload["version"],
        "integrated": len(accepted),
        "carried": sum(1 for a in moved if a.status in PENDING),
        "seq": change.seq,
    }


def freeze(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    """No more edits or amendments: the version waits for its adoption vote. Amendments
    not examined become « caduques »; accepted ones must be consolidated first."""
    require_animateur(viewer, step, "Seul l'animateur gèle une version.")
    version = current(step)
    require_draft(version)
    if not version.clauses:
        raise InvalidInput("La version est vide : rédigez au moins une clause.", code="empty")
    amendments = _amendments(version)
    if any(a.status == "acceptee" for a in amendments):
        raise InvalidInput(
            "Des amendements acceptés ne sont pas encore intégrés : consolidez d'abord la "
            "version suivante, puis gelez-la.",
            code="accepted_pending",
        )
    with events.live_change(viewer.atelier_id) as change:
        version.set_frozen(True)
        set_aside = [a for a in amendments if a.status in PENDING]
        for a in set_aside:
            a.set_status("caduque")
        if PHASES.index(phase(step)) < PHASES.index("gel"):
            _enter_phase(change, step, "gel")
        event = record_version(change, version)
        for a in set_aside:
            record_amendment(change, a, step)
    return {
        "version": event.payload["version"],
        "set_aside": len(set_aside),
        "seq": change.seq,
    }


def unfreeze(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur dégèle une version.")
    version = current(step)
    if version.status != "gelee":
        raise InvalidInput(f"La version {version.number} n'est pas gelée.", code="not_frozen")
    if version.vote_state:
        raise InvalidInput(
            "Le vote d'adoption est ouvert sur cette version : revenez d'abord à la phase "
            "« Gel » (possible tant qu'aucun bulletin n'est déposé).",
            code="vote_open",
        )
    with events.live_change(viewer.atelier_id) as change:
        version.set_frozen(False)
        event = record_version(change, version)
    return {"version": event.payload["version"], "seq": event.seq}
