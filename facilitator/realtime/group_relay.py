"""A sub-group's events (issue 18): animateurs, the wall (read-only links) and the group's
members only. The members of each group are learnt from ``groups.changed`` events (the
animateurs' payload lists them) or read from the database, and forgotten after a merge."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.realtime.rooms import envelope, room_anim, room_owner, room_view
from facilitator.realtime.wire import Message, wire


class GroupAudience:
    def __init__(self, relay: Any) -> None:
        self.relay = relay
        #: sub-group → its members, from ``groups.changed`` or the database
        self.members: dict[int, frozenset[int]] = {}

    def members_of(self, group_id: int) -> frozenset[int]:
        members = self.members.get(group_id)
        if members is None:
            from facilitator.extensions import db
            from facilitator.models import GroupMember

            with self.relay.app.app_context():
                rows = db.session.scalars(
                    select(GroupMember.participant_id).where(GroupMember.group_id == group_id)
                )
                members = self.members[group_id] = frozenset(rows)
        return members

    def learn(self, ev: dict[str, Any]) -> None:
        """A ``groups.changed`` event carries every group of its step with its members (the
        animateurs' payload): the audience of the next group events."""
        for group in (ev["payload"].get("groups") or {}).get("groups", []):
            self.members[group["id"]] = frozenset(m["id"] for m in group["members"])

    def forget_merged(self, ev: dict[str, Any]) -> None:
        """A merge moved (or removed, when both were in groups of one step) the group rows
        of both people: their groups are read again from the database when next needed."""
        into = (ev["payload"].get("into") or {}).get("id")
        people = {ev["owner_id"], into}
        for group_id, members in list(self.members.items()):
            if people & members:
                del self.members[group_id]

    def deliver(self, ev: dict[str, Any], full: Message, public: Any) -> None:
        """A sub-group's event: animateurs, the wall (read-only links) and the group's
        members only; the author's own version first."""
        a, seq = ev["atelier_id"], ev["seq"]
        members = self.members_of(ev["group_id"])  # may read (yield): before any send
        wire.send(wire.members(room_anim(a)), [full])
        owner_sids: set[str] = set()
        if ev["owner_id"] is not None and ev["owner"] is not None:
            owner_sids = set(wire.members(room_owner(a, ev["owner_id"])))
            own = wire.message("event", envelope(ev, ev["owner"]), seq)
            wire.send(list(owner_sids), [own])
        if public is None:
            return
        same = ev["public_same"] and ev.get("by") is None  # who did it: animateurs only
        message = full if same else wire.message("event", envelope(ev, public), seq)
        sids = list(wire.members(room_view(a)))
        for pid in members:
            sids.extend(sid for sid in wire.members(room_owner(a, pid)) if sid not in owner_sids)
        wire.send(sids, [message])
