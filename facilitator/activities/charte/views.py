"""Plain-data views of the cycle's charte, per role: versions and their clauses (with the
word-level diff against the previous version), amendments (no author in an anonymous step,
quick-vote totals only once closed), the adoption vote (participation for everyone, totals
for animateurs — for everyone once closed or when the step shows its results)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlalchemy import func, select

from facilitator.activities.charte.models import (
    AMENDMENT_KINDS,
    AMENDMENT_STATUSES,
    VERSION_STATUSES,
    CharteAmendment,
    CharteAmendmentVote,
    CharteBallot,
    CharteClause,
    CharteClauseSource,
    CharteSignatory,
    CharteVersion,
)
from facilitator.core import events
from facilitator.core.events import Viewer
from facilitator.core.live import phase_of
from facilitator.extensions import db
from facilitator.models import Attendance, Contribution, Participant, Step, Structure

PHASES = ("idees", "redaction", "amendements", "gel", "vote")
PHASE_LABELS = {
    "idees": "Idées",
    "redaction": "Rédaction",
    "amendements": "Amendements",
    "gel": "Gel",
    "vote": "Vote d'adoption",
}
OUTCOME_LABELS = {
    "adoptee": "Adoptée",
    "non_adoptee": "Non adoptée",
    "quorum_non_atteint": "Quorum non atteint",
}
COUNTS_AS_LABELS = {"pour": "pour l'adoption", "contre": "contre", "abstention": "abstention"}
_TOKENS = re.compile(r"\s+|[^\s]+")


def phase(step: Step) -> str:
    default = (step.settings or {}).get("start_phase") or PHASES[0]
    return phase_of(step, default)


def sections(step: Step) -> list[dict[str, str]]:
    from facilitator.activities.charte.settings import DEFAULT_SECTIONS

    found = (step.settings or {}).get("sections") or DEFAULT_SECTIONS
    return [{"id": s["id"], "label": s["label"], "hint": s.get("hint", "")} for s in found]


def rules(step: Step) -> dict[str, Any]:
    """The adoption vote's rules from the step's settings (defaults filled in)."""
    from facilitator.activities.charte.settings import CharteSettings

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


def word_diff(old: str, new: str) -> list[list[str]]:
    """``[[op, text], …]`` with op ``eq`` / ``ins`` / ``del``, word by word (spaces kept).
    Changes separated by a single space are shown as one change: easier to read."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[list[Any]] = []  # [changed, old text, new text]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    opcodes = matcher.get_opcodes()
    for i, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        between = 0 < i < len(opcodes) - 1 and runs and runs[-1][0]
        if tag == "equal" and not (between and old_part.isspace()):
            runs.append([False, old_part, new_part])
        elif runs and runs[-1][0]:
            runs[-1][1] += old_part
            runs[-1][2] += new_part
        else:
            runs.append([True, old_part, new_part])
    out: list[list[str]] = []
    for changed, old_part, new_part in runs:
        if not changed:
            out.append(["eq", old_part])
            continue
        if old_part:
            out.append(["del", old_part])
        if new_part:
            out.append(["ins", new_part])
    return out


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


def removed_clauses(version: CharteVersion) -> list[dict[str, str]]:
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


def record_version(atelier_id: int, version: CharteVersion, seq: int | None = None) -> None:
    """``charte.version``: the whole current version and the list of versions."""
    events.record(
        atelier_id,
        "charte.version",
        {"version": version_full(version), "versions": versions_list(version.cycle_id)},
        seq=seq,
    )


# --- amendments ------------------------------------------------------------------------------


def quick_tally(amendment_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(CharteAmendmentVote.choice, func.count())
        .where(CharteAmendmentVote.amendment_id == amendment_id)
        .group_by(CharteAmendmentVote.choice)
    )
    tally = {"pour": 0, "contre": 0, "abstention": 0}
    tally.update({choice: int(n) for choice, n in rows})
    return tally


def amendment_full(a: CharteAmendment) -> dict[str, Any]:
    author = db.session.get(Participant, a.participant_id) if a.participant_id else None
    clause = db.session.get(CharteClause, a.clause_id) if a.clause_id else None
    data = a.data or {}
    return {
        "id": a.id,
        "client_id": a.client_id,
        "version_id": a.version_id,
        "clause_id": a.clause_id,
        "section": a.section,
        "kind": a.kind,
        "kind_label": AMENDMENT_KINDS.get(a.kind, a.kind),
        "text": a.text,
        "reason": a.reason,
        "base_text": a.base_text,
        "diff": word_diff(a.base_text, a.text) if a.kind == "modification" else None,
        "status": a.status,
        "status_label": AMENDMENT_STATUSES.get(a.status, a.status),
        "decision_reason": a.decision_reason,
        "quick": data.get("quick"),
        #: the clause changed since the amendment was written (read both before deciding)
        "outdated": bool(clause and a.kind != "ajout" and clause.text != a.base_text),
        "clause_text": clause.text if clause else None,
        "privacy": list(data.get("privacy", [])),
        "author": author.public_dict() if author else None,
        "author_id": a.participant_id,
        "by_animateur": a.animateur_id is not None,
        "version": a.version,
    }


