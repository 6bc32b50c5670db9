"""The board as one viewer may see it, whole (the ``sync`` snapshot, docs/protocol.md):
the part every viewer shares is built once per atelier and ``seq``; each viewer's part
(their own cards, their groups, their votes) is added to it.

A join onto a board whose shared part is current reads nothing of the atelier: its row,
its steps, its cards and tallies are that part's (``Shared``); the steps are read again
only when a viewer's snapshot depends on them (sub-groups, an activity type with a state
of its own). docs/performance.md, « Fifth pass »."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from facilitator import contract
from facilitator.core import groups
from facilitator.core.events import Viewer
from facilitator.core.visibility import (
    atelier_dict,
    author_dict,
    card_full,
    card_public,
    cards_with_authors,
    my_votes,
    step_dict,
    timer_dict_now,
)
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Participant, Step, Vote

#: how long the shared part of a snapshot is reused for an atelier at the same ``seq``
#: (config ``SNAPSHOT_CACHE_SECONDS``; 0 = off)
SNAPSHOT_CACHE_SECONDS = 2.0

_CACHE = "facilitator.snapshots"


@dataclass(frozen=True)
class Mine:
    """A participant's own part of a snapshot, read with their authentication
    (``core/joiner.py``): ``me`` and their votes."""

    me: dict[str, Any] | None
    votes: dict[int, int]


@dataclass
class Shared:
    """What every viewer's snapshot of an atelier at one ``seq`` is made of. Its dicts and
    lists are handed to every snapshot as they are (the encoder recognises them by
    identity, realtime/snapshots.py): never modified once built."""

    seq: int
    built: float
    atelier: dict[str, Any]  # without its timer: see ``timer``
    #: the atelier's timer columns: ends_at (ms epoch) or None, remaining, total
    timer: tuple[int | None, int | None, int | None]
    steps: list[dict[str, Any]]
    #: (whole card, public card or None when withheld), in board order
    cards: list[tuple[dict[str, Any], dict[str, Any] | None]]
    #: the animateurs' cards and the room's (every public card), as lists of their own
    full_cards: list[dict[str, Any]]
    public_cards: list[dict[str, Any]]
    #: who wrote a card here (a participant among them sees their own whole)
    authors: frozenset[int]
    tallies_all: dict[str, int]
    tallies_public: dict[str, int]
    #: some step's part of a snapshot depends on the viewer (sub-groups, an activity state)
    per_viewer_steps: bool


def _has_state(step_type: str) -> bool:
    base = contract.Activity.__dict__["state"]  # the classmethod that returns None
    return contract.get(step_type).__dict__.get("state", base) is not base


def _build(atelier: Atelier, steps: list[Step], seq: int, now: float) -> Shared:
    by_id = {s.id: s for s in steps}
    cards = []
    for card, author in cards_with_authors(Contribution.atelier_id == atelier.id):
        full = card_full(card, author)
        public = card_public(full, by_id[card.step_id])
        cards.append((full, None if public.get("withheld") else public))
    public_steps = {s.id for s in steps if s.results_visible}
    all_tallies: dict[str, int] = {}
    public_tallies: dict[str, int] = {}
    if steps:
        for step_id, card_id, total in db.session.execute(
            select(Vote.step_id, Vote.contribution_id, func.sum(Vote.weight))
            .where(Vote.step_id.in_(list(by_id)))
            .group_by(Vote.step_id, Vote.contribution_id)
        ):
            all_tallies[str(card_id)] = all_tallies.get(str(card_id), 0) + int(total)
            if step_id in public_steps:
                public_tallies[str(card_id)] = public_tallies.get(str(card_id), 0) + int(total)
    whole = atelier_dict(atelier)
    whole.pop("timer")
    ends = atelier.timer_ends_at
    return Shared(
        seq=seq,
        built=now,
        atelier=whole,
        timer=(
            int(ends.timestamp() * 1000) if ends else None,
            atelier.timer_remaining,
            atelier.timer_total,
        ),
        steps=[step_dict(s) for s in steps],
        cards=cards,
        full_cards=[full for full, _ in cards],
        public_cards=[public for _, public in cards if public is not None],
        authors=frozenset(full["author_id"] for full, _ in cards if full["author_id"]),
        tallies_all=all_tallies,
        tallies_public=public_tallies,
        per_viewer_steps=any(s.groups or _has_state(s.type) for s in steps),
    )


def _ttl() -> float:
    return float(current_app.config.get("SNAPSHOT_CACHE_SECONDS", SNAPSHOT_CACHE_SECONDS))


def cached(atelier_id: int, seq: int) -> Shared | None:
    """The shared part of this atelier at ``seq`` when it is still current (no query)."""
    hit: Shared | None = current_app.extensions.get(_CACHE, {}).get(atelier_id)
    if hit is not None and hit.seq == seq and time.monotonic() - hit.built < _ttl():
        return hit
    return None


def _steps_of(atelier_id: int) -> list[Step]:
    """The atelier's steps, read now (not an older copy the session may hold)."""
    return list(
        db.session.scalars(
            select(Step)
            .where(Step.atelier_id == atelier_id)
            .order_by(Step.position)
            .execution_options(populate_existing=True)
        )
    )


