"""``feuille_de_route``: the cycle's plan of action — each action linked to a question
essentielle (and, as free text, to charter commitments) with a pilote, contributors, a
deadline, means, indicators and a state. One step, three phases the animateur moves
through: propositions → vote de priorité → validation (docs/activities/
feuille_de_route.md). The actions are productions of the cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.activities.feuille_de_route import document as feuille_de_route_document
from facilitator.activities.feuille_de_route import operations as service
from facilitator.activities.feuille_de_route import pages, views
from facilitator.activities.feuille_de_route.cycle_document import KIND_FEUILLE
from facilitator.activities.feuille_de_route.document import FeuilleDocuments
from facilitator.activities.feuille_de_route.operations_merge import merge
from facilitator.activities.feuille_de_route.schemas import (
    ActionRef,
    Edit,
    Etat,
    Merge,
    Phase,
    Propose,
    Validate,
    Vote,
)
from facilitator.activities.feuille_de_route.settings import FeuilleSettings
from facilitator.contract import (
    BOTH,
    EVERYONE,
    PARTICIPANT,
    ActionSpec,
    Activity,
    ProductionCount,
)
from facilitator.validation import Empty

if TYPE_CHECKING:
    from facilitator.core.events import Viewer
    from facilitator.models import Step


class FeuilleDeRoute(Activity):
    type_id = "feuille_de_route"
    label = "Feuille de route"
    default_help = "Proposez une action : qui la pilote, avec qui, pour quand, avec quels moyens."
    Settings = FeuilleSettings
    documents = FeuilleDocuments
    blueprint = pages.bp
    cycle_documents = (KIND_FEUILLE,)
    js_module = "js/activities/feuille_de_route/view.js"
    js_reducers = "js/activities/feuille_de_route/reducers.js"
    stylesheet = "css/activities/feuille_de_route.css"
    templates = "activities/feuille_de_route"
    #: proposals carry their sub-group (issue 18); the priority vote stays plenary
    groups = True

    actions = {
        "propose": ActionSpec(Propose, service.propose, BOTH),
        "edit": ActionSpec(Edit, service.edit, BOTH),
        "delete": ActionSpec(ActionRef, service.remove, BOTH),
        "merge": ActionSpec(Merge, merge),
        "vote": ActionSpec(Vote, service.vote, PARTICIPANT),
        "phase": ActionSpec(Phase, service.set_phase),
        "validate": ActionSpec(Validate, service.validate),
        "etat": ActionSpec(Etat, service.etat),
        "refresh": ActionSpec(Empty, service.refresh, EVERYONE),
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
    def vote_rules(cls, settings: dict[str, Any]) -> tuple[int, int] | None:
        return None

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        return feuille_de_route_document.production_counts(cycle_id)
