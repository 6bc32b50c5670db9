"""Payloads of the ``charte`` actions (``step_action`` ``data``, docs/protocol.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from facilitator.validation import CLIENT_ID, Id, Payload


class Phase(Payload):
    phase: Literal["idees", "redaction", "amendements", "gel", "vote"]


class VersionStart(Payload):
    #: copy the clauses of this version (default: the latest); ``empty`` starts blank
    from_version_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    empty: bool = False


class ClauseAdd(Payload):
    client_id: str = Field(pattern=CLIENT_ID)
    section: str = Field(max_length=64)
    text: str = Field(max_length=5000)
    source_card_ids: list[int] = Field(default_factory=list, max_length=50)
    confirm_personal: bool = False


class ClauseEdit(Payload):
    clause_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=5000)
    section: str | None = Field(default=None, max_length=64)
    source_card_ids: list[int] | None = Field(default=None, max_length=50)
    confirm_personal: bool = False


class ClauseRef(Payload):
    clause_id: int = Id
    version: int = Field(ge=1)


class ClauseMove(Payload):
    clause_id: int = Id
    direction: Literal["up", "down"]


class AmendmentPropose(Payload):
    client_id: str = Field(pattern=CLIENT_ID)
    kind: Literal["modification", "ajout", "suppression"] = "modification"
    clause_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    section: str | None = Field(default=None, max_length=64)
    text: str = Field(default="", max_length=5000)
    reason: str = Field(max_length=5000)
    confirm_personal: bool = False


class AmendmentRef(Payload):
    amendment_id: int = Id


class AmendmentDecide(Payload):
    amendment_id: int = Id
    decision: Literal["accepter", "rejeter"]
    #: accepting: the wording retained (the animateur may adjust it)
    text: str | None = Field(default=None, max_length=5000)
    #: rejecting: why, told to the author and the room
    reason: str | None = Field(default=None, max_length=1000)


class QuickVote(Payload):
    amendment_id: int = Id
    choice: Literal["pour", "contre", "abstention"]


class Ballot(Payload):
    gradient: str = Field(max_length=40)
