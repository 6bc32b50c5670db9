"""The ``cartes`` type in documents: the generic cards section (``rendering/cards.py``)."""

from __future__ import annotations

from facilitator.rendering.cards import cards_section
from facilitator.rendering.context import StepData
from facilitator.rendering.sections import ActivityDocuments, StepSection


class CartesDocuments(ActivityDocuments):
    type_id = "cartes"

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        return cards_section(step)
