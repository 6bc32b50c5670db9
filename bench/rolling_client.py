"""The clients' side of ``bench.run rolling`` (bench/rolling.py), mixed into bench/client.py's
``Worker``: ``track`` wraps each client's handlers to note when it is told ``restart``, when
its connection drops, when it is synced again (and how: replay or snapshot), and every bench
card it applies, live or replayed (the seq rule of static/js/store.js); ``moves`` returns
it all. A card applied by every client of its atelier exactly once: neither lost nor
duplicated, however it came."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

now = time.monotonic


class Rolling:
    clients: list[Any]

    async def do_track(self, cmd: dict[str, Any]) -> dict[str, Any]:
        self.applications: dict[str, int] = defaultdict(int)  # card tag -> clients applying it
        self.moves = [{"told": [], "dropped": [], "synced": []} for _ in self.clients]
        self.raced = 0
        for client, log in zip(self.clients, self.moves, strict=True):
            self._track(client, log)
        return {"ok": True}

    def _applied(self, env: dict[str, Any]) -> None:
        if env["type"] == "card.added":
            text = (env["data"]["card"].get("text") or "").split()
            if len(text) == 3 and text[0] == "bench":
                self.applications[text[1]] += 1

    def _track(self, client: Any, log: dict[str, list]) -> None:
        """As static/js/live.js: after a drop, events wait for the ``sync``, then are
        applied in seq order (those the sync covers are dropped by the seq rule)."""
        handlers = client.sio.handlers
        on_event, on_sync, on_drop = handlers["event"], handlers["sync"], handlers["disconnect"]
        waiting: list[dict[str, Any]] = []

        def event(env: dict[str, Any]) -> None:
            if log["dropped"] and client.synced_at is None:
                waiting.append(env)
                return
            if env["seq"] > client.last_seq:
                self._applied(env)
            on_event(env)

        def sync(data: dict[str, Any]) -> None:
            if log["dropped"]:
                log["synced"].append([now(), data["mode"], data["seq"]])
                carried = {env["seq"] for env in data.get("events", [])}
                # live cards the sync says it covers but does not carry: dropped, as the
                # browser drops them (realtime/handlers.py sync_data reads its seq after
                # the replay: docs/performance.md « Rolling restart behind nginx »)
                self.raced += sum(1 for env in waiting if env["type"] == "card.added"
                                  and data["mode"] == "replay" and env["seq"] <= data["seq"]
                                  and env["seq"] not in carried)  # fmt: skip
            if data["mode"] == "replay":
                seq = client.last_seq
                for env in data["events"]:
                    if env["seq"] > seq:
                        self._applied(env)
                        seq = env["seq"]
            on_sync(data)
            for env in sorted(waiting, key=lambda e: e["seq"]):
                event(env)
            waiting.clear()

        def drop(*args: Any) -> None:
            log["dropped"].append(now())
            waiting.clear()
            on_drop(*args)

        client.sio.on("event", event)
        client.sio.on("sync", sync)
        client.sio.on("disconnect", drop)
        client.sio.on("restart", lambda *_: log["told"].append(now()))

    async def do_moves(self, cmd: dict[str, Any]) -> dict[str, Any]:
        return {
            "moves": self.moves,
            "applications": dict(self.applications),
            "raced": self.raced,
            "by_atelier": _count(self.clients),
            "connected": sum(1 for c in self.clients if c.sio.connected),
        }


def _count(clients: list[Any]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for c in clients:
        out[str(c.atelier)] += 1
    return out
