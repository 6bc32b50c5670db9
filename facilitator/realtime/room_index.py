"""A client's rooms found from an index, not by scanning every room of the namespace.

python-socketio's managers (``socketio.base_manager.BaseManager``) keep ``rooms[namespace]
[room]`` → the members, and nothing the other way: on every disconnect,
``basic_disconnect`` copies the namespace's room table and asks each room whether the client
is in it, and ``get_rooms`` does the same. This board has one room per connection (its
sid), one per participant (``room_owner``) and a few per atelier, so the scan grows with the
number of connected people and a wave of disconnects (the end of an atelier, a worker
restarted behind nginx, a network blip) costs the square of it: 4,160 clients leaving a
worker took 6 % of its CPU over a whole 160 × 25 bench run (py-spy, docs/performance.md).

``IndexedRooms`` keeps, per namespace and sid, the rooms the client entered, updated by the
only two primitives that change membership (``basic_enter_room``, ``basic_leave_room``;
``basic_close_room`` goes through the latter), and uses it where upstream scans. The room
table itself is unchanged: everything that reads ``manager.rooms`` (wire.members,
python-socketio's emit) reads the same data."""

from __future__ import annotations

from typing import Any

import socketio


class IndexedRooms:
    """Mix in before a python-socketio manager class (``class M(IndexedRooms, Manager)``)."""

    rooms: dict[Any, dict[Any, Any]]
    callbacks: dict[Any, Any]
    pending_connect: dict[Any, list[Any]]
    pending_disconnect: dict[Any, list[Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: rooms_of[namespace][sid] = {room: None, …} (a dict: upstream's order, insertion)
        self.rooms_of: dict[Any, dict[Any, dict[Any, None]]] = {}

    def basic_enter_room(self, sid: Any, namespace: Any, room: Any, eio_sid: Any = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # type: ignore[misc]
        self.rooms_of.setdefault(namespace, {}).setdefault(sid, {})[room] = None

    def basic_leave_room(self, sid: Any, namespace: Any, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)  # type: ignore[misc]
        of_namespace = self.rooms_of.get(namespace)
        if of_namespace is None:
            return
        entered = of_namespace.get(sid)
        if entered is not None:
            entered.pop(room, None)
            if not entered:
                del of_namespace[sid]
                if not of_namespace:
                    del self.rooms_of[namespace]

    def basic_disconnect(self, sid: Any, namespace: Any, **kwargs: Any) -> None:
        """Upstream's, with the client's rooms read from the index."""
        if namespace not in self.rooms:
            return
        for room in list(self.rooms_of.get(namespace, {}).get(sid, ())):
            self.basic_leave_room(sid, namespace, room)
        if sid in self.callbacks:
            del self.callbacks[sid]
        for pending in (self.pending_connect, self.pending_disconnect):
            if namespace in pending and sid in pending[namespace]:
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]

    def get_rooms(self, sid: Any, namespace: Any) -> list[Any]:
        """The rooms a client is in (not the ``None`` room of every connected client)."""
        return [r for r in self.rooms_of.get(namespace, {}).get(sid, ()) if r is not None]


class LocalRooms(IndexedRooms, socketio.Manager):
    """The manager of a process without a message queue."""
