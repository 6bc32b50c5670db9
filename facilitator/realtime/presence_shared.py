"""Who is online across server processes (with ``REDIS_URL``).

Each process knows only its own connections (``realtime/presence.py``). Behind a load
balancer an atelier's people are spread over the processes, so each process writes what
it sees of an atelier into one Redis hash (``facilitator:presence:<atelier>``, one field per
process: the participants online there, the animateurs, the time of writing), and the
presence message sums the fresh fields. A process rewrites its fields whenever its own
presence changes and every ``REFRESH`` seconds; the field of a process that died is
ignored after ``STALE`` seconds. Redis unreachable: each process counts its own people
again, as without Redis, and says so once in the log."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

log = logging.getLogger(__name__)

KEY = "facilitator:presence:{}"
REFRESH = 10.0
STALE = 30.0


class SharedPresence:
    def __init__(self, url: str, host: str | None = None) -> None:
        import redis  # only on the scale-out path

        self.redis: Any = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.host = host or uuid.uuid4().hex
        self.failing = False

    def _ok(self) -> None:
        if self.failing:
            log.warning("Redis : présence partagée rétablie.")
        self.failing = False

    def _failed(self, exc: Exception) -> None:
        if not self.failing:
            log.warning(
                "Redis : présence partagée indisponible (%s) ; chaque processus compte les siens.",
                exc,
            )
        self.failing = True

    def write(self, atelier_id: int, online: set[int], animateurs: int) -> None:
        """This process's part of the atelier (removed when it has nobody there)."""
        key = KEY.format(atelier_id)
        try:
            if online or animateurs:
                part = {"t": time.time(), "p": sorted(online), "a": animateurs}
                pipe = self.redis.pipeline()
                pipe.hset(key, self.host, json.dumps(part))
                pipe.expire(key, int(STALE * 2))
                pipe.execute()
            else:
                self.redis.hdel(key, self.host)
            self._ok()
        except Exception as exc:  # noqa: BLE001 (any Redis failure: count locally)
            self._failed(exc)

    def read(self, atelier_id: int, online: set[int], animateurs: int) -> tuple[set[int], int]:
        """This process's own people plus every other live process's."""
        try:
            fields = self.redis.hgetall(KEY.format(atelier_id))
            self._ok()
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return online, animateurs
        everyone, total, now = set(online), animateurs, time.time()
        for host, raw in fields.items():
            if host.decode() == self.host:
                continue
            try:
                part = json.loads(raw)
                if now - float(part["t"]) > STALE:
                    continue
                everyone.update(int(p) for p in part["p"])
                total += int(part["a"])
            except (ValueError, KeyError, TypeError):
                continue
        return everyone, total
