"""A broadcast that fails after the commit (a message queue down, a bug in a receiver)
does not turn the ack into "not stored": the author would retry, and a vote would count
twice. The others get the event at their next sync."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from facilitator.core.events import board_event
from facilitator.extensions import db
from facilitator.models import Contribution


def test_a_failing_broadcast_still_acknowledges_a_committed_card(
    live_atelier: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    a, b = live_atelier["a"], live_atelier["b"]

    def broken(_sender: Any, **_kw: Any) -> None:
        raise RuntimeError("queue down")

    # connected first among the receivers: blinker stops at the exception, the relay
    # never hears of the event
    receivers = dict(board_event.receivers)
    board_event.receivers.clear()
    board_event.connect(broken)
    try:
        with caplog.at_level(logging.ERROR, logger="facilitator.core.events"):
            ack = a.call(
                "card_add",
                {
                    "step_id": live_atelier["steps"]["idees"],
                    "client_id": "bcast-0001",
                    "text": "Diffusion en panne",
                    "column": "a",
                },
            )
    finally:
        board_event.disconnect(broken)
        board_event.receivers.update(receivers)
    assert ack["ok"] is True, ack
    assert any("broadcast of event" in r.getMessage() for r in caplog.records)
    db.session.rollback()
    card = db.session.scalar(select(Contribution).where(Contribution.client_id == "bcast-0001"))
    assert card is not None and card.id == ack["card"]["id"]
    assert b.events() == []
    synced = b.call("sync", {"last_seq": 0})
    assert synced["ok"] is True
    texts = [c["text"] for c in synced.get("snapshot", {}).get("cards", [])] or [
        e["data"]["card"]["text"] for e in synced.get("events", []) if e["type"] == "card.added"
    ]
    assert "Diffusion en panne" in texts, synced
