"""``cartographie``: the map of the actors, their actions and the relations between them,
per question essentielle — a production of the cycle that every later atelier shows and
may extend (docs/activities/cartographie.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from facilitator.activities.base import ActionSpec, Activity, StrictModel
from facilitator.activities.questions_essentielles import QUESTION_ACTIONS
from facilitator.services import cartographie, map_views, relations

if TYPE_CHECKING:
    from facilitator.models import Step
    from facilitator.services.events import Viewer

CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"
BOTH = frozenset({"participant", "animateur"})
Id = Field(ge=1, le=2**31 - 1)
Text = Field(default=None, max_length=5000)


class CartographieSettings(StrictModel):
    #: what the participants' form offers first
    focus: Literal["acteurs", "relations", "tout"] = "tout"
    #: the view shown first (everyone can switch)
    view: Literal["graphe", "tableau"] = "graphe"


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ActorFields(Data):
    name: str | None = Field(default=None, max_length=1000)
    type: str | None = Field(default=None, max_length=40)
    champs: list[str] | None = Field(default=None, max_length=20)
    territoire: str | None = Field(default=None, max_length=1000)
    structure_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    #: the name is like an existing actor's, and this is another one
    confirm_duplicate: bool = False


class ActorAdd(ActorFields):
    client_id: str = Field(pattern=CLIENT_ID)


class ActorEdit(ActorFields):
    actor_id: int = Id
    version: int = Field(ge=1)


class ActorRef(Data):
    actor_id: int = Id


class ActorValidate(Data):
    actor_id: int = Id
    validated: bool


class Position(Data):
    actor_id: int = Id
    x: float | None = Field(ge=0, le=1000, allow_inf_nan=False)
    y: float | None = Field(ge=0, le=1000, allow_inf_nan=False)


class ActorMove(Data):
    positions: list[Position] = Field(min_length=1, max_length=500)


class ActorMerge(Data):
    source_id: int = Id
    target_id: int = Id


class ActionAdd(Data):
    actor_id: int = Id
    client_id: str = Field(pattern=CLIENT_ID)
    text: str = Field(max_length=5000)
    question_ids: list[int] = Field(default_factory=list, max_length=20)
    confirm_personal: bool = False


class ActionEdit(Data):
    action_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Text
    question_ids: list[int] | None = Field(default=None, max_length=20)
    #: move the action to another actor (animateur)
    actor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    confirm_personal: bool = False


class ActionRef(Data):
    action_id: int = Id


class RelationFields(Data):
    status: str | None = Field(default=None, max_length=16)
    level: str | None = Field(default=None, max_length=24)
    natures: list[str] | None = Field(default=None, max_length=10)
    question_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    comment: str | None = Text
    confirm_personal: bool = False


class RelationAdd(RelationFields):
    client_id: str = Field(pattern=CLIENT_ID)
    source_id: int = Id
    target_id: int = Id


class RelationEdit(RelationFields):
    relation_id: int = Id
    version: int = Field(ge=1)
    source_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    target_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class RelationRef(Data):
    relation_id: int = Id


class RelationValidate(Data):
    relation_id: int = Id
    validated: bool


class Cartographie(Activity):
    type_id = "cartographie"
    label = "Cartographie des acteurs et des actions"
    default_help = "Ajoutez les acteurs, leurs actions et les relations entre eux."
    Settings = CartographieSettings

    actions = {
        "actor_add": ActionSpec(ActorAdd, cartographie.actor_add, BOTH),
        "actor_edit": ActionSpec(ActorEdit, cartographie.actor_edit, BOTH),
        "actor_delete": ActionSpec(ActorRef, cartographie.actor_delete, BOTH),
        "actor_validate": ActionSpec(ActorValidate, cartographie.actor_validate),
        "actor_move": ActionSpec(ActorMove, cartographie.actor_move),
        "actor_merge": ActionSpec(ActorMerge, relations.actor_merge),
        "action_add": ActionSpec(ActionAdd, cartographie.action_add, BOTH),
        "action_edit": ActionSpec(ActionEdit, cartographie.action_edit, BOTH),
        "action_delete": ActionSpec(ActionRef, cartographie.action_delete, BOTH),
        "relation_add": ActionSpec(RelationAdd, relations.relation_add, BOTH),
        "relation_edit": ActionSpec(RelationEdit, relations.relation_edit, BOTH),
        "relation_delete": ActionSpec(RelationRef, relations.relation_delete, BOTH),
        "relation_validate": ActionSpec(RelationValidate, relations.relation_validate),
        **QUESTION_ACTIONS,
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return map_views.state(step, viewer)
