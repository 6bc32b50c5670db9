"""CPU of a wave of disconnects: python-socketio's own manager against ours
(realtime/room_index.py), the rooms of a board (each connection's own room, its atelier's
public room, its participant's room), in one process, one after the other.

    .venv/bin/python -m bench.micro_rooms --clients 4160 --ateliers 160
"""

from __future__ import annotations

import argparse
import json
import time

import socketio

from facilitator.realtime.room_index import LocalRooms


class FakeServer:
    """What a manager asks of its server: a fresh id per connection (also used by
    tests/test_room_index.py)."""

    def __init__(self) -> None:
        self.n = 0
        self.packet_class = socketio.packet.Packet
        self.eio = self

    def generate_id(self) -> str:
        self.n += 1
        return f"s{self.n}"


def _wave(cls: type, clients: int, ateliers: int) -> dict[str, float]:
    manager = cls()
    manager.set_server(FakeServer())
    sids = []
    t0 = time.process_time()
    for i in range(clients):
        sid = manager.connect(f"e{i}", "/")
        manager.enter_room(sid, "/", f"at{i % ateliers}:pub")
        manager.enter_room(sid, "/", f"at{i % ateliers}:pt{i}")
        sids.append(sid)
    t1 = time.process_time()
    for sid in sids:
        manager.pre_disconnect(sid, "/")
        manager.disconnect(sid, "/")
    t2 = time.process_time()
    return {"join_ms": round((t1 - t0) * 1000, 1), "disconnect_all_ms": round((t2 - t1) * 1000, 1)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--clients", type=int, default=4160)
    p.add_argument("--ateliers", type=int, default=160)
    args = p.parse_args()
    for name, cls in (("python-socketio Manager", socketio.Manager), ("LocalRooms", LocalRooms)):
        wave = _wave(cls, args.clients, args.ateliers)
        print(json.dumps({"manager": name, "clients": args.clients, **wave}))


if __name__ == "__main__":
    main()
