"""Live verbs of the ``charte`` activity: phases, versions (start, consolidate, freeze) and
the clauses the animateur drafts. Amendments: ``charte_amendments``; adoption vote:
``charte_vote``; shapes: ``charte_views`` (docs/activities/charte.md).

Each verb validates, authorises, changes, records its events and commits. Every clause
edit carries the ``version`` it started from: a stale one is refused with the fresh clause."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, select

from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte.models import (
    CharteAmendment,
    CharteBallot,
    CharteClause,
    CharteClauseSource,
    CharteVersion,
)
from facilitator.activities.charte.views import PHASES, latest, phase, record_version
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Contribution, Step
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

#: longest clause, in characters
MAX_CLAUSE = 2000
PENDING = ("proposee", "en_vote")


# --- shared checks -------------------------------------------------------------------------


def require_animateur(viewer: Viewer, step: Step, what: str) -> None:
    """The animateur steers the charte in an open atelier, or — between ateliers — in a
    step open for asynchronous contributions (docs/activities/charte.md)."""
    live_common.require_animateur(viewer, what)
    if not step.async_open:
        step.atelier.require_open()


def current(step: Step) -> CharteVersion:
    version = latest(step.atelier.cycle_id)
    if version is None:
        raise InvalidInput(
            "La charte n'a pas encore de version : l'animateur commence la rédaction.",
            code="no_version",
        )
    return version


def require_draft(version: CharteVersion) -> None:
    """Only a draft changes; a frozen or voted version is refused clearly."""
    if version.status == "brouillon":
        return
    if version.status == "gelee":
        raise InvalidInput(
            f"La version {version.number} est gelée : plus aucune modification ni amendement. "
            "Pour la changer, l'animateur doit d'abord la dégeler (avant le vote) ou, après "
            "le vote, repartir de cette version.",
            code="frozen",
        )
    label = charte_views.VERSION_STATUSES.get(version.status, version.status).lower()
    raise InvalidInput(
        f"La version {version.number} est {label} : elle ne se modifie plus. "
        "Repartez de cette version pour en écrire une nouvelle.",
        code="frozen",
    )


def section_of(step: Step, section: str) -> dict[str, str]:
    for s in charte_views.sections(step):
        if s["id"] == section:
            return s
    raise InvalidInput(f"Section inconnue « {section} ».", code="bad_section")


# --- phases and versions --------------------------------------------------------------------


def refresh(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    return {
        "state": charte_views.state(step, viewer),
        "seq": events.current_seq(step.atelier_id),
    }


def set_phase(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    """Move the step to a phase. Entering « vote » opens the adoption vote of the frozen
    version; leaving it is refused once ballots are cast (close the vote first)."""
    require_animateur(viewer, step, "Seul l'animateur change de phase.")
    before = phase(step)
    version = latest(step.atelier.cycle_id)
    seq = events.next_seq(viewer.atelier_id)
    state = live_common.step_state(step, before)
    state.phase = data.phase
    event = events.record(
        viewer.atelier_id, "charte.phase", {"step_id": step.id, "phase": data.phase}, seq=seq
    )
    if data.phase == "vote":  # entering (or re-asking, when the step opened on it)
        from facilitator.activities.charte import operations_vote as charte_vote

        charte_vote.open_vote(viewer, step, version)
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
        record_version(viewer.atelier_id, version)
    events.commit()
    return {"phase": data.phase, "seq": event.seq}


def version_start(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
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
    seq = events.next_seq(viewer.atelier_id)
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
    record_version(viewer.atelier_id, version, seq)
    events.commit()
    log.info("charte version %s started in cycle %s", version.number, cycle_id)
    return {"version": charte_views.version_full(version), "seq": seq}


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


def consolidate(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    """The accepted amendments of the draft make the next numbered version; amendments
    still pending follow it."""
    require_animateur(viewer, step, "Seul l'animateur consolide une version.")
    version = current(step)
    require_draft(version)
    amendments = db.session.scalars(
        select(CharteAmendment)
        .where(CharteAmendment.version_id == version.id)
        .order_by(CharteAmendment.id)
    ).all()
    accepted = [a for a in amendments if a.status == "acceptee"]
    if not accepted:
        raise InvalidInput(
            "Aucun amendement accepté à intégrer : acceptez-en d'abord (ou modifiez les "
            "clauses directement).",
            code="nothing_to_consolidate",
        )
    seq = events.next_seq(viewer.atelier_id)
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
                    position=_next_position(nxt.id, a.section),
                    text=a.text,
                )
            )
            db.session.flush()
        a.status = "integree"
        a.version += 1
    version.status = "remplacee"
    moved = []
    for a in amendments:
        if a.status not in PENDING:
            continue
        a.version += 1
        moved.append(a)
        if a.kind != "ajout" and a.clause_id not in ids:  # its clause was removed
            a.status = "caduque"
            continue
        a.version_id = nxt.id
        a.clause_id = ids.get(a.clause_id) if a.clause_id else None
    db.session.flush()
    db.session.refresh(nxt)
    record_version(viewer.atelier_id, nxt, seq)
    for a in accepted + moved:
        charte_views.record_amendment(a, step, events.next_seq(viewer.atelier_id))
    events.commit()
    log.info("charte version %s consolidated into %s", version.number, nxt.number)
    return {
        "version": charte_views.version_full(nxt),
        "integrated": len(accepted),
        "carried": sum(1 for a in moved if a.status in PENDING),
        "seq": events.current_seq(viewer.atelier_id),
    }


def freeze(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    """No more edits or amendments: the version waits for its adoption vote. Amendments
    not examined become « caduques »; accepted ones must be consolidated first."""
    require_animateur(viewer, step, "Seul l'animateur gèle une version.")
    version = current(step)
    require_draft(version)
    if not version.clauses:
        raise InvalidInput("La version est vide : rédigez au moins une clause.", code="empty")
    amendments = db.session.scalars(
        select(CharteAmendment).where(CharteAmendment.version_id == version.id)
    ).all()
    if any(a.status == "acceptee" for a in amendments):
        raise InvalidInput(
            "Des amendements acceptés ne sont pas encore intégrés : consolidez d'abord la "
            "version suivante, puis gelez-la.",
            code="accepted_pending",
        )
    seq = events.next_seq(viewer.atelier_id)
    version.status = "gelee"
    version.frozen_at = utcnow()
    set_aside = [a for a in amendments if a.status in PENDING]
    for a in set_aside:
        a.status = "caduque"
        a.version += 1
    if PHASES.index(phase(step)) < PHASES.index("gel"):
        live_common.step_state(step, phase(step)).phase = "gel"
        events.record(
            viewer.atelier_id, "charte.phase", {"step_id": step.id, "phase": "gel"}, seq=seq
        )
        seq = events.next_seq(viewer.atelier_id)
    record_version(viewer.atelier_id, version, seq)
    for a in set_aside:
        charte_views.record_amendment(a, step, events.next_seq(viewer.atelier_id))
    events.commit()
    return {
        "version": charte_views.version_full(version),
        "set_aside": len(set_aside),
        "seq": events.current_seq(viewer.atelier_id),
    }


def unfreeze(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
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
    seq = events.next_seq(viewer.atelier_id)
    version.status = "brouillon"
    version.frozen_at = None
    record_version(viewer.atelier_id, version, seq)
    events.commit()
    return {"version": charte_views.version_full(version), "seq": seq}


# --- clauses -------------------------------------------------------------------------------------


def _next_position(version_id: int, section: str) -> int:
    top = db.session.scalar(
        select(func.max(CharteClause.position)).where(
            CharteClause.version_id == version_id, CharteClause.section == section
        )
    )
    return int(top or 0) + 1


def _clause(step: Step, clause_id: int) -> tuple[CharteClause, CharteVersion]:
    clause = db.session.get(CharteClause, clause_id)
    version = db.session.get(CharteVersion, clause.version_id) if clause else None
    if clause is None or version is None or version.cycle_id != step.atelier.cycle_id:
        raise NotFound("Cette clause n'existe plus.")
    return clause, version


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


def _record_clause(viewer: Viewer, clause: CharteClause, seq: int) -> events.Event:
    db.session.flush()
    return events.record(
        viewer.atelier_id,
        "charte.clause",
        {"clause": charte_views.one_clause(clause)},
        seq=seq,
    )


def clause_add(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur rédige les clauses.")
    version = current(step)
    require_draft(version)
    section = section_of(step, data.section)
    text = live_common.clean_text(data.text, MAX_CLAUSE, "La clause")
    live_common.check_privacy(text, data.confirm_personal)
    cards = _cards(step, data.source_card_ids)
    seq = events.next_seq(viewer.atelier_id)
    clause = CharteClause(
        version_id=version.id,
        section=section["id"],
        section_label=section["label"],
        position=_next_position(version.id, section["id"]),
        text=text,
    )
    db.session.add(clause)
    db.session.flush()
    _set_sources(clause, cards)
    event = _record_clause(viewer, clause, seq)
    events.commit()
    return {"clause": event.payload["clause"], "seq": seq}


def clause_edit(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur rédige les clauses.")
    clause, version = _clause(step, data.clause_id)
    require_draft(version)
    if clause.version != data.version:
        raise Conflict(
            "Cette clause a été modifiée entre-temps : voici son texte actuel.",
            clause=charte_views.one_clause(clause),
        )
    text = None
    if data.text is not None:
        text = live_common.clean_text(data.text, MAX_CLAUSE, "La clause")
        live_common.check_privacy(text, data.confirm_personal)
    section = section_of(step, data.section) if data.section is not None else None
    cards = _cards(step, data.source_card_ids) if data.source_card_ids is not None else None
    seq = events.next_seq(viewer.atelier_id)
    if text is not None:
        clause.text = text
    if section is not None and section["id"] != clause.section:
        clause.section = section["id"]
        clause.section_label = section["label"]
        clause.position = _next_position(version.id, section["id"])
    if cards is not None:
        _set_sources(clause, cards)
    clause.version += 1
    event = _record_clause(viewer, clause, seq)
    events.commit()
    return {"clause": event.payload["clause"], "seq": seq}


def clause_delete(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur rédige les clauses.")
    clause, version = _clause(step, data.clause_id)
    require_draft(version)
    if clause.version != data.version:
        raise Conflict(
            "Cette clause a été modifiée entre-temps : relisez-la avant de la supprimer.",
            clause=charte_views.one_clause(clause),
        )
    seq = events.next_seq(viewer.atelier_id)
    touched = db.session.scalars(
        select(CharteAmendment).where(
            CharteAmendment.clause_id == clause.id,
            CharteAmendment.status.in_((*PENDING, "acceptee")),
        )
    ).all()
    for a in touched:
        a.status = "caduque"
        a.version += 1
    clause_id = clause.id
    db.session.delete(clause)
    db.session.flush()
    db.session.refresh(version)
    event = events.record(
        viewer.atelier_id,
        "charte.clause_deleted",
        {
            "version_id": version.id,
            "clause_id": clause_id,
            "removed": charte_views.removed_clauses(version),
        },
        seq=seq,
    )
    for a in touched:
        charte_views.record_amendment(a, step, events.next_seq(viewer.atelier_id))
    events.commit()
    return {"clause_id": clause_id, "seq": event.seq}


def clause_move(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur rédige les clauses.")
    clause, version = _clause(step, data.clause_id)
    require_draft(version)
    siblings = [c for c in version.clauses if c.section == clause.section]
    index = siblings.index(clause)
    other = index + (-1 if data.direction == "up" else 1)
    if not 0 <= other < len(siblings):
        return {"unchanged": True, "seq": events.current_seq(viewer.atelier_id)}
    seq = events.next_seq(viewer.atelier_id)
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, c in enumerate(siblings, start=1):
        if c.position != position:
            c.position = position
            c.version += 1
    db.session.flush()
    db.session.refresh(version)
    record_version(viewer.atelier_id, version, seq)
    events.commit()
    return {"version": charte_views.version_full(version), "seq": seq}
