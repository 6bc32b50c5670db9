"""Payloads of the ``cartes`` actions (docs/protocol.md, « Déplacer et regrouper »)."""

from __future__ import annotations

from pydantic import Field

from facilitator.validation import Id, Payload

#: a group's name, as stored on its cards (``Contribution.cluster``)
GroupLabel = Field(min_length=1, max_length=120)


class Move(Payload):
    """One move of one card by the animateur: to a column, into or out of a group, before a
    card (or at the end of its column), next to a card to group them, or to a point of a
    canvas step. Fields left out keep their value."""

    card_id: int = Id
    column: str | None = Field(default=None, min_length=1, max_length=64)
    #: the group's name; null: out of any group. Left out: unchanged (or out of its group
    #: when the card changes column)
    cluster: str | None = Field(default=None, max_length=120)
    #: the card it goes before; left out or null: the end of its column
    before_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    #: drop on this card: both end up in one group (the target's, or a new one)
    group_with: int | None = Field(default=None, ge=1, le=2**31 - 1)
    #: on a canvas step: the card's place, fractions of the board's width and height (both)
    x: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    y: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


class RenameGroup(Payload):
    """Rename a group of a column (``new_label`` null: ungroup its cards)."""

    column: str = Field(min_length=1, max_length=64)
    label: str = GroupLabel
    new_label: str | None = Field(default=None, max_length=120)
