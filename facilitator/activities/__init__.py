"""The explicit registry of activity types: one package per type, one line here.

Importing this package registers every type in ``facilitator.contract.REGISTRY`` (where
the core looks them up) and loads their tables into the metadata; ``create_app`` does it."""

from __future__ import annotations

from facilitator.activities.cartes import Cartes
from facilitator.activities.cartographie import Cartographie
from facilitator.activities.chaine_de_valeur import ChaineDeValeur
from facilitator.activities.charte import Charte
from facilitator.activities.evaluation import Evaluation
from facilitator.activities.feuille_de_route import FeuilleDeRoute
from facilitator.activities.questions_essentielles import QuestionsEssentielles
from facilitator.contract import REGISTRY, Activity, get, register
from facilitator.rendering.sections import ActivityDocuments

for _type in (
    Cartes,
    QuestionsEssentielles,
    Cartographie,
    Charte,
    ChaineDeValeur,
    FeuilleDeRoute,
    Evaluation,
):
    register(_type)

__all__ = ["REGISTRY", "Activity", "documents_for", "get", "register"]


def documents_for(type_id: str) -> type[ActivityDocuments]:
    """The type's document module, or the generic cards section for a type this version
    does not know (a step imported from a newer instance): a document never breaks."""
    entry = REGISTRY.get(type_id)
    return entry.documents if entry is not None else Cartes.documents
