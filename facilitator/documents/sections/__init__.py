"""How each activity type contributes to documents: an explicit registry.

An activity type that needs more than its cards in a document subclasses
``ActivityDocuments`` in a module of this package and adds one line at the bottom of this
file. Types without a module are rendered by the generic cards section, so a new activity
never breaks the documents.

Two phases, like every document:

- ``load_steps`` / ``load_cycle`` run in the context phase: they may query the database
  and must return plain data (dicts, tuples, dataclasses);
- ``step_section`` / ``cycle_sections`` build neutral-model blocks from that plain data.
"""

from __future__ import annotations

from facilitator.documents.sections.base import ActivityDocuments, StepSection
from facilitator.documents.sections.cartes import CartesDocuments
from facilitator.documents.sections.cartographie import CartographieDocuments
from facilitator.documents.sections.chaine_de_valeur import ChaineDocuments
from facilitator.documents.sections.charte import CharteDocuments
from facilitator.documents.sections.evaluation import EvaluationDocuments
from facilitator.documents.sections.feuille_de_route import FeuilleDocuments
from facilitator.documents.sections.questions_essentielles import QuestionsDocuments

REGISTRY: dict[str, type[ActivityDocuments]] = {}


def register(cls: type[ActivityDocuments]) -> type[ActivityDocuments]:
    if cls.type_id in REGISTRY:
        raise RuntimeError(f"document module for {cls.type_id!r} registered twice")
    REGISTRY[cls.type_id] = cls
    return cls


def for_type(type_id: str) -> type[ActivityDocuments]:
    """The type's module, or the generic cards section."""
    return REGISTRY.get(type_id, CartesDocuments)


register(CartesDocuments)
register(QuestionsDocuments)
register(CartographieDocuments)
register(ChaineDocuments)
register(FeuilleDocuments)
register(EvaluationDocuments)
register(CharteDocuments)

__all__ = ["REGISTRY", "ActivityDocuments", "StepSection", "for_type", "register"]
