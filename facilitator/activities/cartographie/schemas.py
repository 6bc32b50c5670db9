"""Payloads of the ``cartographie`` actions (``step_action`` ``data``, docs/protocol.md)."""

from __future__ import annotations

from pydantic import Field

from facilitator.validation import CLIENT_ID, Id, Payload, Text


class ActorFields(Payload):
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


class ActorRef(Payload):
    actor_id: int = Id


class ActorValidate(Payload):
    actor_id: int = Id
    validated: bool


class Position(Payload):
    actor_id: int = Id
    x: float | None = Field(ge=0, le=1000, allow_inf_nan=False)
    y: float | None = Field(ge=0, le=1000, allow_inf_nan=False)


class ActorMove(Payload):
    positions: list[Position] = Field(min_length=1, max_length=500)


class ActorMerge(Payload):
    source_id: int = Id
    target_id: int = Id


class ActionAdd(Payload):
    actor_id: int = Id
    client_id: str = Field(pattern=CLIENT_ID)
    text: str = Field(max_length=5000)
    question_ids: list[int] = Field(default_factory=list, max_length=20)
    confirm_personal: bool = False


class ActionEdit(Payload):
    action_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Text
    question_ids: list[int] | None = Field(default=None, max_length=20)
    #: move the action to another actor (animateur)
    actor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    confirm_personal: bool = False


class ActionRef(Payload):
    action_id: int = Id


class RelationFields(Payload):
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


class RelationRef(Payload):
    relation_id: int = Id


class RelationValidate(Payload):
    relation_id: int = Id
    validated: bool
