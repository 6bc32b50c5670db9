"""Payloads of the ``questions_essentielles`` actions (docs/protocol.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from facilitator.validation import CLIENT_ID, Id, Payload, UnitDelta


class Propose(Payload):
    client_id: str = Field(pattern=CLIENT_ID)
    text: str = Field(max_length=5000)
    enjeu: str = Field(default="", max_length=400)
    confirm_personal: bool = False


class Edit(Payload):
    proposal_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=5000)
    enjeu: str | None = Field(default=None, max_length=400)
    confirm_personal: bool = False


class ProposalRef(Payload):
    proposal_id: int = Id


class Merge(Payload):
    proposal_ids: list[int] = Field(min_length=2, max_length=20)
    text: str = Field(max_length=5000)
    enjeu: str | None = Field(default=None, max_length=400)


class Vote(Payload):
    proposal_id: int = Id
    delta: UnitDelta


class Phase(Payload):
    phase: Literal["formulation", "vote", "validation"]


class Validate(Payload):
    proposal_id: int = Id
    text: str | None = Field(default=None, max_length=5000)
