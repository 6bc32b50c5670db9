"""Payloads of the ``chaine_de_valeur`` actions (``step_action`` ``data``, docs/protocol.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from facilitator.validation import CLIENT_ID, Id, OptionalId, Payload


class ChaineAdd(Payload):
    client_id: str = Field(pattern=CLIENT_ID)
    subject: Literal["structure", "action"]
    title: str | None = Field(default=None, max_length=1000)
    structure_id: int | None = OptionalId
    question_ids: list[int] = Field(default_factory=list, max_length=20)
    confirm_personal: bool = False


class ChaineEdit(Payload):
    chaine_id: int = Id
    version: int = Field(ge=1)
    title: str | None = Field(default=None, max_length=1000)
    structure_id: int | None = OptionalId
    question_ids: list[int] | None = Field(default=None, max_length=20)
    confirm_personal: bool = False


class ChaineRef(Payload):
    chaine_id: int = Id


class ChaineValidate(Payload):
    chaine_id: int = Id
    validated: bool


class ItemAdd(Payload):
    chaine_id: int = Id
    client_id: str = Field(pattern=CLIENT_ID)
    level: str = Field(max_length=16)
    text: str = Field(max_length=5000)
    cible: str = Field(default="", max_length=24)
    structure_id: int | None = OptionalId
    confirm_personal: bool = False


class ItemEdit(Payload):
    item_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=5000)
    level: str | None = Field(default=None, max_length=16)
    cible: str | None = Field(default=None, max_length=24)
    structure_id: int | None = OptionalId
    confirm_personal: bool = False


class ItemRef(Payload):
    item_id: int = Id


class LinkAdd(Payload):
    source_id: int = Id
    target_id: int = Id


class LinkRef(Payload):
    link_id: int = Id
