"""Settings of a ``feuille_de_route`` step: the ``settings:`` block of a script, validated when the
script loads (docs/scripts.md). Pure pydantic: imports nothing of the app but its validation
vocabulary."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from facilitator.validation import StrictModel, VoteSettings


class FeuilleSettings(StrictModel):
    #: priority vote: dots per participant in the vote phase
    votes: VoteSettings = Field(default_factory=lambda: VoteSettings(budget=3, max_per_card=1))
    #: the view shown first (everyone can switch)
    view: Literal["tableau", "chronologie"] = "tableau"