def shared_part(atelier_id: int, seq: int) -> Shared:
    """What every viewer's snapshot of this atelier at ``seq`` is made of, whoever asks:
    built once per ``seq`` (any event changes it, so any event invalidates it) and per
    ``SNAPSHOT_CACHE_SECONDS`` (what changes without an event — a title edited in the
    console — shows within that delay). 500 people joining build it once, not 500 times.
    Built from what the database holds now: at least what ``seq`` says (the caller read
    ``seq`` first, and every event up to it was committed before)."""
    hit = cached(atelier_id, seq)
    if hit is not None:
        return hit
    atelier = db.session.get(Atelier, atelier_id, populate_existing=True)
    assert atelier is not None
    ttl, now = _ttl(), time.monotonic()
    shared = _build(atelier, _steps_of(atelier_id), seq, now)
    cache: dict[int, Shared] = current_app.extensions.setdefault(_CACHE, {})
    # what has expired is dropped: the cache holds only the boards asked for in the last
    # ``ttl`` seconds
    for key, value in list(cache.items()):
        if now - value.built >= ttl:
            cache.pop(key, None)
    if ttl > 0:
        cache[atelier_id] = shared
    return shared


def _timer(shared: Shared) -> dict[str, Any]:
    ends, remaining, total = shared.timer
    return {
        "running": ends is not None,
        "ends_at": ends,
        "remaining": remaining,
        "total": total,
        "server_time": timer_dict_now(),
    }


def snapshot(atelier: Atelier, viewer: Viewer, seq: int) -> dict[str, Any]:
    """Everything a client needs to draw the board, as this viewer may see it."""
    return snapshot_of(atelier.id, viewer, seq)


def snapshot_of(
    atelier_id: int, viewer: Viewer, seq: int, mine: Mine | None = None
) -> dict[str, Any]:
    """``snapshot`` by the atelier's id; ``mine``: the participant's own part, already read
    (by their authentication, at or after ``seq``), else read here."""
    shared = shared_part(atelier_id, seq)
    steps = _steps_of(atelier_id) if shared.per_viewer_steps else []
    if viewer.is_animateur:
        cards = shared.full_cards
        tally = shared.tallies_all
    else:
        pid = viewer.participant_id
        # the other groups' cards of a step in its group phase (issue 18)
        hidden = groups.hidden_pairs(steps, viewer) if shared.per_viewer_steps else frozenset()
        if not hidden and pid not in shared.authors:
            cards = shared.public_cards  # the room's list, the same object for all
        else:
            cards = []
            for full, public in shared.cards:
                if pid is not None and full["author_id"] == pid:
                    cards.append(dict(full))  # theirs, whole (a copy: the shared one stays)
                elif public is not None and (full["step_id"], full["group_id"]) not in hidden:
                    cards.append(public)
        tally = shared.tallies_public
        if hidden:  # nor the other groups' vote totals
            unseen = {
                str(full["id"])
                for full, _ in shared.cards
                if (full["step_id"], full["group_id"]) in hidden
            }
            tally = {k: v for k, v in tally.items() if k not in unseen}
    data: dict[str, Any] = {
        "seq": seq,
        "role": viewer.role,
        "atelier": {**shared.atelier, "timer": _timer(shared)},
        "steps": shared.steps,
        "cards": cards,
        "tallies": tally,
        "my_votes": {},
        "me": None,
        "activity": {},
        "groups": {},
    }
    for step in steps:
        if step.groups:
            data["groups"][str(step.id)] = groups.step_groups(step, viewer)
        state = contract.get(step.type).state(step, viewer)
        if state is not None:
            data["activity"][str(step.id)] = state
    if viewer.participant_id is not None:
        if mine is None:
            me = db.session.get(Participant, viewer.participant_id)
            mine = Mine(author_dict(me), my_votes(viewer.participant_id))
        data["me"] = mine.me
        data["my_votes"] = {str(k): v for k, v in mine.votes.items()}
    return data
