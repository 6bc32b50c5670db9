"""Payloads of the ``evaluation`` actions (``step_action`` ``data``, docs/protocol.md)."""

from __future__ import annotations

from pydantic import Field

from facilitator.validation import Payload


class Submit(Payload):
    #: the version of the answer the client holds (0: first answer)
    version: int = Field(ge=0, le=2**31 - 1)
    meteo: int | None = Field(default=None, ge=1, le=5)
    utilite: int | None = Field(default=None, ge=1, le=5)
    suggestion: str = Field(default="", max_length=5000)
    conditions: dict[str, int] = Field(default_factory=dict, max_length=10)
    confirm_personal: bool = False
