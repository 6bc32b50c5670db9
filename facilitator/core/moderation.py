"""Moderation of a step with ``moderation: true`` (docs/scripts.md): participants' new
cards are held (``data["moderation"] = "pending"``) until an animateur accepts them
(everyone sees them) or rejects them (the author is told why and keeps the text to
rephrase: editing it submits it again)."""

from __future__ import annotations

import logging
from typing import Any

from facilitator.core import cards as board
from facilitator.core import events, votes
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.core.visibility import is_withheld, moderated
from facilitator.errors import Conflict, Forbidden, InvalidInput
from facilitator.models import Contribution, Step

log = logging.getLogger(__name__)

MAX_REASON = 200


def _moderated_card(viewer: Viewer, card_id: int, version: int | None) -> tuple[Contribution, Step]:
    if not viewer.is_animateur:
        raise Forbidden("Seul l'animateur valide les cartes.")
    card = board.card_of(viewer, card_id)
    step = board.step_of_card(card)
    live_common.require_writer(viewer, step)  # an open atelier, or an async-open step
    if not moderated(step):
        raise InvalidInput(
            "Les cartes de cette étape ne passent pas par la validation.", code="no_moderation"
        )
    if version is not None and version != card.version:
        raise Conflict(
            "Cette carte a été modifiée entre-temps : relisez-la avant de décider.",
            card=board.full_card(card),
        )
    return card, step


def accept(viewer: Viewer, card_id: int, version: int | None = None) -> dict[str, Any]:
    """Show a held (or earlier refused) card to everyone."""
    card, step = _moderated_card(viewer, card_id, version)
    if (card.data or {}).get("moderation") == "accepted":
        return board.unchanged(viewer, card)
    with events.live_change(viewer.atelier_id) as change:
        was_public = not is_withheld(card)
        card.data = {**(card.data or {}), "moderation": "accepted", "moderation_reason": None}
        card.version += 1
        event = board.record_card(change, "card.updated", card, step, was_public=was_public)
    log.info("card %s accepted", card.id)
    return board.card_ack(event)


def reject(
    viewer: Viewer, card_id: int, reason: str = "", version: int | None = None
) -> dict[str, Any]:
    """Keep a card from the board; its author sees it refused, with ``reason``."""
    card, step = _moderated_card(viewer, card_id, version)
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Motif trop long : {MAX_REASON} caractères au plus.", code="too_long")
    with events.live_change(viewer.atelier_id) as change:
        was_public = not is_withheld(card)
        data = card.data or {}
        card.data = {**data, "moderation": "rejected", "moderation_reason": reason or None}
        card.version += 1
        # votes placed while it was shown go back to their owners
        votes.take_back(card.id)
        event = board.record_card(change, "card.updated", card, step, was_public=was_public)
    log.info("card %s rejected", card.id)
    return board.card_ack(event)
