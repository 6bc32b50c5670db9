"""Plain-data views of the cycle's charte, per role: the step's state, its phases and
sections, the versions and their clauses (with the word-level diff against the previous
version). Amendments: ``views_amendments``; the adoption vote: ``views_vote``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.activities.charte.diff import word_diff
from facilitator.activities.charte.models import (
    VERSION_STATUSES,
    CharteAmendment,
    CharteAmendmentVote,
    CharteClause,
    CharteClauseSource,
    CharteSignatory,
    CharteVersion,
)
from facilitator.activities.charte.settings import CharteSettings, section_list
from facilitator.activities.charte.views_amendments import (
    amendment_full,
    quick_tally,
)
from facilitator.activities.charte.views_vote import participation, vote_view
from facilitator.core import events, groups, visibility
from facilitator.core.events import Viewer
from facilitator.core.live import phase_of
from facilitator.extensions import db
from facilitator.models import Contribution, Step, Structure

PHASES = ("idees", "redaction", "amendements", "gel", "vote")
PHASE_LABELS = {
    "idees": "Idées",
    "redaction": "Rédaction",
    "amendements": "Amendements",
    "gel": "Gel",
    "vote": "Vote d'adoption",
}


def phase(step: Step) -> str:
    default = (step.settings or {}).get("start_phase") or PHASES[0]
    return phase_of(step, default)


def sections(step: Step) -> list[dict[str, str]]:
    return section_list(step.settings or {})


def rules(step: Step) -> dict[str, Any]:
    """The adoption vote's rules from the step's settings (defaults filled in)."""
    settings = CharteSettings.model_validate(step.settings or {}, strict=False)
    return {
        "ballot": settings.ballot,
        "quorum": settings.quorum,
        "quorum_base": settings.quorum_base,
        "threshold": settings.threshold,
        "threshold_base": settings.threshold_base,
        "gradients": [g.model_dump() for g in settings.gradients],
    }


# --- versions and clauses ------------------------------------------------------------------


def latest(cycle_id: int) -> CharteVersion | None:
    return db.session.scalar(
        select(CharteVersion)
        .where(CharteVersion.cycle_id == cycle_id)
        .order_by(CharteVersion.number.desc())
        .limit(1)
    )


def clause_dict(
    clause: CharteClause,
    origin: CharteClause | None,
    has_parent: bool,
    sources: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    if not has_parent:
        change, diff = None, None
    elif origin is None:
        change, diff = "ajoutee", [["ins", clause.text]]
    elif origin.text == clause.text:
        change, diff = "inchangee", None
    else:
        change, diff = "modifiee", word_diff(origin.text, clause.text)
    return {
        "id": clause.id,
        "version_id": clause.version_id,
        "section": clause.section,
        "position": clause.position,
        "text": clause.text,
        "version": clause.version,
        "change": change,
        "diff": diff,
        "sources": sources if sources is not None else _sources([clause.id]).get(clause.id, []),
    }


def _sources(clause_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not clause_ids:
        return {}
    rows = db.session.execute(
        select(CharteClauseSource.clause_id, Contribution)
        .join(Contribution, Contribution.id == CharteClauseSource.contribution_id)
        .where(CharteClauseSource.clause_id.in_(clause_ids))
        .order_by(Contribution.id)
    ).all()
    out: dict[int, list[dict[str, Any]]] = {}
    for clause_id, card in rows:
        hidden = card.deleted or card.masked
        out.setdefault(clause_id, []).append(
            {"card_id": card.id, "text": None if hidden else card.text}
        )
    return out


def one_clause(clause: CharteClause) -> dict[str, Any]:
    version = db.session.get(CharteVersion, clause.version_id)
    origin = db.session.get(CharteClause, clause.origin_id) if clause.origin_id else None
    return clause_dict(clause, origin, bool(version and version.parent_id))


def removed_clauses(version: CharteVersion) -> list[dict[str, Any]]:
    """Clauses of the previous version that have no continuation in this one."""
    if not version.parent_id:
        return []
    kept = {c.origin_id for c in version.clauses if c.origin_id}
    parent = db.session.get(CharteVersion, version.parent_id)
    if parent is None:
        return []
    return [
        {"id": c.id, "section": c.section, "text": c.text}
        for c in parent.clauses
        if c.id not in kept
    ]


def signatories(version: CharteVersion) -> list[str]:
    rows = db.session.scalars(
        select(Structure.name)
        .join(CharteSignatory, CharteSignatory.structure_id == Structure.id)
        .where(CharteSignatory.version_id == version.id)
        .order_by(Structure.name)
    ).all()
    return list(rows)


def version_summary(version: CharteVersion) -> dict[str, Any]:
    parent = db.session.get(CharteVersion, version.parent_id) if version.parent_id else None
    return {
        "id": version.id,
        "number": version.number,
        "status": version.status,
        "status_label": VERSION_STATUSES.get(version.status, version.status),
        "parent_number": parent.number if parent else None,
        "frozen_at": version.frozen_at.isoformat() if version.frozen_at else None,
        "vote_state": version.vote_state,
        "result": dict(version.result or {}),
        "signatories": signatories(version) if version.status == "adoptee" else [],
        "vote_rules": dict(version.vote_rules or {}),
        "participation": participation(version) if version.vote_state else None,
    }


def version_full(version: CharteVersion) -> dict[str, Any]:
    origins = {
        c.id: c
        for c in db.session.scalars(
            select(CharteClause).where(
                CharteClause.id.in_([c.origin_id for c in version.clauses if c.origin_id])
            )
        )
    }
    sources = _sources([c.id for c in version.clauses])
    has_parent = bool(version.parent_id)
    return {
        **version_summary(version),
        "clauses": [
            clause_dict(c, origins.get(c.origin_id or 0), has_parent, sources.get(c.id, []))
            for c in version.clauses
        ],
        "removed": removed_clauses(version),
    }


def versions_list(cycle_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(CharteVersion)
        .where(CharteVersion.cycle_id == cycle_id)
        .order_by(CharteVersion.number)
    ).all()
    return [version_summary(v) for v in rows]


def record_version(change: events.LiveChange, version: CharteVersion) -> events.Event:
    """``charte.version``: the whole current version and the list of versions."""
    return change.record(
        "charte.version",
        {"version": version_full(version), "versions": versions_list(version.cycle_id)},
    )


# --- the step's state --------------------------------------------------------------------------


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    current = latest(cycle_id)
    amendments: list[dict[str, Any]] = []
    quick: dict[str, dict[str, int]] = {}
    my_quick: dict[str, str] = {}
    if current is not None:
        rows = db.session.scalars(
            select(CharteAmendment)
            .where(CharteAmendment.version_id == current.id)
            .order_by(CharteAmendment.id)
        ).all()
        # the amendments are the cycle's charte's: a group of any step of the atelier
        # working apart hides its own, here too (another charte step, say)
        hidden = groups.hidden_groups(step.atelier.steps, viewer)
        for a in rows:
            if (a.data or {}).get("group_id") in hidden:
                continue
            amendments.append(visibility.proposal_for(viewer, amendment_full(a), step))
            if a.status == "en_vote" and viewer.is_animateur:
                quick[str(a.id)] = quick_tally(a.id)
        if viewer.participant_id is not None:
            ids = [a.id for a in rows]
            if ids:
                mine_rows = db.session.execute(
                    select(CharteAmendmentVote.amendment_id, CharteAmendmentVote.choice).where(
                        CharteAmendmentVote.participant_id == viewer.participant_id,
                        CharteAmendmentVote.amendment_id.in_(ids),
                    )
                )
                my_quick = {str(k): v for k, v in mine_rows}
    adopted = db.session.scalar(
        select(CharteVersion)
        .where(CharteVersion.cycle_id == cycle_id, CharteVersion.status == "adoptee")
        .order_by(CharteVersion.number.desc())
        .limit(1)
    )
    return {
        "charte": True,
        "phase": phase(step),
        "phases": [{"id": p, "label": PHASE_LABELS[p]} for p in PHASES],
        "sections": sections(step),
        "rules": rules(step),
        "versions": versions_list(cycle_id),
        "current": version_full(current) if current is not None else None,
        "amendments": amendments,
        # the list whose items carry their sub-group (static/js/groups.js: counts, grid)
        "group_items": "amendments",
        "quick": quick,
        "my_quick": my_quick,
        "vote": vote_view(current, step, viewer),
        "adopted_number": adopted.number if adopted else None,
    }
