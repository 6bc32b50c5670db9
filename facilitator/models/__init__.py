"""Typed SQLAlchemy 2.0 models. Import everything from here."""

from facilitator.models.board import Contribution, Event, Vote
from facilitator.models.cycle import Atelier, AtelierState, Cycle, CycleAnimateur, Step, StepStatus
from facilitator.models.people import (
    STRUCTURE_TYPES,
    Animateur,
    Attendance,
    Participant,
    Structure,
)

__all__ = [
    "STRUCTURE_TYPES",
    "Animateur",
    "Atelier",
    "AtelierState",
    "Attendance",
    "Contribution",
    "Cycle",
    "CycleAnimateur",
    "Event",
    "Participant",
    "Step",
    "StepStatus",
    "Structure",
    "Vote",
]
