"""Marks the animateur puts on cards so that they reach the documents on their own: a
*décision*, something *à reprendre* at the next atelier, a *question ouverte*
(docs/documents.md). Stored as ``true`` keys of the card's ``data``; everyone sees them
(they are the group's conclusions, shown on the board and the projection)."""

from __future__ import annotations

import logging
from typing import Any

from facilitator.core import cards as board
from facilitator.core import events, signals
from facilitator.core.events import Viewer
from facilitator.core.visibility import is_withheld
from facilitator.errors import Forbidden
from facilitator.models.board import CARD_MARKS
from facilitator.models.cycle import AtelierState

log = logging.getLogger(__name__)

MARKS = CARD_MARKS


def mark_card(viewer: Viewer, card_id: int, mark: str, on: bool) -> dict[str, Any]:
    """Set or clear ``mark`` on a card. Allowed in a closed atelier too: the animateur
    often sorts the conclusions out right after the atelier, before the compte rendu."""
    if not viewer.is_animateur:
        raise Forbidden("Seul l'animateur marque les décisions et ce qui est à reprendre.")
    card = board.card_of(viewer, card_id)
    step = board.step_of_card(card)
    data = dict(card.data or {})
    if (data.get(mark) is True) == on:
        return board.unchanged(viewer, card)
    if on:
        data[mark] = True
    else:
        data.pop(mark, None)
    with events.live_change(viewer.atelier_id) as change:
        card.data = data
        card.version += 1
        was_public = not is_withheld(card)
        event = board.record_card(change, "card.updated", card, step, was_public=was_public)
    log.info("card %s %s=%s", card.id, mark, on)
    if step.atelier.state == AtelierState.CLOS:
        signals.closed_atelier_changed.send(step.atelier_id)
    return board.card_ack(event)
