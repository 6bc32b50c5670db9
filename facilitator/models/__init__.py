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
from facilitator.models.productions import (
    CHAMPS,
    COOPERATION_LEVELS,
    RELATION_NATURES,
    RELATION_STATUSES,
    Actor,
    ActorAction,
    ProposalVote,
    QuestionEssentielle,
    QuestionProposal,
    QuestionRevision,
    Relation,
    StepState,
)

__all__ = [
    "CHAMPS",
    "COOPERATION_LEVELS",
    "RELATION_NATURES",
    "RELATION_STATUSES",
    "STRUCTURE_TYPES",
    "Actor",
    "ActorAction",
    "Animateur",
    "Atelier",
    "AtelierState",
    "Attendance",
    "Contribution",
    "Cycle",
    "CycleAnimateur",
    "Event",
    "Participant",
    "ProposalVote",
    "QuestionEssentielle",
    "QuestionProposal",
    "QuestionRevision",
    "Relation",
    "Step",
    "StepState",
    "StepStatus",
    "Structure",
    "Vote",
]
