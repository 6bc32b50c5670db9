"""Settings of a ``questions_essentielles`` step, validated when a script loads
(docs/scripts.md). Pure pydantic: imports nothing of the app but its validation vocabulary."""

from __future__ import annotations

from pydantic import Field

from facilitator.validation import ID_PATTERN, StrictModel, VoteSettings


class QuestionsSettings(StrictModel):
    #: id of an earlier step whose clusters (or cards) are the enjeux, ranked by votes
    enjeux_from: str | None = Field(default=None, pattern=ID_PATTERN)
    #: dot voting on the proposals
    votes: VoteSettings = Field(default_factory=lambda: VoteSettings(budget=4, max_per_card=1))
    #: how many questions the group aims at (shown; not a hard limit)
    max_questions: int = Field(default=4, ge=1, le=12)
    #: hide the authors of proposals
    anonymous: bool = False
