"""Settings of a ``evaluation`` step: the ``settings:`` block of a script, validated when the
script loads (docs/scripts.md). Pure pydantic: imports nothing of the app but its validation
vocabulary."""

from __future__ import annotations

from typing import Literal

from facilitator.validation import StrictModel


class EvaluationSettings(StrictModel):
    #: "atelier" (end of an atelier) or "cycle" (end of the cycle): wording only
    scope: Literal["atelier", "cycle"] = "atelier"
    #: also ask for the self-assessment of the five conditions of collective impact
    conditions: bool = False
