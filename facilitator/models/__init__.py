"""Typed SQLAlchemy 2.0 models. Import everything from here."""

from facilitator.models import charte  # noqa: F401  (charte tables, issue 4)
from facilitator.models.board import Contribution, Event, Vote
from facilitator.models.cycle import Atelier, AtelierState, Cycle, CycleAnimateur, Step, StepStatus
from facilitator.models.cycle_life import (
    ConditionAssessment,
    CycleIndicator,
    EvaluationResponse,
    ParticipantVisit,
    Restitution,
    StructureProfile,
)
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
from facilitator.models.roadmap import (  # chaîne de valeur, feuille de route
    ChaineItem,
    ChaineLink,
    ChaineValeur,
    RoadmapAction,
    RoadmapVote,
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
    "ConditionAssessment",
    "CycleIndicator",
    "EvaluationResponse",
    "ParticipantVisit",
    "Restitution",
    "StructureProfile",
    "Atelier",
    "AtelierState",
    "Attendance",
    "ChaineItem",
    "ChaineLink",
    "ChaineValeur",
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
    "RoadmapAction",
    "RoadmapVote",
    "Step",
    "StepState",
    "StepStatus",
    "Structure",
    "Vote",
]
