"""Benchmark harness: real servers, real Socket.IO clients in separate processes.

    .venv/bin/python -m bench.run room --participants 300 --repeat 3
    .venv/bin/python -m bench.run multi --ateliers 40 --participants 25
    .venv/bin/python -m bench.run votes --participants 300
    .venv/bin/python -m bench.run join --participants 500 [--cards 300]
    .venv/bin/python -m bench.run restart --participants 300
    .venv/bin/python -m bench.run groups --participants 300 --groups 30
    .venv/bin/python -m bench.run form --participants 300 --groups 30   (forming them)
    .venv/bin/python -m bench.run step --participants 300 [--step-every 1]
    .venv/bin/python -m bench.run overload --server gunicorn --procs 2 --db postgres \
        --ateliers 40 --participants 25 [--max-connections 400]   (bench/overload.py)
    .venv/bin/python -m bench.run rolling --participants 500 --duration 40
        (2 gunicorn processes + PostgreSQL + Redis behind nginx, one restarted then the
        other: bench/rolling.py)
    options: --server embedded|gunicorn  --procs P  --worker gevent-websocket|gevent
             --db sqlite|postgres  --code DIR (another checkout, e.g. a git worktree of
             the previous commit: "before" figures)  --clients-procs W  --duration S

Everything listens on 127.0.0.1 only; every loop is bounded in time. One JSON line per run
is appended to bench/results/results.jsonl and a Markdown row is printed (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.harness import NICE, RESULTS, Servers
from bench.overload import scenario_overload
from bench.procstat import wait_quiet
from bench.rolling import scenario_rolling
from bench.scenarios import SCENARIOS

__all__ = ["RESULTS", "main"]


def label(args) -> str:
    setup = "embedded" if args.server == "embedded" else f"gunicorn×{args.procs} {args.worker}"
    if args.server == "embedded" and args.procs > 1:
        setup = f"run.py×{args.procs}"
    code = "" if not args.code else f" [{Path(args.code).name}]"
    if args.client != "lean":
        code += f" ({args.client} clients)"
    if args.deflate:
        code += " (clients offer deflate)"
    if args.cards:
        code += f" ({args.cards} cards)"
    if getattr(args, "groups", 0) or args.scenario in ("groups", "form"):
        code += f" ({args.groups or 30} groups)"
    return f"{setup}, {args.db}{' + redis' if args.procs > 1 or args.redis else ''}{code}"


def main() -> None:
    p = argparse.ArgumentParser()
    SCENARIOS["overload"] = scenario_overload
    SCENARIOS["rolling"] = scenario_rolling
    p.add_argument("scenario", choices=SCENARIOS)
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--ateliers", type=int, default=1)
    p.add_argument("--posting", type=float, default=0.10)
    p.add_argument("--rate", type=float, default=0.5)
    p.add_argument("--duration", type=float, default=30)
    p.add_argument("--window", type=float, default=5.0)
    p.add_argument("--vote-cards", type=int, default=30)
    p.add_argument("--cards", type=int, default=0, help="cards on the board before the run")
    p.add_argument("--groups", type=int, default=0, help="sub-groups of the posting step")
    p.add_argument("--step-every", type=float, default=0,
                   help="step scenario: the animateur changes step every S s")  # fmt: skip
    p.add_argument("--server", choices=["embedded", "gunicorn"], default="embedded")
    p.add_argument("--worker", choices=["gevent-websocket", "gevent"], default="gevent-websocket")
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument(
        "--max-connections", type=int, default=0, help="overload: MAX_CONNECTIONS per process"
    )
    p.add_argument("--redis", action="store_true", help="use Redis even with one process")
    p.add_argument("--code", help="server code from another checkout (before/after)")
    p.add_argument("--clients-procs", type=int, default=2)
    p.add_argument("--client", choices=["lean", "python-socketio"], default="lean")
    p.add_argument("--deflate", action="store_true", help="clients offer permessage-deflate")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--tag", default="")
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=0,
        help="wait up to S seconds for the machine to be idle before each run",
    )
    p.add_argument("--nice", type=int, default=0, help="run server and clients at this nice")
    p.add_argument(
        "--rt",
        action="store_true",
        help="server and clients under SCHED_RR (root): other jobs on a shared machine then "
        "only get the CPU they leave",
    )
    args = p.parse_args()
    if args.nice:
        NICE[:] = ["nice", "-n", str(args.nice)]
    if args.rt:
        NICE[:] = ["chrt", "-r", "10"]
    if args.scenario == "rolling":  # what it measures: the production setup behind nginx
        args.server, args.procs, args.db = "gunicorn", 2, "postgres"
    if args.scenario == "multi" and args.ateliers == 1:
        args.ateliers, args.participants = 40, 25
    RESULTS.mkdir(exist_ok=True)
    for i in range(args.repeat):
        quiet = wait_quiet(timeout=args.quiet_wait) if args.quiet_wait else None
        with tempfile.TemporaryDirectory(prefix="facilitator-bench-") as tmp:
            srv = Servers(args, Path(tmp))
            try:
                result = SCENARIOS[args.scenario](args, srv, Path(tmp))
            finally:
                srv.close()
        row = {"scenario": args.scenario, "setup": label(args), "n": args.participants,
               "ateliers": args.ateliers, "run": i + 1, "tag": args.tag,
               "at": time.strftime("%Y-%m-%d %H:%M:%S"), "busy_before": quiet,
               **result}  # fmt: skip
        with open(RESULTS / "results.jsonl", "a") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps({k: (round(v, 2) if isinstance(v, float) else v)
                          for k, v in row.items()}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
