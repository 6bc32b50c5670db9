"""Who is connected, per process (a multi-process deployment sums what each process sees
only for its own clients: documented in docs/protocol.md)."""

from __future__ import annotations

import time
from collections import defaultdict

from facilitator.core.events import Viewer


class Presence:
    def __init__(self) -> None:
        self.viewers: dict[str, Viewer] = {}
        self._online: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self._animateurs: dict[int, int] = defaultdict(int)
        #: open connections per participant, whatever the atelier (the per-person cap)
        self._per_person: dict[int, int] = defaultdict(int)

    def add(self, sid: str, viewer: Viewer) -> None:
        self.viewers[sid] = viewer
        if viewer.participant_id is not None:
            self._online[viewer.atelier_id][viewer.participant_id] += 1
            self._per_person[viewer.participant_id] += 1
        if viewer.is_animateur:
            self._animateurs[viewer.atelier_id] += 1

    def remove(self, sid: str) -> Viewer | None:
        viewer = self.viewers.pop(sid, None)
        if viewer is None:
            return None
        if viewer.participant_id is not None:
            room = self._online[viewer.atelier_id]
            room[viewer.participant_id] -= 1
            if room[viewer.participant_id] <= 0:
                del room[viewer.participant_id]
            self._per_person[viewer.participant_id] -= 1
            if self._per_person[viewer.participant_id] <= 0:
                del self._per_person[viewer.participant_id]
        if viewer.is_animateur:
            self._animateurs[viewer.atelier_id] -= 1
        return viewer

    def ateliers(self) -> set[int]:
        """The ateliers this process has connections to."""
        return {viewer.atelier_id for viewer in self.viewers.values()}

    def online(self, atelier_id: int) -> set[int]:
        return set(self._online.get(atelier_id, {}))

    def connections_of(self, participant_id: int) -> int:
        """This participant's open connections in this process."""
        return self._per_person.get(participant_id, 0)

    def animateurs(self, atelier_id: int) -> int:
        return self._animateurs.get(atelier_id, 0)


class RateLimiter:
    """Token buckets: ``burst`` actions at once, refilled at ``rate`` per second."""

    def __init__(self, rate: float = 5.0, burst: float = 20.0) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[object, tuple[float, float]] = {}

    def allow(self, key: object) -> bool:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True

    def forget(self, key: object) -> None:
        self._buckets.pop(key, None)
