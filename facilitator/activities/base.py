"""The contract every activity type declares (see docs/scripts.md)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Settings models refuse unknown keys, so a typo in a script is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Activity:
    #: identifier used as ``type:`` in scripts; unique across the registry.
    type_id: ClassVar[str]
    #: French name shown to the animateur.
    label: ClassVar[str]
    #: one-line help shown to participants when the script gives none.
    default_help: ClassVar[str]
    #: pydantic model of the step's ``settings:`` block, validated when a script loads.
    Settings: ClassVar[type[StrictModel]]

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        """Runtime flags of a new step (cards_visible, results_visible, anonymous)."""
        return {}

    @classmethod
    def columns(cls, settings: dict[str, Any]) -> list[dict[str, str]]:
        """The columns cards may be placed in."""
        return []

    @classmethod
    def vote_rules(cls, settings: dict[str, Any]) -> tuple[int, int] | None:
        """``(budget, max_per_card)`` when the step has dot voting, else None."""
        return None
