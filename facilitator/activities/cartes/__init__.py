"""``cartes``: cards in columns, with optional dot voting — the generic board."""

from __future__ import annotations

from typing import Any

from facilitator.activities.cartes import operations
from facilitator.activities.cartes.document import CartesDocuments
from facilitator.activities.cartes.schemas import Move, RenameGroup
from facilitator.activities.cartes.settings import CartesSettings
from facilitator.contract import ActionSpec, Activity, ProductionCount


class Cartes(Activity):
    type_id = "cartes"
    label = "Cartes en colonnes"
    default_help = "Écrivez une idée par carte, puis choisissez sa colonne."
    Settings = CartesSettings
    documents = CartesDocuments
    js_module = "js/activities/cartes/view.js"
    js_reducers = "js/activities/cartes/reducers.js"
    stylesheet = "css/activities/cartes.css"
    templates = "activities/cartes"
    #: its cards carry their sub-group (issue 18)
    groups = True

    #: the animateur arranges the board (drag and drop, or the card's menu)
    actions = {
        "move": ActionSpec(Move, operations.move),
        "rename_group": ActionSpec(RenameGroup, operations.rename_group),
    }

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

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        """Nothing of its own: its cards and card votes are the core's, counted by the
        synthèse for every step."""
        return []
