"""Waiting for SQLite's write lock without freezing the server.

SQLite lets one writer at a time. When another process holds the write lock (a backup, the
CLI, a second worker), a write waits in SQLite's busy handler: inside C, where gevent
cannot switch — a 10 s busy timeout froze every connection of the process for up to 10 s.
So the busy timeout is short (``SQLITE_BUSY_TIMEOUT_MS``, 5 ms by default) and the
waiting happens here, cooperatively: an action refused with "database is locked" is rolled
back and run again after a pause (``time.sleep``, cooperative under gevent), until
``DB_LOCK_WAIT_SECONDS`` have passed. Then the action fails with the usual French "not
stored" error and the client retries with the same ``client_id``.

An action is run again only if nothing of it was committed yet: every write of an action
happens in one transaction, so a rolled-back attempt left nothing behind and the next one
starts from the same state (adds are idempotent by ``client_id`` anyway). Forms that write
(every non-GET request) are run the same way (``web/__init__.py``); still locked after the
wait, they answer 503 with a French message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from facilitator.extensions import db

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT_MS = 5
DEFAULT_WAIT_SECONDS = 10.0
#: first pause between attempts, doubled up to ``MAX_PAUSE``
FIRST_PAUSE = 0.01
MAX_PAUSE = 0.2


def busy_timeout_ms() -> int:
    if has_app_context():
        return int(current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
    return DEFAULT_BUSY_TIMEOUT_MS


def is_lock_error(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


@event.listens_for(Session, "after_commit")
def _mark_committed(_session: Session) -> None:
    if has_app_context():
        g.facilitator_committed = True


def run(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)``, run again while it fails on SQLite's write lock and nothing of it was
    committed, for at most ``DB_LOCK_WAIT_SECONDS``."""
    budget = float(current_app.config.get("DB_LOCK_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))
    deadline = time.monotonic() + budget
    pause = FIRST_PAUSE
    attempts = 1
    # nested in another run (a form whose queueing retries on its own): what the outer
    # one committed before stays known to it, or it would run the whole form again
    outer = bool(g.get("facilitator_committed"))
    while True:
        g.facilitator_committed = False
        try:
            result = fn(*args)
            g.facilitator_committed = outer or bool(g.get("facilitator_committed"))
            return result
        except OperationalError as exc:
            if (
                not is_lock_error(exc)
                or g.get("facilitator_committed")
                or time.monotonic() + pause > deadline
            ):
                if attempts > 1:
                    log.warning("database still locked after %d attempts", attempts)
                g.facilitator_committed = outer or bool(g.get("facilitator_committed"))
                raise
            db.session.rollback()
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
            attempts += 1
