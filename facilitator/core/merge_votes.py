"""After a merge (core/merge.py): the kept person's dots on cards back within each step's
rules. Both people may have voted in the same step: together they can exceed the step's
budget (and, in principle, its per-card cap). The surplus is taken from the oldest votes
first (the lowest vote ids: ids are never reused), so the result does not depend on the
order rows are read in; ateliers not closed are told (``vote.changed``) and the merge result
says how many points went."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from facilitator import contract
from facilitator.core import groups
from facilitator.core.events import LiveBatch
from facilitator.extensions import db
from facilitator.models import Contribution, Step, Vote


def fit_votes(keep_id: int, batch: LiveBatch, live: set[int]) -> list[str]:
    """Trim the kept person's votes to each step's budget and cap; French notes."""
    rows = db.session.execute(
        select(Vote, Step)
        .join(Step, Step.id == Vote.step_id)
        .where(Vote.participant_id == keep_id)
        .order_by(Vote.step_id, Vote.id)
    ).all()
    steps: dict[int, Step] = {}
    votes: dict[int, list[Vote]] = defaultdict(list)
    for vote, step in rows:
        steps[step.id] = step
        votes[step.id].append(vote)
    notes = []
    for step_id, mine in votes.items():
        step = steps[step_id]
        rules = contract.get(step.type).vote_rules(step.settings)
        if rules is None:
            continue
        removed = _trim(mine, *rules)
        if not removed:
            continue
        changed = [v for v in mine if removed.get(v.id)]
        for vote in changed:
            if vote.weight <= 0:
                db.session.delete(vote)
        db.session.flush()
        total = sum(removed.values())
        notes.append(
            f"votes de l'étape « {step.title} » : "
            + (f"{total} points" if total > 1 else "un point")
            + f" au-delà du budget de {rules[0]} (ou de {rules[1]} par carte) "
            + ("retirés, les plus anciens d'abord." if total > 1 else "retiré, le plus ancien.")
        )
        if step.atelier_id in live:
            _announce(step, changed, keep_id, sum(max(v.weight, 0) for v in mine), batch)
    return notes


def _trim(mine: list[Vote], budget: int, cap: int) -> dict[int, int]:
    """Lower the weights in place (oldest first); vote id → points removed."""
    removed: dict[int, int] = defaultdict(int)
    for vote in mine:
        if vote.weight > cap:
            removed[vote.id] += vote.weight - cap
            vote.weight = cap
    surplus = sum(v.weight for v in mine) - budget
    for vote in mine:  # ordered by id: the oldest first
        if surplus <= 0:
            break
        taken = min(vote.weight, surplus)
        vote.weight -= taken
        surplus -= taken
        removed[vote.id] += taken
    return removed


def _announce(step: Step, changed: list[Vote], pid: int, used: int, batch: LiveBatch) -> None:
    """``vote.changed`` for each trimmed card, as a vote would (core/votes.py)."""
    for vote in changed:
        card_id, weight = vote.contribution_id, max(vote.weight, 0)
        total = int(
            db.session.scalar(
                select(func.coalesce(func.sum(Vote.weight), 0)).where(
                    Vote.contribution_id == card_id
                )
            )
            or 0
        )
        base = {"step_id": step.id, "card_id": card_id}
        owner = {**base, "weight": weight, "used": used}
        if step.results_visible:
            owner["total"] = total
        batch.record(
            step.atelier_id,
            "vote.changed",
            {**base, "total": total, "participant_id": pid, "weight": weight, "used": used},
            public={**base, "total": total} if step.results_visible else None,
            owner_id=pid,
            owner=owner,
            # a card of a sub-group: its members only, as a vote would (core/votes.py)
            group_id=_group_of(step, card_id),
        )


def _group_of(step: Step, card_id: int) -> int | None:
    if not step.groups:
        return None
    card = db.session.get(Contribution, card_id)
    return groups.event_group(step, card.group_id if card is not None else None)
