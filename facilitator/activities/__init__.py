"""Explicit registry of activity types: add a module, then one line here."""

from __future__ import annotations

from facilitator.activities.base import Activity
from facilitator.activities.cartes import Cartes
from facilitator.activities.cartographie import Cartographie
from facilitator.activities.chaine_de_valeur import ChaineDeValeur
from facilitator.activities.charte import Charte
from facilitator.activities.evaluation import Evaluation
from facilitator.activities.feuille_de_route import FeuilleDeRoute
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
register(Charte)
register(ChaineDeValeur)
register(FeuilleDeRoute)
register(Evaluation)
