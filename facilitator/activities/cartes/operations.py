"""The animateur arranges the board: moves a card (column, group, order, a point of a canvas
step),
groups two cards, renames or undoes a group. Every change of a card is one ``card.updated``
envelope with its seq, stored and replayed like any other (docs/protocol.md); a move that
touches two cards (a new group) records two, in one transaction."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from facilitator import contract
from facilitator.activities.cartes.schemas import Move, RenameGroup
from facilitator.core import cards, events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.core.visibility import is_withheld
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Contribution, Step

log = logging.getLogger(__name__)

#: below this gap between two neighbours, the step's cards are numbered again
MIN_GAP = 1e-6


def _card(viewer: Viewer, step: Step, card_id: int) -> Contribution:
    card = cards.card_of(viewer, card_id)
    if card.step_id != step.id:
        raise NotFound("Cette carte n'est pas dans cette étape.")
    return card


def _column(step: Step, column: str) -> str:
    ids = [c["id"] for c in contract.get(step.type).columns(step.settings)]
    if column not in ids:
        raise InvalidInput(f"Colonne inconnue « {column} » pour cette étape.", code="bad_column")
    return column


def _label(text: str | None) -> str | None:
    return " ".join((text or "").split())[:120] or None


def _xy(card: Contribution) -> Any:
    return (card.data or {}).get("xy")


def _ordered(step: Step) -> list[Contribution]:
    """The step's live cards in board order."""
    return list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.step_id == step.id, Contribution.deleted.is_(False))
            .order_by(Contribution.position, Contribution.id)
        )
    )


def _new_label(step: Step) -> str:
    used = {c.cluster for c in _ordered(step)}
    n = 1
    while f"Groupe {n}" in used:
        n += 1
    return f"Groupe {n}"


def _place(step: Step, card: Contribution, before: Contribution | None) -> set[Contribution]:
    """Give ``card`` a position just before ``before`` (None: after every card of its
    column); the cards whose position changed (all of them, rarely, when the gap is gone)."""
    others = [c for c in _ordered(step) if c.id != card.id]
    if before is None:
        column = [c.position for c in others if c.column == card.column]
        card.position = (
            max(column) if column else max((c.position for c in others), default=0)
        ) + 1
        return {card}
    index = others.index(before)
    low = others[index - 1].position if index else before.position - 2
    if before.position - low > MIN_GAP:
        card.position = (low + before.position) / 2
        return {card}
    # no room left between the two: number the whole step again, in the new order
    others.insert(index, card)
    moved = set()
    for n, c in enumerate(others, start=1):
        if c.position != n:
            c.position = float(n)
            moved.add(c)
    return moved | {card}


def _after(step: Step, target: Contribution, moving: Contribution) -> Contribution | None:
    """The card that follows ``target`` in its column, ``moving`` aside (None: the last)."""
    cards_ = [c for c in _ordered(step) if c.column == target.column and c.id != moving.id]
    index = cards_.index(target)
    return cards_[index + 1] if index + 1 < len(cards_) else None


def _record(change: events.LiveChange, step: Step, changed: list[Contribution]) -> list[Any]:
    out = []
    for card in changed:
        card.version += 1
        event = cards.record_card(
            change, "card.updated", card, step, was_public=not is_withheld(card)
        )
        out.append(event)
    return out


def move(viewer: Viewer, step: Step, p: Move) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur range et regroupe les cartes.")
    live_common.require_writer(viewer, step)
    card = _card(viewer, step, p.card_id)
    if (p.x is None) != (p.y is None):
        raise InvalidInput("Une place sur le tableau libre demande x et y.")
    if p.x is not None and (step.settings or {}).get("layout") != "canvas":
        raise InvalidInput("Cette étape range ses cartes en colonnes, pas sur un tableau libre.")
    before = {c.id: (c.column, c.cluster, c.position, _xy(c)) for c in [card]}
    touched: dict[int, Contribution] = {card.id: card}
    with events.live_change(viewer.atelier_id) as change:
        if p.group_with is not None:
            target = _card(viewer, step, p.group_with)
            if target.id == card.id:
                raise InvalidInput("Une carte ne se regroupe pas avec elle-même.")
            if target.cluster is None:
                target.cluster = _new_label(step)
                touched[target.id] = target
            card.column, card.cluster = target.column, target.cluster
            for c in _place(step, card, _after(step, target, card)):
                touched[c.id] = c
        else:
            anchor = _card(viewer, step, p.before_id) if p.before_id is not None else None
            if anchor is not None and anchor.id == card.id:
                raise InvalidInput("Une carte ne se place pas avant elle-même.")
            column = card.column
            if anchor is not None:
                column = anchor.column
            elif p.column is not None:
                column = _column(step, p.column)
            if "cluster" in p.model_fields_set:
                card.cluster = _label(p.cluster)
            elif column != card.column:
                card.cluster = None  # a group belongs to its column
            card.column = column
            if anchor is not None or p.column is not None or "cluster" in p.model_fields_set:
                for c in _place(step, card, anchor):
                    touched[c.id] = c
        if p.x is not None and p.y is not None:
            card.data = {**(card.data or {}), "xy": [round(p.x, 4), round(p.y, 4)]}
        now = (card.column, card.cluster, card.position, _xy(card))
        if len(touched) == 1 and before[card.id] == now:
            events.rollback()
            return {**cards.unchanged(viewer, card), "cards": [cards.full_card(card)]}
        recorded = _record(change, step, list(touched.values()))
    log.info("card %s moved on step %s (%d card(s) changed)", card.id, step.id, len(recorded))
    return {"cards": [e.payload["card"] for e in recorded], "seq": recorded[-1].seq}


def rename_group(viewer: Viewer, step: Step, p: RenameGroup) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur range et regroupe les cartes.")
    live_common.require_writer(viewer, step)
    label = _label(p.label)
    if label is None:  # blank: it would name every ungrouped card of the column
        raise InvalidInput("Indiquez le nom du groupe à renommer.")
    members = [c for c in _ordered(step) if c.column == p.column and c.cluster == label]
    if not members:
        raise NotFound("Ce groupe n'existe plus : la page va se mettre à jour.")
    new = _label(p.new_label)
    if new == label:
        return {
            "cards": [cards.full_card(c) for c in members],
            "seq": events.current_seq(viewer.atelier_id),
        }
    with events.live_change(viewer.atelier_id) as change:
        for c in members:
            c.cluster = new
        recorded = _record(change, step, members)
    log.info("group %r of step %s renamed to %r", label, step.id, new)
    return {"cards": [e.payload["card"] for e in recorded], "seq": recorded[-1].seq}
