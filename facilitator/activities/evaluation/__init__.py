"""``evaluation``: the end of an atelier or of the cycle — météo (1–5), utilité (1–5), a
suggestion and, with ``conditions: true``, a self-assessment of the five conditions of
collective impact (1 absente … 4 solide). One answer per participant, re-editable; only
anonymous aggregates are shown, to the animateur at once and to everyone (projection
included) once the animateur reveals the results (docs/cycle-life.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.activities.evaluation import document as evaluation_document
from facilitator.activities.evaluation import operations as evaluation
from facilitator.activities.evaluation import pages, views
from facilitator.activities.evaluation.document import EvaluationDocuments
from facilitator.activities.evaluation.schemas import Submit
from facilitator.activities.evaluation.settings import EvaluationSettings
from facilitator.contract import EVERYONE, PARTICIPANT, ActionSpec, Activity, ProductionCount
from facilitator.validation import Empty

if TYPE_CHECKING:
    from facilitator.core.events import Viewer
    from facilitator.models import Step


class Evaluation(Activity):
    type_id = "evaluation"
    label = "Évaluation"
    default_help = (
        "Donnez votre météo et l'utilité de l'atelier, et une suggestion si vous voulez : "
        "les réponses sont anonymes."
    )
    Settings = EvaluationSettings
    documents = EvaluationDocuments
    blueprint = pages.bp
    js_module = "js/activities/evaluation/view.js"
    js_reducers = "js/activities/evaluation/reducers.js"
    stylesheet = "css/activities/evaluation.css"
    templates = "activities/evaluation"

    actions = {
        "submit": ActionSpec(Submit, evaluation.submit, PARTICIPANT),
        "results": ActionSpec(Empty, evaluation.reveal_results, EVERYONE),
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return views.state(step, viewer)

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        return {"cards_visible": True, "results_visible": False, "anonymous": True}

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        return evaluation_document.production_counts(cycle_id)
