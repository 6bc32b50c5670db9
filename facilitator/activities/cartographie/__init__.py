"""``cartographie``: the map of the actors, their actions and the relations between them,
per question essentielle — a production of the cycle that every later atelier shows and
may extend (docs/activities/cartographie.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.activities.cartographie import document as cartographie_document
from facilitator.activities.cartographie import grouping, pages, references
from facilitator.activities.cartographie import operations as cartographie
from facilitator.activities.cartographie import operations_actions as map_actions
from facilitator.activities.cartographie import operations_relations as relations
from facilitator.activities.cartographie import views as map_views
from facilitator.activities.cartographie.document import CartographieDocuments
from facilitator.activities.cartographie.schemas import (
    ActionAdd,
    ActionEdit,
    ActionRef,
    ActorAdd,
    ActorEdit,
    ActorMerge,
    ActorMove,
    ActorRef,
    ActorValidate,
    RelationAdd,
    RelationEdit,
    RelationRef,
    RelationValidate,
)
from facilitator.activities.cartographie.settings import CartographieSettings
from facilitator.contract import BOTH, ActionSpec, Activity, ProductionCount
from facilitator.core.questions_live import QUESTION_ACTIONS

if TYPE_CHECKING:
    from facilitator.core.events import Viewer
    from facilitator.models import Step


class Cartographie(Activity):
    type_id = "cartographie"
    label = "Cartographie des acteurs et des actions"
    default_help = "Ajoutez les acteurs, leurs actions et les relations entre eux."
    Settings = CartographieSettings
    documents = CartographieDocuments
    blueprint = pages.bp
    js_module = "js/activities/cartographie/view.js"
    js_reducers = "js/activities/cartographie/reducers.js"
    stylesheet = "css/activities/cartographie.css"
    templates = "activities/cartographie"
    #: actors, actions and relations carry the sub-group that added them (issue 18)
    groups = True

    @classmethod
    def question_references(cls, question_id: int) -> dict[str, list[dict[str, Any]]]:
        return references.question_references(question_id)

    @classmethod
    def question_reference_counts(cls, cycle_id: int) -> dict[int, dict[str, int]]:
        return references.question_reference_counts(cycle_id)

    actions = {
        "actor_add": ActionSpec(ActorAdd, cartographie.actor_add, BOTH),
        "actor_edit": ActionSpec(ActorEdit, cartographie.actor_edit, BOTH),
        "actor_delete": ActionSpec(ActorRef, cartographie.actor_delete, BOTH),
        "actor_validate": ActionSpec(ActorValidate, cartographie.actor_validate),
        "actor_move": ActionSpec(ActorMove, cartographie.actor_move),
        "actor_merge": ActionSpec(ActorMerge, relations.actor_merge),
        "action_add": ActionSpec(ActionAdd, map_actions.action_add, BOTH),
        "action_edit": ActionSpec(ActionEdit, map_actions.action_edit, BOTH),
        "action_delete": ActionSpec(ActionRef, map_actions.action_delete, BOTH),
        "relation_add": ActionSpec(RelationAdd, relations.relation_add, BOTH),
        "relation_edit": ActionSpec(RelationEdit, relations.relation_edit, BOTH),
        "relation_delete": ActionSpec(RelationRef, relations.relation_delete, BOTH),
        "relation_validate": ActionSpec(RelationValidate, relations.relation_validate),
        **QUESTION_ACTIONS,
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return map_views.state(step, viewer)

    @classmethod
    def group_counts(cls, step: Step) -> dict[int, int]:
        return grouping.group_counts(step)

    @classmethod
    def group_texts(cls, step: Step) -> dict[int, list[str]]:
        return grouping.group_texts(step)

    @classmethod
    def has_items(cls, step: Step) -> bool:
        return grouping.has_items(step)

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        return cartographie_document.production_counts(cycle_id)
