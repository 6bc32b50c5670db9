"""Explicit registry of activity types: add a module, then one line here."""

from __future__ import annotations

from facilitator.activities.base import Activity
from facilitator.activities.cartes import Cartes
from facilitator.activities.cartographie import Cartographie
from facilitator.activities.questions_essentielles import QuestionsEssentielles

REGISTRY: dict[str, type[Activity]] = {}


def register(cls: type[Activity]) -> type[Activity]:
    if cls.type_id in REGISTRY:
        raise RuntimeError(f"activity type {cls.type_id!r} registered twice")
    REGISTRY[cls.type_id] = cls
    return cls


def get(type_id: str) -> type[Activity]:
    return REGISTRY[type_id]


register(Cartes)
register(QuestionsEssentielles)
register(Cartographie)
