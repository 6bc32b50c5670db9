"""Plain data read from the database for documents (filled by ``loaders``).

These dataclasses are what document builders receive: no ORM object crosses this line.
Identifiers kept here (``person``) only tell people apart for counting; builders never print
them. Every text is already cleaned with ``model.plain``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import date as Day  # a type name the field « date » does not shadow
from typing import Any


@dataclass(frozen=True)
class CardData:
    text: str
    column: str
    cluster: str
    #: "Alice (Centre social)" as the board shows it; "" when the step is anonymous
    author: str
    votes: int
    by_animateur: bool = False
    flags: frozenset[str] = frozenset()
    #: the sub-group it was written in (issue 18), "" when written in plenary
    group: str = ""


@dataclass(frozen=True)
class GroupData:
    """A sub-group of a step, as the compte rendu keeps it: its composition by structure
    type, its members' names only when the step was not anonymous."""

    name: str
    question: str
    #: (structure type label, people) in decreasing order
    composition: tuple[tuple[str, int], ...]
    #: "Alice (Centre social)"…; empty when the step was anonymous
    members: tuple[str, ...]
    size: int
    #: what it produced beyond cards (proposals, amendments…), as plain texts
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnData:
    id: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class StepData:
    number: int
    type: str
    title: str
    consigne: str
    duration: int | None
    columns: tuple[ColumnData, ...]
    #: (budget, max per card) when the step had dot voting
    votes: tuple[int, int] | None
    anonymous: bool
    cards: tuple[CardData, ...]
    #: whatever the activity type's ``load_steps`` returned for this step (plain data)
    extra: Any = None
    #: its sub-groups when it ran in groups (issue 18)
    groups: tuple[GroupData, ...] = ()


@dataclass(frozen=True)
class Presence:
    person: int
    structure: str
    structure_type: str
    #: took part from a distance (« à distance »)
    remote: bool = False


@dataclass(frozen=True)
class AtelierInfo:
    number: int
    title: str
    date: date | None
    mode: str
    lieu: str
    state: str
    state_label: str
    closed_at: datetime | None
    presences: tuple[Presence, ...] = ()
    excused: int = 0
    #: cancelled (kept in the cycle's history, counted in no figure)
    cancelled: bool = False
    #: the date it was first planned on, when it was postponed
    postponed_from: Day | None = None

    @property
    def present(self) -> int:
        return len(self.presences)

    @property
    def remote(self) -> int:
        """How many of those present took part from a distance."""
        return sum(1 for p in self.presences if p.remote)

    @property
    def closed(self) -> bool:
        return self.state == "clos"

    @property
    def held(self) -> bool:
        """Started (en cours or clos): an atelier still to come counts in no figure."""
        return self.state in ("en_cours", "clos")


@dataclass(frozen=True)
class AtelierData:
    info: AtelierInfo
    steps: tuple[StepData, ...]


@dataclass(frozen=True)
class CycleInfo:
    title: str
    theme: str
    territoire: str
    animateurs: tuple[str, ...]


@dataclass(frozen=True)
class StructureData:
    name: str
    type: str
    type_label: str
    champs: tuple[str, ...]
    territoire: str
    #: people of the cycle from this structure
    people: int
    #: ateliers where at least one of them was present
    ateliers: int
    presences: int


@dataclass(frozen=True)
class AtelierContext:
    """Everything the compte rendu of one atelier needs."""

    cycle: CycleInfo
    atelier: AtelierData
    total_ateliers: int
    next_atelier: AtelierInfo | None
    #: type key → French label, in the order of the model (every type, present or not)
    structure_types: tuple[tuple[str, str], ...]
    generated_at: datetime


@dataclass(frozen=True)
class CycleContext:
    """Everything the synthèse and the répertoire need."""

    cycle: CycleInfo
    ateliers: tuple[AtelierData, ...]
    structures: tuple[StructureData, ...]
    structure_types: tuple[tuple[str, str], ...]
    generated_at: datetime
    #: per activity type: what its ``load_cycle`` returned (plain data)
    extra: dict[str, Any] = field(default_factory=dict)
