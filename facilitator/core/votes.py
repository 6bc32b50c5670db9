"""Votes on cards: one point at a time, written by a group commit.

Concurrent votes are written together (``core.group_commit``: one transaction for every
vote that arrived meanwhile, ``events.live_batch``); each caller gets its answer only once
its vote is committed, and a vote that fails does not take the others of its batch down."""

from __future__ import annotations

import logging
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import joinedload

from facilitator import contract, dblock
from facilitator.core import events, groups
from facilitator.core.events import LiveBatch, Viewer
from facilitator.core.group_commit import GroupCommit
from facilitator.core.live import check_dot
from facilitator.core.visibility import WITHHELD
from facilitator.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Contribution, Step, Vote

log = logging.getLogger(__name__)

#: one vote: (viewer, card id, delta[, expected weight])
VoteItem = tuple[Any, ...]


def vote(viewer: Viewer, card_id: int, delta: int, expect: int | None = None) -> dict[str, Any]:
    """Add (``delta`` 1) or take back (-1) one point on a card.

    ``expect`` (optional) is the voter's weight on the card once this vote is counted: a
    retry whose first try was stored (its ack lost) finds that weight already there and is
    answered ``unchanged`` without counting twice; a weight that is neither that nor
    ``expect - delta`` answers ``conflict`` with the current ``weight`` and ``used``."""
    if viewer.role != "participant" or viewer.participant_id is None:
        raise Forbidden("Seuls les participants votent.")
    if delta not in (1, -1):
        raise InvalidInput("Un vote ajoute ou retire un point à la fois.")
    result: dict[str, Any] = vote_writer().submit((viewer, card_id, delta, expect))
    return result


def vote_writer() -> GroupCommit:
    """This app's vote group commit (one per app and process)."""
    writer: GroupCommit | None = current_app.extensions.get("facilitator.votes")
    if writer is None:
        gevent = current_app.config.get("SOCKETIO_ASYNC_MODE") == "gevent"
        window = current_app.config.get("VOTE_GROUP_COMMIT_MS", 2 if gevent else 0) / 1000
        writer = GroupCommit(_vote_batch, window=window)
        current_app.extensions["facilitator.votes"] = writer
    return writer


def _vote_batch(slots: list[Any]) -> None:
    """Write a batch of votes in one transaction; on an unexpected failure (not a refusal:
    those are answers), write them again one by one so that only the faulty one fails.
    Every slot gets its answer once its vote is committed (or known not to be); the
    events are published after the commit, before anyone is answered."""
    try:
        results = _apply_votes([slot.item for slot in slots])
    except Exception as exc:
        events.rollback()  # nothing of the batch is stored
        if len(slots) == 1 or dblock.is_lock_error(exc):
            # another process holds SQLite's write lock: each vote is run again after a
            # cooperative pause by its own handler (facilitator.dblock), nothing was stored
            for slot in slots:
                slot.error = exc
            return
        log.warning("vote batch of %s failed (%s): one by one", len(slots), exc)
        for slot in slots:
            _vote_batch([slot])
        return
    for slot, result in zip(slots, results, strict=True):
        if isinstance(result, BaseException):
            slot.error = result
        else:
            slot.value = result


_VOTE = cast(Table, Vote.__table__)  # typed a FromClause by the declarative base
_INSERT_VOTE = _VOTE.insert()
_UPDATE_VOTE = _VOTE.update().where(_VOTE.c.id == bindparam("vid")).values(weight=bindparam("w"))
_DELETE_VOTE = _VOTE.delete().where(_VOTE.c.id == bindparam("vid"))


def take_back(card_id: int) -> None:
    """Every vote on a card goes back to its owner's budget (the card deleted or refused)."""
    db.session.execute(_VOTE.delete().where(_VOTE.c.contribution_id == card_id))


class _Read:
    """What a batch reads once, then keeps up to date vote after vote."""

    def __init__(self, items: list[VoteItem]) -> None:
        card_ids = {item[1] for item in items}
        c = Contribution.__table__.c
        self.cards: dict[int, Any] = {  # rows (id, atelier_id, step_id, deleted, data, group)
            row.id: row
            for row in db.session.execute(
                select(c.id, c.atelier_id, c.step_id, c.deleted, c.data, c.group_id).where(
                    c.id.in_(card_ids)
                )
            )
        }
        step_ids = {row.step_id for row in self.cards.values()}
        self.steps: dict[int, Step] = {
            step.id: step
            for step in db.session.scalars(
                select(Step).where(Step.id.in_(step_ids)).options(joinedload(Step.atelier))
            )
        }
        pids = {item[0].participant_id for item in items}
        v = _VOTE.c
        #: (participant, card) -> (vote id, weight), as stored
        self.rows: dict[tuple[int, int], tuple[int, int]] = {}
        #: (participant, step) -> card -> weight, as the batch goes
        self.mine: dict[tuple[int, int], dict[int, int]] = {}
        if step_ids:
            for row in db.session.execute(
                select(v.id, v.step_id, v.participant_id, v.contribution_id, v.weight).where(
                    v.step_id.in_(step_ids), v.participant_id.in_(pids)
                )
            ):
                self.rows[(row.participant_id, row.contribution_id)] = (row.id, row.weight)
                by_card = self.mine.setdefault((row.participant_id, row.step_id), {})
                by_card[row.contribution_id] = row.weight
        self.totals: dict[int, int] = dict(
            db.session.execute(  # rows of (card id, sum)
                select(v.contribution_id, func.sum(v.weight))
                .where(v.contribution_id.in_(card_ids))
                .group_by(v.contribution_id)
            ).all()
        )


