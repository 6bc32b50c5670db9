"""``cartes``: cards in columns, with optional dot voting — the generic board."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from facilitator.activities.base import Activity, StrictModel

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class Column(StrictModel):
    #: stable identifier (lowercase letters, digits, - and _)
    id: str = Field(pattern=ID_PATTERN)
    #: title shown above the column
    label: str = Field(min_length=1, max_length=80)
    #: optional hint shown under the title
    hint: str = Field(default="", max_length=200)


class VoteSettings(StrictModel):
    #: dots each participant may place in this step
    budget: int = Field(ge=1, le=50)
    #: dots one participant may place on one card
    max_per_card: int = Field(default=1, ge=1, le=50)

    @model_validator(mode="after")
    def _cap_within_budget(self) -> VoteSettings:
        if self.max_per_card > self.budget:
            raise ValueError("max_per_card ne peut pas dépasser budget")
        return self


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

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, columns: list[Column]) -> list[Column]:
        seen: set[str] = set()
        for column in columns:
            if column.id in seen:
                raise ValueError(f"identifiant de colonne en double : « {column.id} »")
            seen.add(column.id)
        return columns


class Cartes(Activity):
    type_id = "cartes"
    label = "Cartes en colonnes"
    default_help = "Écrivez une idée par carte, puis choisissez sa colonne."
    Settings = CartesSettings

    @classmethod
    def help_for(cls, settings: dict[str, Any]) -> str:
        if settings.get("votes"):
            return "Donnez vos points avec « Voter » sous les cartes ; « Retirer » en reprend un."
        parts = ["Écrivez une idée par carte"]
        if len(settings.get("columns", [])) > 1:
            parts.append("puis choisissez sa colonne")
        return ", ".join(parts) + "."

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        return {
            "cards_visible": not settings.get("hidden", False),
            "results_visible": False,
            "anonymous": bool(settings.get("anonymous", False)),
        }

    @classmethod
    def columns(cls, settings: dict[str, Any]) -> list[dict[str, str]]:
        return [dict(c) for c in settings.get("columns", [])]

    @classmethod
    def vote_rules(cls, settings: dict[str, Any]) -> tuple[int, int] | None:
        votes = settings.get("votes")
        if not votes:
            return None
        return int(votes["budget"]), int(votes.get("max_per_card", 1))
