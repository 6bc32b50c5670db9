"""Plain-data views of a ``questions_essentielles`` step, per role: proposals (full for
animateurs and their author, public for the others: no author in an anonymous step),
tallies (public from the validation phase on), the enjeux they are drafted from, the
cycle's validated questions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from facilitator.activities.questions_essentielles.models import ProposalVote, QuestionProposal
from facilitator.core import cards as board
from facilitator.core import events, groups, visibility
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.core.live import phase_of
from facilitator.core.visibility import is_withheld
from facilitator.extensions import db
from facilitator.models import Participant, Step, Vote

PHASES = ("formulation", "vote", "validation")
PHASE_LABELS = {"formulation": "Formulation", "vote": "Vote", "validation": "Validation"}


def phase(step: Step) -> str:
    return phase_of(step, PHASES[0])


def proposal_full(p: QuestionProposal, author: Participant | None = None) -> dict[str, Any]:
    if author is None and p.participant_id is not None:
        author = db.session.get(Participant, p.participant_id)
    data = p.data or {}
    return {
        "id": p.id,
        "client_id": p.client_id,
        "step_id": p.step_id,
        "text": p.text,
        "enjeu": p.enjeu,
        "status": p.status,
        "version": p.version,
        "question_id": p.question_id,
        "merged_from": list(data.get("merged_from", [])),
        "privacy": list(data.get("privacy", [])),
        "author": author.public_dict() if author else None,
        "author_id": p.participant_id,
        "by_animateur": p.animateur_id is not None,
        # the sub-group it was written in (issue 18), kept after the mise en commun
        "group_id": data.get("group_id"),
    }


def record_proposal(change: events.LiveChange, p: QuestionProposal, step: Step) -> events.Event:
    """``qe.proposal``: full for animateurs and the author, public for the others."""
    full = proposal_full(p)
    public = visibility.proposal_public(full, step)
    return change.record(
        "qe.proposal",
        {"step_id": step.id, "proposal": full},
        public={"step_id": step.id, "proposal": public},
        owner_id=p.participant_id,
        owner={"step_id": step.id, "proposal": full},
        group_id=groups.event_group(step, full["group_id"]) if step.groups else None,
    )


def tallies(step: Step) -> dict[int, int]:
    rows = db.session.execute(
        select(ProposalVote.proposal_id, func.sum(ProposalVote.weight))
        .where(ProposalVote.step_id == step.id)
        .group_by(ProposalVote.proposal_id)
    )
    return {pid: int(total) for pid, total in rows}


def enjeux(step: Step) -> list[dict[str, Any]]:
    """The enjeux of the step named by ``enjeux_from``: its clusters (and loose cards), by
    votes received, highest first."""
    key = (step.settings or {}).get("enjeux_from")
    source = next((s for s in step.atelier.steps if s.key == key), None) if key else None
    if source is None:
        return []
    # cards held for moderation or refused never become enjeux
    cards = [c for c in board.shown_cards(source.id) if not is_withheld(c)]
    votes = dict(
        db.session.execute(
            select(Vote.contribution_id, func.sum(Vote.weight))
            .where(Vote.step_id == source.id)
            .group_by(Vote.contribution_id)
        ).all()
    )
    groups: dict[str, dict[str, Any]] = {}
    for card in cards:
        label = (card.cluster or card.text).strip()[:200]
        group = groups.setdefault(label, {"label": label, "votes": 0, "cards": []})
        group["votes"] += int(votes.get(card.id, 0))
        if card.cluster:
            group["cards"].append(card.text)
    ranked = sorted(groups.values(), key=lambda g: -g["votes"])
    return [
        {"label": g["label"], "votes": g["votes"], "cards": g["cards"][:12], "rank": i}
        for i, g in enumerate(ranked, start=1)
    ]


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    """The step's part of a snapshot, as ``viewer`` may see it."""
    current = phase(step)
    rows = db.session.execute(
        select(QuestionProposal, Participant)
        .outerjoin(Participant, Participant.id == QuestionProposal.participant_id)
        .where(
            QuestionProposal.step_id == step.id,
            QuestionProposal.status.in_(("active", "validated")),
        )
        .order_by(QuestionProposal.id)
    ).all()
    hidden = groups.hidden_groups([step], viewer) if step.groups else frozenset()
    proposals = []
    unseen: set[str] = set()  # another group's proposals: nor their totals
    for p, author in rows:
        if (p.data or {}).get("group_id") in hidden:
            unseen.add(str(p.id))
            continue
        proposals.append(visibility.proposal_for(viewer, proposal_full(p, author), step))
    see_totals = viewer.is_animateur or current == "validation"
    votes = (step.settings or {}).get("votes") or {}
    out: dict[str, Any] = {
        "phase": current,
        "phases": [{"id": p, "label": PHASE_LABELS[p]} for p in PHASES],
        "enjeux": enjeux(step),
        "proposals": proposals,
        # the list whose items carry their sub-group (static/js/groups.js: counts, grid)
        "group_items": "proposals",
        "tallies": {
            str(k): v for k, v in tallies(step).items() if see_totals and str(k) not in unseen
        },
        "my_votes": {},
        "votes": {
            "budget": int(votes.get("budget", 4)),
            "max_per_card": int(votes.get("max_per_card", 1)),
        },
        "max_questions": int((step.settings or {}).get("max_questions", 4)),
        "questions": productions.questions_list(step.atelier.cycle_id),
    }
    if viewer.participant_id is not None:
        my_votes = db.session.execute(
            select(ProposalVote.proposal_id, ProposalVote.weight).where(
                ProposalVote.participant_id == viewer.participant_id,
                ProposalVote.step_id == step.id,
            )
        )
        out["my_votes"] = {str(k): v for k, v in my_votes}
    return out


def group_counts(step: Step) -> dict[int, int]:
    """Sub-group → its live proposals (the console's counts)."""
    out: dict[int, int] = {}
    rows = db.session.scalars(
        select(QuestionProposal.data).where(
            QuestionProposal.step_id == step.id,
            QuestionProposal.status.in_(("active", "validated")),
        )
    )
    for data in rows:
        gid = (data or {}).get("group_id")
        if gid is not None:
            out[gid] = out.get(gid, 0) + 1
    return out


def group_texts(step: Step) -> dict[int, list[str]]:
    """Sub-group → the texts of its live proposals (the compte rendu)."""
    out: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(QuestionProposal.data, QuestionProposal.text)
        .where(
            QuestionProposal.step_id == step.id,
            QuestionProposal.status.in_(("active", "validated")),
        )
        .order_by(QuestionProposal.id)
    )
    for data, text in rows:
        gid = (data or {}).get("group_id")
        if gid is not None:
            out.setdefault(gid, []).append(text)
    return out


def has_items(step: Step) -> bool:
    found = db.session.scalar(
        select(QuestionProposal.id).where(QuestionProposal.step_id == step.id).limit(1)
    )
    return found is not None
