"""Plain-data views of the charte's amendments: the full record (animateurs, and the author
for their own), the public one (no client id nor privacy flags; no author in an anonymous
step) and the quick vote's totals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from facilitator.activities.charte.diff import word_diff
from facilitator.activities.charte.models import (
    AMENDMENT_KINDS,
    AMENDMENT_STATUSES,
    CharteAmendment,
    CharteAmendmentVote,
    CharteClause,
)
from facilitator.core import events, group_rows, groups, visibility
from facilitator.extensions import db
from facilitator.models import Participant, Step


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
        # the sub-group it was written in (issue 18), kept after the mise en commun
        "group_id": data.get("group_id"),
    }


def record_amendment(change: events.LiveChange, a: CharteAmendment, step: Step) -> events.Event:
    """``charte.amendment``, announced where the change is made (the atelier of the live
    change): an amendment proposed at an earlier atelier, or between ateliers, is decided
    later."""
    full = amendment_full(a)
    return change.record(
        "charte.amendment",
        {"amendment": full},
        public={"amendment": visibility.proposal_public(full, step)},
        owner_id=a.participant_id,
        owner={"amendment": full},
        group_id=group_rows.audience(step.atelier_id, full["group_id"]),
    )


def group_counts(step: Step) -> dict[int, int]:
    """Sub-group of ``step`` → the amendments it proposed (the console's counts)."""
    mine = {g.id for g in groups.groups_of_step(step.id)}
    out: dict[int, int] = {}
    rows = db.session.scalars(
        select(CharteAmendment.data).where(
            CharteAmendment.atelier_id == step.atelier_id, CharteAmendment.status != "retiree"
        )
    )
    for data in rows:
        gid = (data or {}).get("group_id")
        if gid in mine:
            out[gid] = out.get(gid, 0) + 1
    return out


def group_texts(step: Step) -> dict[int, list[str]]:
    """Sub-group of ``step`` → its amendments, as « Modification : … » (the compte rendu)."""
    mine = {g.id for g in groups.groups_of_step(step.id)}
    out: dict[int, list[str]] = {}
    rows = db.session.scalars(
        select(CharteAmendment)
        .where(CharteAmendment.atelier_id == step.atelier_id, CharteAmendment.status != "retiree")
        .order_by(CharteAmendment.id)
    )
    for a in rows:
        gid = (a.data or {}).get("group_id")
        if gid in mine:
            kind = AMENDMENT_KINDS.get(a.kind, a.kind)
            out.setdefault(gid, []).append(f"Amendement ({kind}) : {a.text or a.base_text}")
    return out


def has_items(step: Step) -> bool:
    """Amendments were proposed at this step's atelier."""
    found = db.session.scalar(
        select(CharteAmendment.id).where(CharteAmendment.atelier_id == step.atelier_id).limit(1)
    )
    return found is not None
