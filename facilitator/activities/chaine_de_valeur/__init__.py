"""``chaine_de_valeur``: each structure (or action) presents the social value it creates —
ressources → activités → réalisations → résultats → impacts, objectives by target (jeunes
et familles / territoire / structure) and indicators — and the écosystème view aggregates
the chains by question essentielle: who contributes what (docs/activities/
chaine_de_valeur.md). The chains are productions of the cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.activities.chaine_de_valeur import document as chaine_de_valeur_document
from facilitator.activities.chaine_de_valeur import operations as service
from facilitator.activities.chaine_de_valeur import views
from facilitator.activities.chaine_de_valeur.document import ChaineDocuments
from facilitator.activities.chaine_de_valeur.schemas import (
    ChaineAdd,
    ChaineEdit,
    ChaineRef,
    ChaineValidate,
    ItemAdd,
    ItemEdit,
    ItemRef,
    LinkAdd,
    LinkRef,
)
from facilitator.activities.chaine_de_valeur.settings import ChaineSettings
from facilitator.contract import BOTH, ActionSpec, Activity, ProductionCount
from facilitator.core.questions_live import QUESTION_ACTIONS

if TYPE_CHECKING:
    from facilitator.core.events import Viewer
    from facilitator.models import Step


class ChaineDeValeur(Activity):
    type_id = "chaine_de_valeur"
    label = "Chaîne de valeur"
    default_help = (
        "Décrivez ce que votre structure ou votre action mobilise, fait, produit, change."
    )
    Settings = ChaineSettings
    documents = ChaineDocuments
    js_module = "js/activities/chaine_de_valeur/view.js"
    js_reducers = "js/activities/chaine_de_valeur/reducers.js"
    stylesheet = "css/activities/chaine_de_valeur.css"
    #: chains carry their sub-group (issue 18): a group per question builds its chains
    groups = True

    actions = {
        "chaine_add": ActionSpec(ChaineAdd, service.chaine_add, BOTH),
        "chaine_edit": ActionSpec(ChaineEdit, service.chaine_edit, BOTH),
        "chaine_delete": ActionSpec(ChaineRef, service.chaine_delete, BOTH),
        "chaine_validate": ActionSpec(ChaineValidate, service.chaine_validate),
        "item_add": ActionSpec(ItemAdd, service.item_add, BOTH),
        "item_edit": ActionSpec(ItemEdit, service.item_edit, BOTH),
        "item_delete": ActionSpec(ItemRef, service.item_delete, BOTH),
        "link_add": ActionSpec(LinkAdd, service.link_add, BOTH),
        "link_delete": ActionSpec(LinkRef, service.link_delete, BOTH),
        **QUESTION_ACTIONS,
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return views.state(step, viewer)

    @classmethod
    def group_counts(cls, step: Step) -> dict[int, int]:
        return views.group_counts(step)

    @classmethod
    def group_texts(cls, step: Step) -> dict[int, list[str]]:
        return views.group_texts(step)

    @classmethod
    def has_items(cls, step: Step) -> bool:
        return views.has_items(step)

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        return chaine_de_valeur_document.production_counts(cycle_id)
