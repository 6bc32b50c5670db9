"""Bulk actions of the animateur (issue 16): the same thing done to many cards in one live
change — validate every card waiting for moderation in a step, put a selection of cards
in one cluster. One transaction, one ``card.updated`` event per card changed (the clients'
reducers are the usual ones), one ack with the count."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from facilitator.core import cards as board
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.core.visibility import is_withheld, moderated
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Contribution

log = logging.getLogger(__name__)

#: cards one bulk action may touch
MAX_CARDS = 500


class _Batch:
    """``board.record_card`` writes through a ``LiveChange``; a bulk action records its
    events through ``events.live_batch`` instead: the seqs are taken in memory (one row
    lock, one write), not one ``UPDATE atelier`` — and one flush — per card."""

    def __init__(self, batch: events.LiveBatch, atelier_id: int) -> None:
        self.batch, self.atelier_id = batch, atelier_id

    @property
    def seq(self) -> int:
        return self.batch.seqs[self.atelier_id]

    def record(self, type_: str, payload: dict[str, Any], *, now: bool = False, **kw: Any) -> Any:
        return self.batch.record(self.atelier_id, type_, payload, **kw)


def accept_all(viewer: Viewer, step_id: int) -> dict[str, Any]:
    """Accept every card of the step waiting for moderation (pending or refused ones are
    left to the animateur's choice: only « en attente »)."""
    live_common.require_animateur(viewer, "Seul l'animateur valide les cartes.")
    step = board.step_of(viewer, step_id)
    live_common.require_writer(viewer, step)
    if not moderated(step):
        raise InvalidInput(
            "Les cartes de cette étape ne passent pas par la validation.", code="no_moderation"
        )
    waiting = [
        card
        for card in db.session.scalars(
            select(Contribution)
            .where(Contribution.step_id == step.id, Contribution.deleted.is_(False))
            .order_by(Contribution.id)
        )
        if (card.data or {}).get("moderation") == "pending"
    ]
    if not waiting:
        return {"count": 0, "seq": events.current_seq(viewer.atelier_id)}
    with events.live_batch({viewer.atelier_id}) as batch:
        change = _Batch(batch, viewer.atelier_id)
        for card in waiting:
            was_public = not is_withheld(card)
            data = {**(card.data or {}), "moderation": "accepted", "moderation_reason": None}
            card.data = data
            card.version += 1
            board.record_card(change, "card.updated", card, step, was_public=was_public)  # type: ignore[arg-type]  # a LiveChange's record
    log.info("%s cards accepted at once in step %s", len(waiting), step.id)
    return {"count": len(waiting), "seq": change.seq}


def cluster(viewer: Viewer, card_ids: list[int], name: str | None) -> dict[str, Any]:
    """Put the selected cards in cluster ``name`` (None or blank: out of any cluster). All
    must be live cards of one step of this atelier, else nothing changes."""
    live_common.require_animateur(viewer, "Seul l'animateur regroupe les cartes.")
    ids = list(dict.fromkeys(card_ids))
    if not ids:
        raise InvalidInput("Sélectionnez au moins une carte.")
    if len(ids) > MAX_CARDS:
        raise InvalidInput(f"{MAX_CARDS} cartes au plus à la fois.")
    label = " ".join((name or "").split())[:120] or None
    cards = list(
        db.session.scalars(
            select(Contribution).where(
                Contribution.id.in_(ids),
                Contribution.atelier_id == viewer.atelier_id,
                Contribution.deleted.is_(False),
            )
        )
    )
    if len(cards) != len(ids):
        raise NotFound("Une carte de la sélection n'existe pas ou a été supprimée : rien changé.")
    if len({card.step_id for card in cards}) != 1:
        raise InvalidInput("Les cartes sélectionnées doivent être de la même étape.")
    step = board.step_of_card(cards[0])
    live_common.require_writer(viewer, step)
    changed = [card for card in cards if card.cluster != label]
    if not changed:
        return {"count": 0, "seq": events.current_seq(viewer.atelier_id)}
    with events.live_batch({viewer.atelier_id}) as batch:
        change = _Batch(batch, viewer.atelier_id)
        for card in sorted(changed, key=lambda c: c.id):
            was_public = not is_withheld(card)
            card.cluster = label
            card.version += 1
            board.record_card(change, "card.updated", card, step, was_public=was_public)  # type: ignore[arg-type]  # a LiveChange's record
    log.info("%s cards put in cluster %r in step %s", len(changed), label, step.id)
    return {"count": len(changed), "seq": change.seq}
