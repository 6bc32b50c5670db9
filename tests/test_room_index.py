"""realtime/room_index.py: the same rooms as python-socketio's own manager, whatever the
sequence of connects, room changes and disconnects; and every app of ours uses it."""

from __future__ import annotations

import random
from typing import Any

import pytest
import socketio

from bench.micro_rooms import FakeServer
from facilitator.realtime.room_index import IndexedRooms, LocalRooms


def _manager(cls: type) -> Any:
    manager = cls()
    manager.set_server(FakeServer())
    manager.initialize()
    return manager


def _state(m: Any, sids: list[str]) -> tuple:
    rooms = {ns: {r: dict(room) for r, room in table.items()} for ns, table in m.rooms.items()}
    per_sid = {(ns, s): sorted(map(str, m.get_rooms(s, ns))) for ns in ("/", "/b") for s in sids}
    acks = {sid: sorted(k for k in table if k != 0) for sid, table in m.callbacks.items()}
    return rooms, per_sid, acks, m.pending_connect, m.pending_disconnect


@pytest.mark.parametrize("seed", range(12))
def test_same_rooms_as_upstream_after_random_operations(seed: int) -> None:
    rng = random.Random(seed)
    ours, theirs = _manager(LocalRooms), _manager(socketio.Manager)
    sids: list[tuple[str, str]] = []  # (namespace, sid) connected at some point
    for step in range(400):
        op = rng.choice(["connect", "enter", "enter", "leave", "close", "disconnect", "ack"])
        if op == "connect" or not sids:
            ns = rng.choice(["/", "/b"])
            eio_sid = f"e{step}"
            a, b = ours.connect(eio_sid, ns), theirs.connect(eio_sid, ns)
            assert a == b
            sids.append((ns, a))
            continue
        ns, sid = rng.choice(sids)
        room = rng.choice(["at1:pub", "at1:anim", "at1:pt1", "at2:pub"])
        if op == "enter" and theirs.is_connected(sid, ns):
            ours.enter_room(sid, ns, room)
            theirs.enter_room(sid, ns, room)
        elif op == "leave":
            ours.leave_room(sid, ns, room)
            theirs.leave_room(sid, ns, room)
        elif op == "close":
            ours.close_room(room, ns)
            theirs.close_room(room, ns)
        elif op == "ack" and theirs.is_connected(sid, ns):
            assert ours._generate_ack_id(sid, print) == theirs._generate_ack_id(sid, print)
        elif op == "disconnect":
            if theirs.is_connected(sid, ns) and rng.random() < 0.5:  # marked first, as upstream
                ours.pre_disconnect(sid, ns)
                theirs.pre_disconnect(sid, ns)
            ours.disconnect(sid, ns)
            theirs.disconnect(sid, ns)
        assert _state(ours, [s for _, s in sids]) == _state(theirs, [s for _, s in sids])
    # and nothing is left of a client once it is gone
    for ns, sid in sids:
        ours.disconnect(sid, ns)
    assert ours.rooms_of == {} or all(not v for v in ours.rooms_of.values())
    assert not any(ours.rooms.values())


def test_a_disconnect_leaves_only_its_rooms_and_reads_no_other() -> None:
    manager = _manager(LocalRooms)
    sids = [manager.connect(f"e{i}", "/") for i in range(50)]
    for i, sid in enumerate(sids):
        manager.enter_room(sid, "/", "at1:pub")
        manager.enter_room(sid, "/", f"at1:pt{i}")
    manager.disconnect(sids[7], "/")
    rooms = manager.rooms["/"]
    assert "at1:pt7" not in rooms and sids[7] not in rooms and sids[7] not in rooms["at1:pub"]
    assert len(rooms["at1:pub"]) == 49 and "at1:pt8" in rooms
    assert manager.get_rooms(sids[8], "/") == [sids[8], "at1:pub", "at1:pt8"]


def test_every_app_manager_is_indexed(app: Any) -> None:
    from facilitator.extensions import socketio as ext

    assert isinstance(ext.server.manager, IndexedRooms)
