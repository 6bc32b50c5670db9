"""The contract of an activity type's document module (see ``sections/__init__.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from facilitator.rendering.model import Block, Inline, Section

if TYPE_CHECKING:
    from facilitator.rendering.context import CycleContext, StepData


@dataclass(frozen=True)
class StepSection:
    """What one step brings to the compte rendu (and, summarised, to the synthèse)."""

    #: the step's productions, printed under its consigne
    blocks: tuple[Block | Section, ...]
    #: printed under *Décisions et priorités*
    decisions: tuple[Inline, ...] = ()
    #: printed under *Pour la suite*
    carry_over: tuple[Inline, ...] = ()
    #: gathered in the synthèse's *L'après : questions ouvertes*
    open_questions: tuple[Inline, ...] = ()
    #: one line for the synthèse (e.g. "12 contributions, 3 regroupements")
    summary: str = ""


class ActivityDocuments:
    """The contract of an activity type's document module (all hooks optional but one)."""

    #: the activity ``type_id`` this module renders
    type_id: ClassVar[str]

    @classmethod
    def load_steps(cls, step_ids: list[int]) -> dict[int, Any]:
        """Extra plain data per step id (context phase: may query the database)."""
        return {}

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        """The step's part of the compte rendu (model phase: plain data only)."""
        raise NotImplementedError

    @classmethod
    def load_cycle(cls, cycle_id: int) -> Any:
        """Cycle-level productions of this type (context phase), or None."""
        return None

    @classmethod
    def cycle_sections(cls, data: Any, ctx: CycleContext) -> tuple[Section, ...]:
        """Sections of the synthèse's *Productions* part built from ``load_cycle``'s data."""
        return ()
