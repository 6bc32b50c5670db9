"""What happens to this process's open connections when a person changes under them
(issue 16): a merged participant's connections go on as the kept one; a participant whose
code was reset, or someone who left the cycle's team, is disconnected (their client
reconnects and is refused with the French reason, ``joining.refusal``).

Each is run by the signal on the process that made the change and, on every process, by
the relay hook of the event recorded with it (``relay.hooks``: the path that already
crosses processes, in order)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from facilitator.core import signals
from facilitator.core.events import Viewer
from facilitator.extensions import socketio
from facilitator.realtime.relay import relay
from facilitator.realtime.rooms import room_owner
from facilitator.realtime.state import close, state


def _close_where(matches: Callable[[Viewer], bool]) -> None:
    """Disconnect this process's connections whose viewer ``matches``."""
    for conn, viewer in list(state().presence.viewers.items()):
        if matches(viewer):
            close(conn)


def _participant_merged(gone_id: int, into: int) -> None:
    """The removed participant's open connections continue as the kept one."""
    presence = state().presence
    for conn, viewer in list(presence.viewers.items()):
        if viewer.participant_id == gone_id:
            presence.remove(conn)
            presence.add(conn, dataclasses.replace(viewer, participant_id=into))
            socketio.server.enter_room(conn, room_owner(viewer.atelier_id, into), namespace="/")


def _participant_revoked(participant_id: int) -> None:
    """Their devices lost access; the ``participant.revoked`` event told them why."""
    _close_where(lambda viewer: viewer.participant_id == participant_id)


def _team_member_removed(_cycle_id: int, animateur_id: int, atelier_ids: list[int]) -> None:
    """Their consoles and read-only boards of the cycle (a closed atelier's read-only board
    on another process: at its next reconnect, no event being recorded there)."""
    ateliers = set(atelier_ids)
    _close_where(
        lambda viewer: viewer.animateur_id == animateur_id and viewer.atelier_id in ateliers
    )


def _on_merged_event(app: Any, ev: dict[str, Any]) -> None:
    into = (ev.get("payload") or {}).get("into") or {}
    if isinstance(ev.get("owner_id"), int) and isinstance(into.get("id"), int):
        with app.app_context():
            _participant_merged(ev["owner_id"], into["id"])


def _on_revoked_event(app: Any, ev: dict[str, Any]) -> None:
    if isinstance(ev.get("owner_id"), int):
        with app.app_context():
            _participant_revoked(ev["owner_id"])


def _on_member_removed_event(app: Any, ev: dict[str, Any]) -> None:
    animateur_id = (ev.get("payload") or {}).get("animateur_id")
    if isinstance(animateur_id, int):
        with app.app_context():
            _team_member_removed(0, animateur_id, [ev["atelier_id"]])


signals.participant_merged.connect(_participant_merged)
signals.participant_revoked.connect(_participant_revoked)
signals.team_member_removed.connect(_team_member_removed)
relay.hooks["participant.merged"] = _on_merged_event
relay.hooks["participant.revoked"] = _on_revoked_event
relay.hooks["team.member_removed"] = _on_member_removed_event
