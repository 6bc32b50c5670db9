"""The Socket.IO rooms of an atelier, and the envelope every board event is sent in
(docs/protocol.md §2)."""

from __future__ import annotations

from typing import Any


def room_anim(atelier_id: int) -> str:
    return f"at{atelier_id}:anim"


def room_pub(atelier_id: int) -> str:
    return f"at{atelier_id}:pub"


def room_owner(atelier_id: int, participant_id: int) -> str:
    """A participant's connections to one atelier's board (not to the cycle's others: a
    client keeps the seq of its own atelier only)."""
    return f"at{atelier_id}:pt{participant_id}"


def room_view(atelier_id: int) -> str:
    """Read-only links (the wall): they get every sub-group's events (issue 18)."""
    return f"at{atelier_id}:view"


def envelope(ev: dict[str, Any], data: Any, by: Any = None) -> dict[str, Any]:
    if by is not None:
        return {"seq": ev["seq"], "type": ev["type"], "data": data, "by": by}
    return {"seq": ev["seq"], "type": ev["type"], "data": data}
