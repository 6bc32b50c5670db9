"""The CPU of a join, in one process, deterministic enough to compare two trees: N
participants connect one after the other through the real ``connect`` handler
(Flask-SocketIO's in-process test client, threading mode: no Engine.IO transport, no
WebSocket) onto a board of ``--cards`` cards, and each receives its ``sync``.

``python -m bench.join_profile --participants 500 --cards 300 [--db postgres]
[--profile FILE] [--top 30]`` prints one JSON line: CPU per join (ms, ``time.process_time``
over the N connects, the test client's own work included but not its decoding of the
``sync``, which is skipped; ``connect_thread_…``: the connecting thread's only, without
the background tasks such as the presence feed), SQL statements per join, bytes of a
``sync``. ``--profile``: the same connects again under cProfile (another N participants),
the top functions by cumulative time printed and the stats written to FILE.

Another tree's code (``/work/before5``): ``cd /work/before5 && PYTHONPATH=/work/before5
.venv/bin/python /work/wlead/bench/join_profile.py …`` (this file only imports the app and
``bench.setup`` of the tree it runs in)."""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--warm", type=int, default=20, help="connects before measuring")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="join-profile-"))
    os.environ["FACILITATOR_INSTANCE"] = str(folder)
    os.environ["SEED_DEMO"] = "0"
    pg = None
    if args.db == "postgres":
        from bench import servers

        pg = servers.Postgres(fast=False).start()
        os.environ["DATABASE_URL"] = pg.create_database("joinprofile")
    try:
        print(json.dumps(run(args)), flush=True)
    finally:
        if pg is not None:
            pg.stop()
    os._exit(0)  # the app's background tasks (presence feed) would query a stopped server


def run(args: argparse.Namespace) -> dict[str, Any]:
    from flask_socketio import SocketIOTestClient
    from sqlalchemy import event

    from bench.setup import build
    from facilitator import create_app, db_migrate
    from facilitator.extensions import db, socketio

    app = create_app({"SOCKETIO_ASYNC_MODE": "threading", "MAX_CONNECTIONS": 0})
    ctx = app.app_context()
    ctx.push()
    db_migrate.upgrade()
    total = args.warm + args.participants * (2 if args.profile else 1)
    data = build(1, total, 0, cards=args.cards)
    tokens = [p["token"] for p in data["ateliers"][0]["participants"]]
    db.session.remove()
    ctx.pop()

    sizes: list[int] = []
    original = SocketIOTestClient.connect

    def connect(self: Any, *a: Any, **k: Any) -> Any:
        mock = socketio.server._send_eio_packet

        def skip_sync(eio_sid: str, pkt: Any) -> None:
            if isinstance(pkt.data, str) and pkt.data.startswith('2["sync"'):
                sizes.append(len(pkt.data.encode()))
                return  # not decoded: the test client's work, not the server's
            mock(eio_sid, pkt)

        socketio.server._send_eio_packet = skip_sync
        return original(self, *a, **k)

    SocketIOTestClient.connect = connect  # type: ignore[method-assign]
    statements = [0]

    def seen(*_: Any) -> None:
        statements[0] += 1

    clients = []

    def join(batch: list[str]) -> None:
        for token in batch:
            client = SocketIOTestClient(app, socketio, auth={"token": token, "last_seq": 0})
            assert client.is_connected(), "refused"
            clients.append(client)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
    n = args.participants
    join(tokens[: args.warm])
    statements[0], sizes[:] = 0, []
    cpu0, own0, wall0 = time.process_time(), time.thread_time(), time.perf_counter()
    join(tokens[args.warm : args.warm + n])
    cpu = time.process_time() - cpu0
    own = time.thread_time() - own0
    wall = time.perf_counter() - wall0
    out: dict[str, Any] = {
        "db": args.db,
        "participants": n,
        "cards": args.cards,
        "cpu_ms_per_join": round(cpu / n * 1e3, 3),
        "connect_thread_cpu_ms_per_join": round(own / n * 1e3, 3),
        "wall_s": round(wall, 3),
        "sql_per_join": statements[0] / n,
        "sync_bytes": sizes[-1] if sizes else None,
        "synced": len(sizes),
    }
    if args.profile:
        profiler = cProfile.Profile(time.thread_time)  # this thread's CPU
        profiler.enable()
        join(tokens[args.warm + n : args.warm + 2 * n])
        profiler.disable()
        profiler.dump_stats(args.profile)
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(args.top)
    for client in clients:
        client.disconnect()
    return out


if __name__ == "__main__":
    if __package__ in (None, ""):  # run as a file from another tree (see the docstring)
        sys.path.insert(1, str(Path.cwd()))
    main()
