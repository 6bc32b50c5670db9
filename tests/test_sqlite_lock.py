"""A write lock held by another process. Shorter than the cooperative wait
(facilitator.dblock): the action waits, then is stored once. Longer (10 s in production;
0.3 s here, so that the test is quick): the action is refused in French, nothing is
stored, the event log has no gap, and a retry with the same client_id stores the card
exactly once. tests/test_fault_tolerance.py covers a 2 s lock against the real gevent
server, where every write waits and reads go on meanwhile."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text

from facilitator.core.events import current_seq
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Event

BUSY_MS = 200


@pytest.fixture
def short_busy_timeout(app: Flask) -> Iterator[None]:
    """Every new connection of the app waits BUSY_MS for a lock instead of 10 s."""

    def pragma(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_MS}")

    app.config["DB_LOCK_WAIT_SECONDS"] = 0.3
    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", pragma)
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_MS
    db.session.rollback()
    yield
    event.remove(db.engine, "connect", pragma)


def _database(app: Flask) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def test_a_write_refused_under_lock_is_not_stored_and_a_retry_converges(
    app: Flask,
    live_atelier: dict[str, Any],
    short_busy_timeout: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b = live_atelier["a"], live_atelier["b"]
    atelier: Atelier = live_atelier["atelier"]
    payload = {
        "step_id": live_atelier["steps"]["idees"],
        "client_id": "locked-0001",
        "text": "Écrite pendant un verrou",
        "column": "a",
    }
    seq_before = current_seq(atelier.id)
    lock = sqlite3.connect(_database(app), isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")
        with caplog.at_level(logging.ERROR, logger="facilitator.realtime"):
            refused = a.call("card_add", payload)
        assert refused["ok"] is False
        assert refused["error"]["code"] == "server_error"
        assert "pas été enregistrée" in refused["error"]["message_fr"]
        # the failure is logged for the administrator, with its cause
        assert any("database is locked" in str(r.exc_info[1]) for r in caplog.records)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    db.session.rollback()
    assert (
        db.session.scalar(select(Contribution).where(Contribution.client_id == "locked-0001"))
        is None
    )
    assert current_seq(atelier.id) == seq_before
    assert [m for m in b.received() if m["name"] == "event"] == []

    stored = a.call("card_add", payload)
    assert stored["ok"] is True and not stored.get("duplicate")
    again = a.call("card_add", payload)
    assert again["ok"] is True and again["duplicate"] is True
    cards = db.session.scalars(
        select(Contribution).where(Contribution.atelier_id == atelier.id)
    ).all()
    assert [c.client_id for c in cards] == ["locked-0001"]
    seqs = db.session.scalars(select(Event.seq).where(Event.atelier_id == atelier.id)).all()
    assert sorted(seqs) == list(range(1, current_seq(atelier.id) + 1))
    assert [e["seq"] for e in b.events()] == [stored["seq"]]


def test_a_write_waits_for_a_short_lock_then_is_stored_once(
    app: Flask, live_atelier: dict[str, Any], short_busy_timeout: None
) -> None:
    app.config["DB_LOCK_WAIT_SECONDS"] = 5.0
    a, b = live_atelier["a"], live_atelier["b"]
    atelier: Atelier = live_atelier["atelier"]
    lock = sqlite3.connect(_database(app), isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        lock.execute("ROLLBACK")
        lock.close()
        released.set()

    # longer than SQLite's own wait (BUSY_MS): the action has to wait in dblock
    timer = threading.Timer(3 * BUSY_MS / 1000, release)
    timer.start()
    try:
        ack = a.call(
            "card_add",
            {
                "step_id": live_atelier["steps"]["idees"],
                "client_id": "waited-0001",
                "text": "Écrite pendant un verrou court",
                "column": "a",
            },
        )
    finally:
        timer.join()
    assert released.is_set()
    assert ack["ok"] is True, ack
    db.session.rollback()
    cards = db.session.scalars(
        select(Contribution).where(Contribution.atelier_id == atelier.id)
    ).all()
    assert [c.client_id for c in cards] == ["waited-0001"]
    assert [e["seq"] for e in b.events()] == [ack["seq"]]
