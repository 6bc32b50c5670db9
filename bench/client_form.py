"""The forming scenario's part of a load-generator process (bench/client.py's ``Worker``):
``bench.run form`` — the animateur forms the groups, each participant shows its own."""

from __future__ import annotations

import asyncio
import resource
import time
from typing import Any

now = time.monotonic


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Forming:
    """Mixed into ``Worker``: its ``clients``, ``errors``, ``shown`` and ``pending``."""

    clients: list[Any]
    errors: list[str]
    shown: dict[int, float]
    pending: list[asyncio.Future[None]]

    def groups_event(self, client: Any, kind: str, data: dict[str, Any], t: float) -> None:
        """As static/js/groups.js: a ``groups.mine`` shows the group at once; a
        ``groups.changed`` that concerns this participant and carries no state makes it read
        its group again (a snapshot), shown when that arrives."""
        if kind == "groups.mine":
            self.shown[client.me] = t
            return
        affected = data.get("affected")
        if "state" in data or (affected is not None and client.me not in affected):
            return
        self.pending.append(asyncio.ensure_future(self.read_group(client, data["step_id"])))

    async def read_group(self, client: Any, step_id: int) -> None:
        try:
            ack = await client.sio.call("sync", {"last_seq": 0}, timeout=30)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"sync: {exc!r}")
            return
        state = ((ack.get("snapshot") or {}).get("groups") or {}).get(str(step_id)) or {}
        if ack.get("ok") and state.get("mine"):
            self.shown[client.me] = now()

    async def do_form(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """The animateur forms the groups; each participant's time until it shows its own."""
        cpu0, t0 = cpu_seconds(), now()
        self.shown: dict[int, float] = {}
        sent = None
        for c in self.clients:
            if c.me is None:
                sent = now()
                ack = await c.sio.call("groups_form", {"step_id": cmd["step"][str(c.atelier)]})
                if not ack.get("ok"):
                    self.errors.append(f"groups_form: {ack}")
        members = [c for c in self.clients if c.me is not None]
        deadline = now() + cmd.get("timeout", 60)
        while len(self.shown) < len(members) and now() < deadline:
            await asyncio.sleep(0.005)
        return {
            "sent": sent,
            "shown": list(self.shown.values()),
            "members": len(members),
            "errors": self.errors[:20],
            "n_errors": len(self.errors),
            "cpu": cpu_seconds() - cpu0,
            "wall": now() - t0,
        }