def _apply_votes(items: list[VoteItem]) -> list[Any]:
    """Check, write and commit ``(viewer, card_id, delta[, expect])`` votes, in order, in
    one transaction. Returns, per item, its ack or the ``DomainError`` refusing it. Same
    checks, same answers as one vote at a time: the budget and the cap see the votes of the
    batch that come before."""
    # the ateliers' rows are locked first (in id order: no deadlock between processes),
    # then read: no read-then-write race with another process's writers
    with events.live_batch({item[0].atelier_id for item in items}) as batch:
        read = _Read(items)
        out: list[Any] = []
        for viewer, card_id, delta, *more in items:
            expect = more[0] if more else None
            try:
                out.append(_one_vote(viewer, card_id, delta, expect, read, batch))
            except DomainError as exc:
                out.append(exc)
        _write(read, {(item[0].participant_id, item[1]) for item in items})
    return out


def _write(read: _Read, touched: set[tuple[int, int]]) -> None:
    """Write the votes as they now are, against what was read."""
    final = {
        (pid, card): weight
        for (pid, _step), by_card in read.mine.items()
        for card, weight in by_card.items()
    }
    inserts, updates, deletes = [], [], []
    for key in touched:
        before, after = read.rows.get(key), final.get(key, 0)
        if before is None and after:
            step_id = read.cards[key[1]].step_id
            inserts.append(
                {
                    "step_id": step_id,
                    "participant_id": key[0],
                    "contribution_id": key[1],
                    "weight": after,
                }
            )
        elif before is not None and not after:
            deletes.append({"vid": before[0]})
        elif before is not None and after != before[1]:
            updates.append({"vid": before[0], "w": after})
    if deletes:
        db.session.execute(_DELETE_VOTE, deletes)
    if updates:
        db.session.execute(_UPDATE_VOTE, updates)
    if inserts:
        db.session.execute(_INSERT_VOTE, inserts)


def _one_vote(
    viewer: Viewer,
    card_id: int,
    delta: int,
    expect: int | None,
    read: _Read,
    batch: LiveBatch,
) -> dict[str, Any]:
    """One vote of a batch: checks, then the in-memory state and its event."""
    card = read.cards.get(card_id)
    if card is None or card.atelier_id != viewer.atelier_id or card.deleted:
        raise NotFound("Cette carte n'existe pas ou a été supprimée.")
    step = read.steps[card.step_id]
    # another group's card, while groups work apart, does not exist for this participant
    groups.require_sees(viewer, step, card.group_id)
    step.require_writable()
    if (card.data or {}).get("moderation") in WITHHELD:
        raise InvalidInput(
            "Cette carte attend la validation de l'animateur : on ne peut pas encore voter.",
            code="pending",
        )
    rules = contract.get(step.type).vote_rules(step.settings)
    if rules is None:
        raise InvalidInput("Cette étape ne comporte pas de vote.", code="no_vote")
    budget = rules[0]
    pid = viewer.participant_id
    assert pid is not None
    by_card = read.mine.setdefault((pid, step.id), {})
    used = sum(by_card.values())
    on_card = by_card.get(card_id, 0)
    if expect is not None and on_card == expect:
        # a retry of a vote already counted (its ack was lost): answer, record nothing
        ack: dict[str, Any] = {
            "step_id": step.id,
            "card_id": card_id,
            "weight": on_card,
            "used": used,
        }
        if step.results_visible:
            ack["total"] = int(read.totals.get(card_id) or 0)
        return {
            **ack,
            "remaining": budget - used,
            "unchanged": True,
            "seq": batch.seqs[viewer.atelier_id],
        }
    if expect is not None and on_card + delta != expect:
        raise Conflict(
            "Vos votes sur cette carte ont changé entre-temps : l'affichage est mis à jour.",
            step_id=step.id,
            card_id=card_id,
            weight=on_card,
            used=used,
            remaining=budget - used,
        )
    check_dot(delta, used, on_card, rules, "une même carte", "sur cette carte")
    on_card += delta
    used += delta
    if on_card:
        by_card[card_id] = on_card
    else:
        del by_card[card_id]
    total = read.totals[card_id] = int(read.totals.get(card_id) or 0) + delta
    base = {"step_id": step.id, "card_id": card_id}
    owner = {**base, "weight": on_card, "used": used}
    if step.results_visible:
        owner["total"] = total
    event = batch.record(
        viewer.atelier_id,
        "vote.changed",
        {**base, "total": total, "participant_id": pid, "weight": on_card, "used": used},
        public={**base, "total": total} if step.results_visible else None,
        owner_id=pid,
        owner=owner,
        group_id=groups.event_group(step, card.group_id) if step.groups else None,
    )
    return {**owner, "remaining": budget - used, "seq": event.seq}
