"""The board as one viewer may see it, whole (the ``sync`` snapshot, docs/protocol.md):
the part every viewer shares is built once per atelier and ``seq``; each viewer's part
(their own cards, their groups, their votes) is added to it."""

from __future__ import annotations

import time
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
    timer_dict,
)
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Participant, Step, Vote

#: how long the shared part of a snapshot is reused for an atelier at the same ``seq``
#: (config ``SNAPSHOT_CACHE_SECONDS``; 0 = off)
SNAPSHOT_CACHE_SECONDS = 2.0


def _shared_snapshot(atelier: Atelier, steps: list[Step], seq: int) -> dict[str, Any]:
    """What every viewer's snapshot of this atelier at ``seq`` is made of, whoever asks:
    built once per ``seq`` (any event changes it, so any event invalidates it) and per
    ``SNAPSHOT_CACHE_SECONDS`` (what changes without an event — a title edited in the
    console — shows within that delay). 500 people joining build it once, not 500 times.
    The cached dicts are shared between snapshots: never modified after they are built."""
    ttl = current_app.config.get("SNAPSHOT_CACHE_SECONDS", SNAPSHOT_CACHE_SECONDS)
    cache = current_app.extensions.setdefault("facilitator.snapshots", {})
    now = time.monotonic()
    hit = cache.get(atelier.id)
    if hit is not None and hit[0] == seq and now - hit[1] < ttl:
        return hit[2]
    by_id = {s.id: s for s in steps}
    rows = cards_with_authors(Contribution.atelier_id == atelier.id)
    cards = []
    for card, author in rows:
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
    shared = {
        "atelier": atelier_dict(atelier),
        "steps": [step_dict(s) for s in steps],
        "cards": cards,
        "tallies_all": all_tallies,
        "tallies_public": public_tallies,
    }
    # what has expired is dropped: the cache holds only the boards asked for in the last
    # ``ttl`` seconds
    for key, value in list(cache.items()):
        if now - value[1] >= ttl:
            cache.pop(key, None)
    if ttl > 0:
        cache[atelier.id] = (seq, now, shared)
    return shared


def snapshot(atelier: Atelier, viewer: Viewer, seq: int) -> dict[str, Any]:
    """Everything a client needs to draw the board, as this viewer may see it."""
    steps = list(atelier.steps)
    shared = _shared_snapshot(atelier, steps, seq)
    if viewer.is_animateur:
        cards = [full for full, _ in shared["cards"]]
        tally = shared["tallies_all"]
    else:
        pid = viewer.participant_id
        # the other groups' cards of a step in its group phase (issue 18)
        hidden = groups.hidden_pairs(steps, viewer)
        cards = [
            dict(full) if pid is not None and full["author_id"] == pid else public
            for full, public in shared["cards"]
            if (public is not None and (full["step_id"], full["group_id"]) not in hidden)
            or (pid is not None and full["author_id"] == pid)
        ]
        tally = shared["tallies_public"]
        if hidden:  # nor the other groups' vote totals
            unseen = {
                str(full["id"])
                for full, _ in shared["cards"]
                if (full["step_id"], full["group_id"]) in hidden
            }
            tally = {k: v for k, v in tally.items() if k not in unseen}
    data: dict[str, Any] = {
        "seq": seq,
        "role": viewer.role,
        "atelier": {**shared["atelier"], "timer": timer_dict(atelier)},
        "steps": shared["steps"],
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
        me = db.session.get(Participant, viewer.participant_id)
        data["me"] = author_dict(me)
        data["my_votes"] = {str(k): v for k, v in my_votes(viewer.participant_id).items()}
    return data
