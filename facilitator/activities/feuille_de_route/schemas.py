"""Payloads of the ``feuille_de_route`` actions (``step_action`` ``data``, docs/protocol.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from facilitator.validation import CLIENT_ID, Id, OptionalId, Payload, Text, UnitDelta


class Fields(Payload):
    intitule: str | None = Text
    question_id: int | None = OptionalId
    charte_ref: str | None = Text
    pilote_id: int | None = OptionalId
    contributeur_ids: list[int] | None = Field(default=None, max_length=60)
    #: AAAA-MM-JJ, or "" for none
    echeance: str | None = Field(default=None, max_length=10)
    moyens: str | None = Text
    indicateurs_effectivite: str | None = Text
    indicateurs_resultat: str | None = Text
    confirm_personal: bool = False


class Propose(Fields):
    client_id: str = Field(pattern=CLIENT_ID)
    intitule: str = Field(max_length=5000)


class Edit(Fields):
    action_id: int = Id
    version: int = Field(ge=1)


class ActionRef(Payload):
    action_id: int = Id


class Vote(Payload):
    action_id: int = Id
    delta: UnitDelta


class Phase(Payload):
    phase: Literal["propositions", "vote", "validation"]


class Validate(Payload):
    action_id: int = Id
    validated: bool


class Etat(Payload):
    action_id: int = Id
    version: int = Field(ge=1)
    etat: Literal["a_lancer", "en_cours", "fait", "abandonne"]


class Merge(Payload):
    #: the duplicate, removed once merged
    action_id: int = Id
    #: the action that stays
    into_id: int = Id
