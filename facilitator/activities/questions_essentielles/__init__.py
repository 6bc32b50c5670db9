"""``questions_essentielles``: from the enjeux to the few shared key questions of the cycle.

One step, three phases the animateur moves through: formulation (participants propose
wordings, each from an enjeu; the animateur merges and edits) → vote → validation
(validated proposals become the cycle's questions essentielles). The enjeux come from an
earlier ``cartes`` step (``enjeux_from``). Why one step with phases rather than three
steps: docs/activities/questions_essentielles.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.activities.questions_essentielles import (
    document as questions_essentielles_document,
)
from facilitator.activities.questions_essentielles import operations as questions
from facilitator.activities.questions_essentielles import pages
from facilitator.activities.questions_essentielles import views as question_views
from facilitator.activities.questions_essentielles.document import QuestionsDocuments
from facilitator.activities.questions_essentielles.schemas import (
    Edit,
    Merge,
    Phase,
    ProposalRef,
    Propose,
    Validate,
    Vote,
)
from facilitator.activities.questions_essentielles.settings import QuestionsSettings
from facilitator.contract import (
    BOTH,
    EVERYONE,
    ActionSpec,
    Activity,
    ProductionCount,
)
from facilitator.core.questions_live import QUESTION_ACTIONS
from facilitator.validation import Empty

if TYPE_CHECKING:
    from facilitator.core.events import Viewer
    from facilitator.models import Step


class QuestionsEssentielles(Activity):
    type_id = "questions_essentielles"
    label = "Questions essentielles"
    default_help = "Proposez une formulation de question à partir d'un enjeu, puis votez."
    Settings = QuestionsSettings
    documents = QuestionsDocuments
    blueprint = pages.bp
    js_module = "js/activities/questions_essentielles/view.js"
    js_reducers = "js/activities/questions_essentielles/reducers.js"
    stylesheet = "css/activities/questions_essentielles.css"
    templates = "activities/questions_essentielles"
    #: proposals carry their sub-group (issue 18): a group per question is the natural case
    groups = True

    actions = {
        "propose": ActionSpec(Propose, questions.propose, BOTH),
        "edit": ActionSpec(Edit, questions.edit, BOTH),
        "delete": ActionSpec(ProposalRef, questions.remove, BOTH),
        "merge": ActionSpec(Merge, questions.merge),
        "vote": ActionSpec(Vote, questions.vote, frozenset({"participant"})),
        "phase": ActionSpec(Phase, questions.set_phase),
        "validate": ActionSpec(Validate, questions.validate),
        "unvalidate": ActionSpec(ProposalRef, questions.unvalidate),
        "refresh": ActionSpec(Empty, questions.refresh, EVERYONE),
        **QUESTION_ACTIONS,
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return question_views.state(step, viewer)

    @classmethod
    def group_counts(cls, step: Step) -> dict[int, int]:
        return question_views.group_counts(step)

    @classmethod
    def group_texts(cls, step: Step) -> dict[int, list[str]]:
        return question_views.group_texts(step)

    @classmethod
    def has_items(cls, step: Step) -> bool:
        return question_views.has_items(step)

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        return {
            "cards_visible": True,
            "results_visible": False,
            "anonymous": bool(settings.get("anonymous", False)),
        }

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        return questions_essentielles_document.production_counts(cycle_id)
