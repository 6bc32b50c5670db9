"""Settings of a ``cartes`` step: the ``settings:`` block of a script, validated when the
script loads (docs/scripts.md). Pure pydantic: imports nothing of the app but its validation
vocabulary."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from facilitator.validation import ID_PATTERN, StrictModel, VoteSettings


class Column(StrictModel):
    #: stable identifier (lowercase letters, digits, - and _)
    id: str = Field(pattern=ID_PATTERN)
    #: title shown above the column
    label: str = Field(min_length=1, max_length=80)
    #: optional hint shown under the title
    hint: str = Field(default="", max_length=200)


class CartesSettings(StrictModel):
    #: 1 to 8 columns
    columns: list[Column] = Field(min_length=1, max_length=8)
    #: dot voting; absent means no vote in this step
    votes: VoteSettings | None = None
    #: hide authors' names from the board
    anonymous: bool = False
    #: show other people's cards face down until the animateur reveals them
    hidden: bool = False
    #: id of an earlier step whose cards (with their clusters) are copied into this step
    #: the first time the animateur opens it — e.g. vote on the enjeux written before
    cards_from: str | None = Field(default=None, pattern=ID_PATTERN)
    #: participants' new cards wait for the animateur's approval before anyone else sees
    #: them (their author sees them "En attente de validation")
    moderation: bool = False
    #: "columns" (the default: cards listed by column) or "canvas": a free 2D board where
    #: the animateur places the cards anywhere, like sticky notes (docs/scripts.md)
    layout: Literal["columns", "canvas"] = "columns"
    #: on the canvas, a card's colour tells its "column" or its author's "structure"
    colour_by: Literal["column", "structure"] = "column"

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, columns: list[Column]) -> list[Column]:
        seen: set[str] = set()
        for column in columns:
            if column.id in seen:
                raise ValueError(f"identifiant de colonne en double : « {column.id} »")
            seen.add(column.id)
        return columns
