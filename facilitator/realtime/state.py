"""This process's connection state (who is connected, rate-limit buckets) and admission:
how many connections a process takes before it refuses with « Le serveur est complet »
(MAX_CONNECTIONS, a reserve for animateurs; docs/protocol.md)."""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError

from facilitator.extensions import socketio
from facilitator.realtime.presence import Presence, RateLimiter
from facilitator.realtime.presence_shared import SharedPresence


class ProcessState:
    """Per-app, per-process connection state: who is connected, rate-limit buckets."""

    def __init__(self, shared: SharedPresence | None = None) -> None:
        self.presence = Presence()
        #: the other processes' people (REDIS_URL), realtime/presence_shared.py
        self.shared = shared
        self.keepalive = False
        #: per atelier, the last presence told (people online everywhere, animateurs)
        self.presence_sent: dict[int, tuple[frozenset[int], int]] = {}
        self.per_connection = RateLimiter(rate=5, burst=20)
        self.per_participant = RateLimiter(rate=8, burst=30)
        #: animateurs (signed in, steering): ordinary work is never refused (issue 16)
        self.per_animateur = RateLimiter(rate=60, burst=400)
        self.dirty_presence: set[int] = set()
        self.presence_loop = False
        #: connections being authenticated (counted against MAX_CONNECTIONS meanwhile)
        self.admitting = 0
        #: of those, per participant (the token's claim), counted against their cap
        self.admitting_of: dict[int, int] = {}
        #: joins reading the database at once (see ``join_slot``); made on first use
        self.joining: threading.BoundedSemaphore | None = None


@contextmanager
def join_slot(current: ProcessState) -> Iterator[None]:
    """At most JOIN_CONCURRENCY joins of this process read the database at once; the others
    wait their turn (cooperatively under gevent). A join holds a database connection from
    its first query to the end of its snapshot: 2 000 joins at once each held one while
    the others ran, so every join took as long as all of them together, the pool ran dry
    (« QueuePool limit … timed out ») and joining grew faster than the number of clients
    (docs/performance.md, « Scale-out »). One at a time per slot, each is over in
    milliseconds and gives its connection back."""
    if current.joining is None:
        limit = current_app.config["JOIN_CONCURRENCY"]
        if limit <= 0:  # 0: no limit (a semaphore of 0 would hold every join for ever)
            yield
            return
        current.joining = threading.BoundedSemaphore(limit)
    with current.joining:
        yield


def sid() -> str:
    """The Socket.IO session id of the current event (Flask-SocketIO sets it)."""
    value: str = request.sid  # type: ignore[attr-defined]  # added by Flask-SocketIO
    return value


def state() -> ProcessState:
    found: ProcessState | None = current_app.extensions.get("facilitator.realtime")
    if found is None:
        url = current_app.config.get("REDIS_URL")
        found = ProcessState(SharedPresence(url) if url else None)
        current_app.extensions["facilitator.realtime"] = found
    return found


def close(conn: str) -> None:
    """Disconnect a connection of this process; its client reconnects and is refused with
    the French reason (``joining.refusal``)."""
    state().presence.remove(conn)
    socketio.server.disconnect(conn, namespace="/")


def refused(code: str, message_fr: str, **details: Any) -> ConnectionRefusedError:
    """``connect_error``: ``err.message`` is the French text, ``err.data`` the details."""
    return ConnectionRefusedError(message_fr, {"code": code, "message_fr": message_fr, **details})


def is_full(current: ProcessState, animateur: bool) -> bool:
    """MAX_CONNECTIONS reached for this kind of client (animateurs have a reserve)."""
    limit = current_app.config["MAX_CONNECTIONS"]
    if limit <= 0:
        return False
    if not animateur:
        limit -= current_app.config["ANIMATEUR_RESERVED_CONNECTIONS"]
    return len(current.presence.viewers) + current.admitting >= limit


TOO_MANY = (
    "Trop de connexions ouvertes avec ce lien : fermez un onglet ou un autre appareil, "
    "puis rechargez la page."
)


def over_person_cap(current: ProcessState, participant_id: int | None) -> bool:
    """MAX_CONNECTIONS_PER_PARTICIPANT reached by this person (0: no cap): one valid link
    opening socket after socket must not take every place of the process — neither
    connected nor waiting for its join turn (``admitting_of``, counted against the places)."""
    cap = current_app.config["MAX_CONNECTIONS_PER_PARTICIPANT"]
    if cap <= 0 or participant_id is None:
        return False
    waiting = current.admitting_of.get(participant_id, 0)
    return current.presence.connections_of(participant_id) + waiting >= cap


def count_admitting(current: ProcessState, participant_id: int | None, delta: int) -> None:
    """One more (``delta`` 1) or one less (-1) connection being admitted, for this person."""
    current.admitting += delta
    if participant_id is None:
        return
    left = current.admitting_of.get(participant_id, 0) + delta
    if left > 0:
        current.admitting_of[participant_id] = left
    else:
        current.admitting_of.pop(participant_id, None)


def server_full() -> ConnectionRefusedError:
    retry_ms = round(current_app.config["SERVER_FULL_RETRY_MS"] * random.uniform(0.5, 1.5))
    seconds = max(1, math.ceil(retry_ms / 1000))
    return refused(
        "server_full",
        f"Le serveur est complet, nouvel essai dans {seconds} s",
        retry_ms=retry_ms,
    )
