"""The CPU of a card's write through the real socket handler, without the network: N card
adds and N edits emitted by Socket.IO test clients (Flask-SocketIO's event handling, the
``action`` wrapper, ``core/cards.py``, ``live_change``, the relay's publish and a small
fan-out), on SQLite or on a throwaway PostgreSQL (docs/performance.md, « Fifth pass »).

    .venv/bin/python -m bench.write_profile [--db postgres] [--ops 2000] [--top 25]
    .venv/bin/python bench/write_profile.py --code /work/before5   # another tree

Per kind (add, edit): CPU per operation (``time.process_time``, mean and median, a pass
without profiler), SQL statements per operation and Python function calls per operation
(cProfile's count, a second pass: deterministic). ``--top`` prints the functions with the
most own time in the profiled pass; ``--texts realistic`` writes board-like sentences (with
capitals: the personal-data rules and, for some, the model run) instead of the fan-out
bench's ``fb <tag> <time>``. Threading mode, one call at a time."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCRIPT = """
format: 1
id: bench
title: Plénière (benchmark)
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns: [{id: idees, label: Idées}]
"""

#: board-like texts (the demo's kind of wording): capitals, accents, a structure named
REALISTIC = [
    "Créer un temps d'échange entre le collège et les parents avant la rentrée",
    "Manque de coordination entre la CAF, le centre social et la mairie",
    "Les familles ne connaissent pas les dispositifs du PRE",
    "Un référent unique par quartier pour le décrochage scolaire",
    "Ouvrir la médiathèque le samedi matin aux associations de parents",
    "Former les animateurs du périscolaire à l'accueil des enfants allophones",
    "Mutualiser les locaux du centre social Jean-Jaurès pour l'aide aux devoirs",
    "Difficulté à joindre l'Éducation nationale pendant les vacances",
]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--ops", type=int, default=2000, help="adds, then as many edits")
    p.add_argument("--writers", type=int, default=30, help="participants connected, writing")
    p.add_argument("--top", type=int, default=0, help="print the N functions of most own time")
    p.add_argument("--texts", choices=["bench", "realistic"], default="bench")
    p.add_argument("--code", help="the tree to measure (default: this one)")
    p.add_argument("--no-profile", action="store_true", help="timing pass only")
    p.add_argument("--dump", help="save the profiles as DUMP.add and DUMP.edit (pstats)")
    p.add_argument("--log-level", default="WARNING", help="LOG_LEVEL (the benches: WARNING)")
    args = p.parse_args()
    logging.basicConfig(level=args.log_level, stream=open(os.devnull, "w"))  # noqa: SIM115
    if args.code:
        sys.path.insert(0, str(Path(args.code).resolve()))
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    folder = tempfile.mkdtemp(prefix="facilitator-write-")
    os.environ["FACILITATOR_INSTANCE"] = folder
    pg = None
    url = f"sqlite:///{folder}/bench.db"
    if args.db == "postgres":
        from bench import servers

        pg = servers.Postgres(fast=False).start()
        url = pg.create_database("write")
    try:
        out = run(args, folder, url)
    finally:
        if pg is not None:
            pg.stop()
    import facilitator

    out["code"] = str(Path(facilitator.__file__).resolve().parent.parent)
    print(json.dumps(out))


def run(args: argparse.Namespace, folder: str, url: str) -> dict[str, Any]:
    from sqlalchemy import event as sa_event

    from facilitator import create_app, db_migrate
    from facilitator.core import accounts, cycles, participants, steering, tokens
    from facilitator.core.events import Viewer
    from facilitator.extensions import db, socketio
    from facilitator.scripts import load_script_text

    app = create_app(
        {
            "SECRET_KEY": "bench-secret",
            "INSTANCE_PATH": folder,
            "SQLALCHEMY_DATABASE_URI": url,
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    ctx = app.app_context()
    ctx.push()
    db_migrate.upgrade()
    account = accounts.create_animateur("write@exemple.fr", "Animatrice", "mot-de-passe-bench")
    cycle = cycles.create_cycle(account, "Écriture", territoire="x")
    cycles.add_structure(cycle.id, "Structure de test", "association")
    db.session.commit()
    atelier = cycles.add_atelier(cycle, load_script_text(SCRIPT), title="A")
    steering.start(Viewer("animateur", atelier.id, animateur_id=account.id))
    step = atelier.steps[0].id
    structure = cycle.structures[0].id
    people = [
        participants.join(atelier, f"P{i}", structure_id=structure)[0] for i in range(args.writers)
    ]
    signed = [tokens.sign_socket_token({"r": "animateur", "a": atelier.id, "u": account.id})]
    signed += [
        tokens.sign_socket_token(tokens.participant_claims(atelier.id, p.id, p.token_hash))
        for p in people
    ]
    atelier_id = atelier.id
    db.session.remove()
    ctx.pop()
    clients = [socketio.test_client(app, auth={"token": t, "last_seq": 0}) for t in signed]
    assert all(c.is_connected() for c in clients), "a client was refused"
    with app.app_context():  # no refusal for the rate: the buckets still run
        state = app.extensions["facilitator.realtime"]
        for limiter in (state.per_connection, state.per_participant, state.per_animateur):
            limiter.rate = limiter.burst = 1e12
    writers = clients[1:]
    for c in clients:
        c.get_received()
    cards: list[dict[str, Any]] = []  # [{id, version}] per add, in order
    counter = [0]

    def text(i: int) -> str:
        if args.texts == "realistic":
            return REALISTIC[i % len(REALISTIC)] + f" ({i})"
        return f"fb tag{i} {time.monotonic():.3f}".replace(".", "k")

    def add(i: int) -> None:
        counter[0] += 1
        ack = writers[i % len(writers)].emit(
            "card_add",
            {
                "step_id": step,
                "client_id": f"w{counter[0]:07d}",
                "text": text(i),
                "column": "idees",
            },
            callback=True,
        )
        assert ack["ok"], ack
        cards.append({"id": ack["card"]["id"], "version": ack["card"]["version"], "w": i})

    def edit(i: int) -> None:
        card = cards[i % len(cards)]
        ack = writers[card["w"] % len(writers)].emit(
            "card_edit",
            {"card_id": card["id"], "version": card["version"], "text": text(i) + " bis"},
            callback=True,
        )
        assert ack["ok"], ack
        card["version"] = ack["card"]["version"]

    statements = [0]

    def seen(*_: Any) -> None:
        statements[0] += 1

    def drain() -> None:
        for c in clients:
            c.get_received()

    def timed(fn: Any, n: int) -> dict[str, float]:
        times = []
        for i in range(n):
            t = time.process_time()
            fn(i)
            times.append(time.process_time() - t)
            if i % 100 == 99:
                drain()
        drain()
        return {
            "cpu_ms_mean": round(statistics.fmean(times) * 1e3, 4),
            "cpu_ms_p50": round(statistics.median(times) * 1e3, 4),
        }

    def profiled(fn: Any, n: int, label: str) -> dict[str, float]:
        with app.app_context():
            engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", seen)
        statements[0] = 0
        prof = cProfile.Profile()
        for i in range(n):
            prof.enable()
            fn(i)
            prof.disable()
            if i % 100 == 99:
                drain()
        drain()
        sa_event.remove(engine, "before_cursor_execute", seen)
        stats = pstats.Stats(prof)
        if args.dump:
            stats.dump_stats(f"{args.dump}.{label}")
        if args.top:
            buf = io.StringIO()
            stats.stream = buf
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top * 2)
            print(f"--- {label} ---\n{buf.getvalue()}", file=sys.stderr)
        return {
            "sql_per_op": round(statements[0] / n, 3),
            "calls_per_op": round(stats.total_calls / n, 1),
        }

    warm = min(100, args.ops)
    for i in range(warm):
        add(i)
    for i in range(warm):
        edit(i)
    out: dict[str, Any] = {"db": args.db, "ops": args.ops, "texts": args.texts}
    out["add"] = timed(add, args.ops)
    out["edit"] = timed(edit, args.ops)
    if not args.no_profile:
        out["add"].update(profiled(add, min(args.ops, 500), "add"))
        out["edit"].update(profiled(edit, min(args.ops, 500), "edit"))
    for c in clients:
        c.disconnect()
    out["atelier"] = atelier_id
    return out


if __name__ == "__main__":
    main()
