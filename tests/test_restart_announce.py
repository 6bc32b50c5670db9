"""A server that stops tells its clients it restarts (docs/protocol.md ``restart``), so that
they come back as soon as it is up instead of after their growing backoff."""

from __future__ import annotations

from typing import Any

from facilitator.realtime.wire import RESTART_RETRY_MS, wire


def test_every_connected_client_is_told_once(live_atelier: dict[str, Any]) -> None:
    socks = [live_atelier[k] for k in ("anim", "a", "b")]
    assert wire.announce_restart() == 3
    for sock in socks:
        got = [m for m in sock.received() if m["name"] == "restart"]
        assert got == [
            {"name": "restart", "args": [{"retry_ms": RESTART_RETRY_MS}], "namespace": "/"}
        ]
    live_atelier["b"].disconnect()
    assert wire.announce_restart(500) == 2
    assert [m["args"] for m in live_atelier["a"].received()] == [[{"retry_ms": 500}]]
