"""How sub-groups are formed (issue 18): a small, pluggable set of strategies.

A strategy takes the people to place (``Person``: id, structure type, whether they take part
from a distance) and the number of groups, and returns one list of participant ids per
group. ``choix`` and ``manuel`` place nobody: participants choose on their phone, or the
animateur drags them. ``compose`` adds the plan's choice about remote people (« à distance :
ensemble / mélangés / indifférent ») to the random and mixed strategies."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    id: int
    #: the structure's type (``STRUCTURE_TYPES`` key), "" when unknown
    kind: str = ""
    #: takes part from a distance (core/attendance.py ``remote_participants``)
    remote: bool = False


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

#: the formations that place people themselves, so can put remote people together or mix them
PLACING = ("aleatoire", "mixte")


def remote_group_count(remote: int, here: int, count: int) -> int:
    """How many of ``count`` groups the ``remote`` people fill on their own (``ensemble``):
    their share of the groups, rounded, at least one, and leaving every group someone."""
    share = round(remote * count / (remote + here))
    return max(1, count - here, min(share, count - 1, remote))


def together(
    strategy: Strategy, people: list[Person], count: int, rng: random.Random
) -> list[list[int]]:
    """``ensemble``: remote people fill their own group(s) (they share a visio room), the
    others the rest; each part formed by ``strategy``. The remote groups come last."""
    away = [p for p in people if p.remote]
    here = [p for p in people if not p.remote]
    if not away or not here:
        return strategy(people, count, rng)
    if len(away) == 1:  # a group of one is no group: they join one (its laptop in the visio)
        return spread(strategy, people, count, rng)
    k = remote_group_count(len(away), len(here), count)
    return strategy(here, count - k, rng) + strategy(away, k, rng)


def spread(
    strategy: Strategy, people: list[Person], count: int, rng: random.Random
) -> list[list[int]]:
    """``melanges``: remote people spread evenly over the groups (sizes still differ by one
    at most: the groups with more remote people get fewer people from the room)."""
    away = strategy([p for p in people if p.remote], count, rng)
    here = strategy([p for p in people if not p.remote], count, rng)
    away.sort(key=len, reverse=True)
    here.sort(key=len)
    out = [a + b for a, b in zip(away, here, strict=True)]
    rng.shuffle(out)
    return out


def compose(
    formation: str, remote: str, people: list[Person], count: int, rng: random.Random
) -> list[list[int]]:
    """The groups of a plan: its ``formation``, with its choice about remote people
    (``ensemble``, ``melanges``; ``indifferent``: nothing special)."""
    strategy = STRATEGIES[formation]
    if formation not in PLACING or remote == "indifferent":
        return strategy(people, count, rng)
    return (together if remote == "ensemble" else spread)(strategy, people, count, rng)