def amendment_public(full: dict[str, Any], step: Step) -> dict[str, Any]:
    out = dict(full)
    out.pop("client_id", None)
    out["privacy"] = []
    if step.anonymous:
        out["author"] = None
        out["author_id"] = None
    return out


def record_amendment(a: CharteAmendment, step: Step, seq: int | None = None) -> events.Event:
    full = amendment_full(a)
    public = amendment_public(full, step)
    # announced where the change is made (the step's atelier, whose seq the caller took):
    # an amendment proposed at an earlier atelier, or between ateliers, is decided later
    return events.record(
        step.atelier_id,
        "charte.amendment",
        {"amendment": full},
        public={"amendment": public},
        owner_id=a.participant_id,
        owner={"amendment": full},
        seq=seq,
    )


# --- adoption vote ---------------------------------------------------------------------------


def electors(version: CharteVersion, vote_rules: dict[str, Any], atelier_id: int) -> int:
    """How many may vote: structures or participants, of the cycle or present today."""
    per_structure = vote_rules.get("ballot") == "structure"
    if vote_rules.get("quorum_base") == "atelier":
        column = Participant.structure_id if per_structure else Participant.id
        query = (
            select(func.count(func.distinct(column)))
            .select_from(Participant)
            .join(Attendance, Attendance.participant_id == Participant.id)
            .where(Attendance.atelier_id == atelier_id, column.is_not(None))
        )
        return int(db.session.scalar(query) or 0)
    if per_structure:
        return int(
            db.session.scalar(
                select(func.count(Structure.id)).where(Structure.cycle_id == version.cycle_id)
            )
            or 0
        )
    return int(
        db.session.scalar(
            select(func.count(Participant.id)).where(Participant.cycle_id == version.cycle_id)
        )
        or 0
    )


def ballot_tallies(version: CharteVersion) -> dict[str, int]:
    rows = db.session.execute(
        select(CharteBallot.gradient, func.count())
        .where(CharteBallot.version_id == version.id)
        .group_by(CharteBallot.gradient)
    )
    return {g: int(n) for g, n in rows}


def participation(version: CharteVersion) -> dict[str, Any]:
    vote_rules = version.vote_rules or {}
    count = int(
        db.session.scalar(
            select(func.count(CharteBallot.id)).where(CharteBallot.version_id == version.id)
        )
        or 0
    )
    atelier_id = version.vote_atelier_id or 0
    total = electors(version, vote_rules, atelier_id)
    quorum = int(vote_rules.get("quorum", 0))
    return {
        "ballots": count,
        "electors": total,
        "quorum_needed": -(-total * quorum // 100),
        "ballot": vote_rules.get("ballot", "structure"),
    }


def vote_view(version: CharteVersion | None, step: Step, viewer: Viewer) -> dict[str, Any] | None:
    if version is None or not version.vote_state:
        return None
    closed = version.vote_state == "clos"
    out: dict[str, Any] = {
        "version_id": version.id,
        "number": version.number,
        "state": version.vote_state,
        "rules": dict(version.vote_rules or {}),
        "participation": participation(version),
        "tallies": None,
        "my_ballot": None,
        "structure_voted": False,
    }
    if viewer.is_animateur or closed or step.results_visible:
        out["tallies"] = ballot_tallies(version)
    if viewer.participant_id is not None:
        mine = db.session.scalar(
            select(CharteBallot).where(
                CharteBallot.version_id == version.id,
                CharteBallot.participant_id == viewer.participant_id,
            )
        )
        out["my_ballot"] = mine.gradient if mine else None
        if mine is None and out["rules"].get("ballot") == "structure":
            me = db.session.get(Participant, viewer.participant_id)
            if me is not None and me.structure_id is not None:
                out["structure_voted"] = (
                    db.session.scalar(
                        select(CharteBallot.id).where(
                            CharteBallot.version_id == version.id,
                            CharteBallot.for_structure_id == me.structure_id,
                        )
                    )
                    is not None
                )
    return out


def record_ballot(version: CharteVersion, step: Step, voter_id: int, seq: int) -> events.Event:
    """``charte.ballot``: totals for animateurs (and everyone when the step shows its
    results), participation for the others, the voter's own ballot to them."""
    part = participation(version)
    tallies = ballot_tallies(version)
    base = {"version_id": version.id, "participation": part}
    full = {**base, "tallies": tallies}
    mine = db.session.scalar(
        select(CharteBallot.gradient).where(
            CharteBallot.version_id == version.id, CharteBallot.participant_id == voter_id
        )
    )
    return events.record(
        step.atelier_id,
        "charte.ballot",
        full,
        public=full if step.results_visible else base,
        owner_id=voter_id,
        owner={**(full if step.results_visible else base), "my_ballot": mine},
        seq=seq,
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
        for a in rows:
            full = amendment_full(a)
            mine = viewer.participant_id is not None and a.participant_id == viewer.participant_id
            amendments.append(full if viewer.is_animateur or mine else amendment_public(full, step))
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
        "quick": quick,
        "my_quick": my_quick,
        "vote": vote_view(current, step, viewer),
        "adopted_number": adopted.number if adopted else None,
    }
