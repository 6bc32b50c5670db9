"""The shared core tables: cycles, ateliers, steps, people, cards, votes, events, the
cycle's questions essentielles and cycle-life rows. An activity type's own tables live in
its package (``facilitator/activities/<type>/models.py``) and are loaded with it."""

from facilitator.models.board import Contribution, Event, Vote
from facilitator.models.cycle import (
    Atelier,
    AtelierState,
    Cycle,
    CycleAnimateur,
    CycleInvitation,
    Step,
    StepStatus,
)
from facilitator.models.cycle_life import ParticipantVisit, Restitution, StructureProfile
from facilitator.models.deroule import Deroule
from facilitator.models.groups import GroupMember, StepGroup
from facilitator.models.organiser import CycleCoOrganiser, Organiser
from facilitator.models.people import (
    STRUCTURE_TYPES,
    Animateur,
    Attendance,
    Participant,
    ParticipantKey,
    Structure,
)
from facilitator.models.questions import QuestionEssentielle, QuestionRevision, StepState

__all__ = [
    "STRUCTURE_TYPES",
    "Animateur",
    "Atelier",
    "AtelierState",
    "Attendance",
    "Contribution",
    "Cycle",
    "CycleAnimateur",
    "CycleCoOrganiser",
    "CycleInvitation",
    "Deroule",
    "Event",
    "GroupMember",
    "Organiser",
    "Participant",
    "ParticipantKey",
    "ParticipantVisit",
    "QuestionEssentielle",
    "QuestionRevision",
    "Restitution",
    "Step",
    "StepGroup",
    "StepState",
    "StepStatus",
    "Structure",
    "StructureProfile",
    "Vote",
]
