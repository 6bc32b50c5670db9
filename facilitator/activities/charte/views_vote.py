"""Plain-data views of the charte's adoption vote: participation for everyone, totals for
animateurs — for everyone once closed or when the step shows its results — and each voter's
own ballot."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from facilitator.activities.charte.models import CharteBallot, CharteVersion
from facilitator.core import events
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import Attendance, Participant, Step, Structure

OUTCOME_LABELS = {
    "adoptee": "Adoptée",
    "non_adoptee": "Non adoptée",
    "quorum_non_atteint": "Quorum non atteint",
}


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


def ballot_of(version: CharteVersion, participant_id: int) -> CharteBallot | None:
    """The participant's own ballot on this version."""
    return db.session.scalar(
        select(CharteBallot).where(
            CharteBallot.version_id == version.id,
            CharteBallot.participant_id == participant_id,
        )
    )


def structure_ballot(version: CharteVersion, structure_id: int) -> int | None:
    """The id of the ballot cast for this structure (one per structure), if any."""
    return db.session.scalar(
        select(CharteBallot.id).where(
            CharteBallot.version_id == version.id,
            CharteBallot.for_structure_id == structure_id,
        )
    )


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
        mine = ballot_of(version, viewer.participant_id)
        out["my_ballot"] = mine.gradient if mine else None
        if mine is None and out["rules"].get("ballot") == "structure":
            me = db.session.get(Participant, viewer.participant_id)
            if me is not None and me.structure_id is not None:
                out["structure_voted"] = structure_ballot(version, me.structure_id) is not None
    return out


def record_ballot(
    change: events.LiveChange, version: CharteVersion, step: Step, voter_id: int
) -> events.Event:
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
    return change.record(
        "charte.ballot",
        full,
        public=full if step.results_visible else base,
        owner_id=voter_id,
        owner={**(full if step.results_visible else base), "my_ballot": mine},
    )
