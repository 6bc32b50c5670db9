"""Settings of a ``cartographie`` step: the ``settings:`` block of a script, validated when the
script loads (docs/scripts.md). Pure pydantic: imports nothing of the app but its validation
vocabulary."""

from __future__ import annotations

from typing import Literal

from facilitator.validation import StrictModel


class CartographieSettings(StrictModel):
    #: what the participants' form offers first
    focus: Literal["acteurs", "relations", "tout"] = "tout"
    #: the view shown first (everyone can switch)
    view: Literal["graphe", "tableau"] = "graphe"
