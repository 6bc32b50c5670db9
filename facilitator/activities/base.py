"""The contract every activity type declares (see docs/scripts.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from facilitator.models import Step
    from facilitator.services.events import Viewer


class StrictModel(BaseModel):
    """Settings models refuse unknown keys, so a typo in a script is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", strict=True)


@dataclass(frozen=True)
class ActionSpec:
    """An activity-specific action, reached through the ``step_action`` socket event
    (docs/protocol.md). ``handler(viewer, step, payload)`` is a service: it validates the
    state, changes it, records its events, commits, and returns the ack's result."""

    schema: type[BaseModel]
    handler: Callable[[Viewer, Step, Any], dict[str, Any]]
    #: roles allowed to call it: "participant", "animateur"
    roles: frozenset[str] = field(default_factory=lambda: frozenset({"animateur"}))


class Activity:
    #: identifier used as ``type:`` in scripts; unique across the registry.
    type_id: ClassVar[str]
    #: French name shown to the animateur.
    label: ClassVar[str]
    #: one-line help shown to participants when the script gives none.
    default_help: ClassVar[str]
    #: pydantic model of the step's ``settings:`` block, validated when a script loads.
    Settings: ClassVar[type[StrictModel]]

    #: activity-specific actions by name (``step_action`` event); the generic board actions
    #: (cards, votes) are available to every type.
    actions: ClassVar[dict[str, ActionSpec]] = {}

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        """Activity-specific state of ``step`` as ``viewer`` may see it, added to snapshots
        under ``activity[step_id]``; None when the type has none."""
        return None

    @classmethod
    def help_for(cls, settings: dict[str, Any]) -> str:
        """The one-line help of a step whose script gives none (may depend on settings)."""
        return cls.default_help

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
