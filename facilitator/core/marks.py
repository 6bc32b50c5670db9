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
from facilitator.core.visibility import card_full, is_withheld
from facilitator.errors import Forbidden
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.models.board import CARD_MARKS
from facilitator.models.cycle import AtelierState

log = logging.getLogger(__name__)

MARKS = CARD_MARKS


def mark_card(viewer: Viewer, card_id: int, mark: str, on: bool) -> dict[str, Any]:
    """Set or clear ``mark`` on a card. Allowed in a closed atelier too: the animateur
    often sorts the conclusions out right after the atelier, before the compte rendu."""
    if not viewer.is_animateur:
        raise Forbidden("Seul l'animateur marque les décisions et ce qui est à reprendre.")
    card = board._card(viewer, card_id)
    step = db.session.get(Step, card.step_id)
    assert step is not None
    data = dict(card.data or {})
    if (data.get(mark) is True) == on:
        full = card_full(card, board._author(card))
        return {"card": full, "seq": events.current_seq(viewer.atelier_id), "unchanged": True}
    if on:
        data[mark] = True
    else:
        data.pop(mark, None)
    seq = events.next_seq(viewer.atelier_id)
    card.data = data
    card.version += 1
    event = board._record_card("card.updated", card, step, seq, was_public=not is_withheld(card))
    events.commit()
    log.info("card %s %s=%s", card.id, mark, on)
    if step.atelier.state == AtelierState.CLOS:
        signals.closed_atelier_changed.send(step.atelier_id)
    return {"card": event.payload["card"], "seq": event.seq}
