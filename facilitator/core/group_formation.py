"""How sub-groups are formed (issue 18): a small, pluggable set of strategies.

A strategy takes the people to place (``Person``: id and structure type) and the number
of groups, and returns one list of participant ids per group. ``choix`` and ``manuel``
place nobody: participants choose on their phone, or the animateur drags them. A new
strategy (« à distance ensemble / mélangés ») is one function and one line in
``STRATEGIES``."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    id: int
    #: the structure's type (``STRUCTURE_TYPES`` key), "" when unknown
    kind: str = ""


Strategy = Callable[[list[Person], int, random.Random], list[list[int]]]


def at_random(people: list[Person], count: int, rng: random.Random) -> list[list[int]]:
    """Shuffled, then dealt in turn: sizes differ by one at most."""
    order = [p.id for p in people]
    rng.shuffle(order)
    return [order[i::count] for i in range(count)]


def mixed(people: list[Person], count: int, rng: random.Random) -> list[list[int]]:
    """Mixed by structure type: each type is dealt across the groups in turn, continuing
    where the previous type stopped, so every group gets as many types as possible and
    sizes differ by one at most."""
    by_kind: dict[str, list[int]] = {}
    for person in people:
        by_kind.setdefault(person.kind, []).append(person.id)
    groups: list[list[int]] = [[] for _ in range(count)]
    kinds = sorted(by_kind, key=lambda k: (-len(by_kind[k]), k))
    turn = rng.randrange(count) if count else 0
    for kind in kinds:
        ids = by_kind[kind]
        rng.shuffle(ids)
        for pid in ids:
            groups[turn % count].append(pid)
            turn += 1
    return groups


def nobody(people: list[Person], count: int, rng: random.Random) -> list[list[int]]:
    """Empty groups: people choose (``choix``) or are placed by hand (``manuel``)."""
    return [[] for _ in range(count)]


STRATEGIES: dict[str, Strategy] = {
    "aleatoire": at_random,
    "mixte": mixed,
    "choix": nobody,
    "manuel": nobody,
}
