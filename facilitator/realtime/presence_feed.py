"""Who is online, told to the room: coalesced to at most one message per atelier per
second. Animateurs get the list (with « à distance »), everyone else the counts. With
several processes, the people connected to the others count too
(``realtime/presence_shared.py``)."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from facilitator.extensions import db, socketio
from facilitator.models import Attendance, Participant
from facilitator.realtime.presence_shared import REFRESH
from facilitator.realtime.rooms import room_anim, room_pub
from facilitator.realtime.state import ProcessState, state

log = logging.getLogger(__name__)


def people_online(atelier_id: int) -> tuple[set[int], int]:
    """Participants online and animateurs connected, on every process: this process's part
    is written for the others first."""
    current = state()
    online = current.presence.online(atelier_id)
    animateurs = current.presence.animateurs(atelier_id)
    if current.shared is None:
        return online, animateurs
    current.shared.write(atelier_id, online, animateurs)
    return current.shared.read(atelier_id, online, animateurs)


def presence_payload(atelier_id: int) -> dict[str, Any]:
    online, animateurs = people_online(atelier_id)
    state().presence_sent[atelier_id] = (frozenset(online), animateurs)
    people = db.session.execute(
        select(Participant, Attendance.remote)
        .join(Attendance, Attendance.participant_id == Participant.id)
        .where(Attendance.atelier_id == atelier_id)
        .order_by(Participant.display_name)
        .options(selectinload(Participant.structure))  # one query, not one per structure
    ).all()
    return {
        "participants": [
            {**p.public_dict(), "online": p.id in online, "remote": bool(remote)}
            for p, remote in people
        ],
        "online": len(online),
        # of those online, how many take part from a distance (issue 18)
        "remote_online": sum(1 for p, remote in people if remote and p.id in online),
        "animateurs": animateurs,
    }


PRESENCE_INTERVAL = 1.0


def announce_presence(atelier_id: int) -> None:
    """Coalesced: at most one presence message per atelier per second, whatever the
    number of joins (300 people joining would otherwise cost 300 × 300 messages)."""
    current = state()
    current.dirty_presence.add(atelier_id)
    if not current.presence_loop:
        current.presence_loop = True
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
        socketio.start_background_task(_presence_loop, app, current)
    if current.shared is not None and not current.keepalive:
        current.keepalive = True
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        socketio.start_background_task(_keepalive, app, current)


def _keepalive(app: Any, current: ProcessState) -> None:
    """With several processes: this process's part is rewritten every ``REFRESH`` seconds
    while it has connections, and the presence is told again when the sum changed without
    an event here (a process that died, whose part went stale)."""
    assert current.shared is not None
    while current.presence.viewers:
        socketio.sleep(REFRESH)
        for atelier_id in current.presence.ateliers():
            try:
                with app.app_context():
                    seen = people_online(atelier_id)
                    if (frozenset(seen[0]), seen[1]) != current.presence_sent.get(atelier_id):
                        announce_presence(atelier_id)
            except Exception:
                log.exception("shared presence of atelier %s", atelier_id)
    current.keepalive = False


def _presence_loop(app: Any, current: ProcessState) -> None:
    """Runs while there is something to announce, then stops (restarted on demand)."""
    while True:
        socketio.sleep(PRESENCE_INTERVAL)
        if not current.dirty_presence:
            current.presence_loop = False
            return
        while current.dirty_presence:
            atelier_id = current.dirty_presence.pop()
            try:
                with app.app_context():
                    _emit_presence(atelier_id)
            except Exception:
                log.exception("presence of atelier %s", atelier_id)


def _emit_presence(atelier_id: int) -> None:
    data = presence_payload(atelier_id)
    socketio.emit("presence", data, to=room_anim(atelier_id))
    socketio.emit(
        "presence",
        {"online": data["online"], "animateurs": data["animateurs"]},
        to=room_pub(atelier_id),
    )
