"""``bench.run rolling``: a rolling restart behind nginx while a room posts cards.

    .venv/bin/python -m bench.run rolling --participants 500 --duration 40

Two gunicorn processes of deploy/gunicorn.conf.py, PostgreSQL (durable), Redis, and nginx
configured from deploy/nginx.conf (bench/nginx.py); every client connects THROUGH nginx.
``ip_hash`` hashes the first three octets of the address: all of 127.0.0.1 goes to one
process, so each restart moves every client. 10 % of the participants post at 0.5 Hz (as
``room``). At a fifth of the run the process holding the clients gets SIGTERM (what
``systemctl restart`` sends) and is started again; once it answers, and at least 40 % into
the run, the other one. Per restart: the clients told ``restart``, and from the SIGTERM to
each moved client's resync (its ``sync`` after the drop, replay or snapshot): p50/p95/max;
every acknowledged card counted at every client of its atelier, live or replayed (``lost``,
``dup``); what nginx answered (5xx)."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from bench.harness import Generators, Servers, pct, wait_http
from bench.nginx import Nginx
from bench.scenarios import client_specs, posters_and_steps


def established(port: int) -> int:
    """TCP connections established to 127.0.0.1:``port`` (the server's side)."""
    count = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            local, _, state = line.split()[1:4]
            if state == "01" and int(local.split(":")[1], 16) == port:
                count += 1
    return count


def restart_one(srv: Servers, i: int) -> tuple[float, float, float]:
    """SIGTERM to process ``i``, then the same command again: (SIGTERM, exited, answering)."""
    old = srv.procs[i]
    t_term = time.monotonic()
    old.terminate()
    old.wait(30)
    t_exit = time.monotonic()
    port = srv.ports[i]
    env = {**srv.env, "PORT": str(port), "BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "warning"}
    with open(srv.folder / f"server-{port}.log", "ab") as log:
        srv.procs[i] = subprocess.Popen(old.args, env=env, cwd=srv.code, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
    wait_http(url, srv.procs[i], srv.folder / f"server-{port}.log")
    return t_term, t_exit, time.monotonic()


def scenario_rolling(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(args.ateliers, args.participants)
    srv.start()
    nginx = Nginx(srv.ports).start()
    try:
        return _run(args, srv, folder, data, nginx)
    finally:
        # kept for a post-mortem with the servers' logs (Servers.close: results/last-logs)
        (folder / "server-nginx-error.log").write_text(nginx.errors())
        nginx.stop()


def _run(args, srv: Servers, folder: Path, data: dict, nginx: Nginx) -> dict:
    specs = client_specs(data, [nginx.url])
    t0 = time.monotonic()
    gens = Generators(folder, specs, args.clients_procs, reconnect=True, impl="lean")
    join = time.monotonic() - t0
    gens.all({"do": "track"})
    time.sleep(1.5)
    counts = [established(p) for p in srv.ports]
    holder = counts.index(max(counts))
    posters, step = posters_and_steps(data, args.posting)
    cmd = {"do": "cards", "duration": args.duration, "rate": args.rate, "posters": posters,
           "step": step, "column": "idees", "drain": 3.0}  # fmt: skip
    out: list[list[dict]] = []
    cards = threading.Thread(target=lambda: out.append(gens.all(cmd)))
    w0 = time.monotonic()
    cards.start()
    restarts = []
    time.sleep(args.duration * 0.2)
    restarts.append(restart_one(srv, holder))
    time.sleep(max(1.0, w0 + args.duration * 0.4 - time.monotonic()))
    restarts.append(restart_one(srv, 1 - holder))
    cards.join(args.duration + 120)
    results = out[0]
    moves = gens.all({"do": "moves"})
    gens.close()
    return summarize(data, specs, counts, restarts, results, moves, nginx, join)


def summarize(data, specs, counts, restarts, results, moves, nginx: Nginx, join) -> dict:
    clients = [c for m in moves for c in m["moves"]]
    per_restart = []
    for k, (t_term, t_exit, t_up) in enumerate(restarts):
        end = restarts[k + 1][0] if k + 1 < len(restarts) else float("inf")
        told = [c for c in clients if any(t_term <= t < end for t in c["told"])]
        moved = [c for c in clients if any(t_term <= t < end for t in c["dropped"])]
        resync, modes, missing = [], {"replay": 0, "snapshot": 0}, 0
        for c in moved:
            after = [s for s in c["synced"] if s[0] >= t_term]
            if not after:
                missing += 1
                continue
            resync.append(after[0][0] - t_term)
            modes[after[0][1]] += 1
        per_restart.append({
            "told": len(told), "moved": len(moved), "not_resynced": missing,
            "exit_s": t_exit - t_term, "up_s": t_up - t_term,
            "resync_p50_s": pct(resync, 50), "resync_p95_s": pct(resync, 95),
            "resync_max_s": max(resync, default=float("nan")), **modes,
        })  # fmt: skip
    # every acknowledged card, at every client of its atelier: applied once, live or replayed
    applications: dict[str, int] = {}
    for m in moves:
        for tag, n in m["applications"].items():
            applications[tag] = applications.get(tag, 0) + n
    in_atelier = {str(at["atelier"]): len(at["participants"]) + 1 for at in data["ateliers"]}
    atelier_of = {p["pid"]: str(at["atelier"]) for at in data["ateliers"]
                  for p in at["participants"]}  # fmt: skip
    acked = [tag for r in results for tag in r["acked"]]
    lost = dup = 0
    for tag in acked:
        pid = int(tag.split("x")[1].translate(str.maketrans("abcdefghij", "0123456789")))
        n, expected = applications.get(tag, 0), in_atelier[atelier_of[pid]]
        lost += max(0, expected - n)
        dup += max(0, n - expected)
    log = nginx.requests()
    status: dict[str, int] = {}
    for r in log:
        status[r["status"]] = status.get(r["status"], 0) + 1
    lat = [v for r in results for values in r["latency"].values() for v in values]
    return {
        "clients": len(specs),
        "join_s": join,
        "holder_connections": max(counts),
        "other_connections": min(counts),
        "restarts": per_restart,
        "cards": len(acked),
        "lost": lost,
        "lost_to_sync_race": sum(m["raced"] for m in moves),
        "dup": dup,
        "unacked": sum(r["n_errors"] for r in results),
        "error_sample": [e for r in results for e in r["errors"]][:5],
        "p50": pct(lat, 50) * 1e3,
        "p99": pct(lat, 99) * 1e3,
        "nginx_status": status,
        "nginx_5xx": sum(n for s, n in status.items() if s.startswith("5")),
        "connected_at_end": sum(m["connected"] for m in moves),
    }
