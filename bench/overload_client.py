"""The clients' side of ``bench.run overload`` (bench/overload.py), mixed into bench/client.py's
``Worker``: a ``server_full`` refusal is recorded and retried after the delay the server drew,
as static/js/live.js does; ``status`` and ``leave`` drive the scenario."""

from __future__ import annotations

import asyncio
import time
from typing import Any

now = time.monotonic


class Overload:
    clients: list[Any]
    errors: list[str]
    refusals: list[str]
    admitted_late: list[float]
    closing: bool

    def refused(self, client: Any, exc: Exception) -> bool:
        """A ``server_full`` refusal: recorded, and the client tries again after the
        ``retry_ms`` the server drew, as static/js/live.js does (bench.run overload)."""
        data = getattr(exc, "data", None)
        if not isinstance(data, dict) or data.get("code") != "server_full":
            return False
        self.refusals.append(data.get("message_fr", ""))
        asyncio.ensure_future(self.retry_later(client, data.get("retry_ms", 10000) / 1000))
        return True

    async def retry_later(self, client: Any, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.closing:
            return
        try:
            await client.connect()
            self.admitted_late.append(now())
        except Exception as exc:  # noqa: BLE001
            if not self.refused(client, exc):
                self.errors.append(f"connect: {exc!r}")

    async def do_status(self, cmd: dict[str, Any]) -> dict[str, Any]:
        return {
            "connected": sum(1 for c in self.clients if c.sio.connected),
            "refusals": len(self.refusals),
            "refusal_sample": sorted(set(self.refusals))[:3],
            "admitted_late": self.admitted_late,
        }

    async def do_leave(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """``n`` connected clients that do not post leave (places free up)."""
        posters = set(cmd.get("keep", []))
        gone = [c for c in self.clients if c.sio.connected and c.me not in posters][: cmd["n"]]
        await asyncio.gather(*(c.sio.disconnect() for c in gone), return_exceptions=True)
        return {"left": len(gone), "at": now()}
