"""``bench.run overload``: more clients than the servers take (``MAX_CONNECTIONS`` per process).

    .venv/bin/python -m bench.run overload --server gunicorn --procs 2 --db postgres \\
        --ateliers 40 --participants 25 --max-connections 400 --duration 20

Every client tries to join; beyond a process's ``MAX_CONNECTIONS`` the server refuses with
« Le serveur est complet, nouvel essai dans N s » and a ``retry_ms`` it draws, and the client
comes back after that delay, as static/js/live.js does (``SERVER_FULL_RETRY_MS`` 3 s here).
The connected ones post cards meanwhile: their p99, and whether every acknowledged card
reached every client connected in its atelier (``lost``). Then a tenth of the connected
clients leave: the waiting ones get in on a later retry (``admitted_after_leave``)."""

from __future__ import annotations

import time
from pathlib import Path

from bench.harness import Generators, Servers, pct
from bench.scenarios import client_specs, posters_and_steps


def scenario_overload(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(args.ateliers, args.participants)
    specs = client_specs(data, srv.urls)
    per_proc = args.max_connections or int(0.8 * len(specs) / args.procs)
    srv.env["MAX_CONNECTIONS"] = str(per_proc)
    srv.env["SERVER_FULL_RETRY_MS"] = "3000"
    srv.start()
    stats = srv.stats()
    t0 = time.monotonic()
    gens = Generators(
        folder, specs, args.clients_procs, impl=args.client, deflate=args.deflate, overload=True
    )
    # joins waiting for their turn count against MAX_CONNECTIONS (``admitting``): some are
    # refused early and get in on a retry. The cards start once the count stops growing,
    # so that the clients counted in an atelier were there for all of its cards.
    before, last, since = gens.all({"do": "status"}), -1, time.monotonic()
    while time.monotonic() - since < 5 and time.monotonic() - t0 < 60:
        time.sleep(0.5)
        before = gens.all({"do": "status"})
        if sum(s["connected"] for s in before) != last:
            last, since = sum(s["connected"] for s in before), time.monotonic()
    join = since - t0
    posters, step = posters_and_steps(data, args.posting)
    cmd = {"do": "cards", "duration": args.duration, "rate": args.rate, "posters": posters,
           "step": step, "column": "idees", "drain": 2.0}  # fmt: skip
    cpu0, w0 = stats.cpu(), time.monotonic()
    results = gens.all(cmd)
    server_cpu = (stats.cpu() - cpu0) / (time.monotonic() - w0)
    during = gens.all({"do": "status"})
    # places free up: a tenth of the connected leave; the refused come back on a retry
    connected = sum(s["connected"] for s in during)
    leave = max(1, connected // 10) // len(results)
    left = gens.all({"do": "leave", "n": leave, "keep": posters})
    time.sleep(8.0)  # > SERVER_FULL_RETRY_MS × 1.5 plus a join
    after = gens.all({"do": "status"})
    gens.close()

    connected_in: dict[str, int] = {}
    for r in results:
        for atelier, n in r["connected_by_atelier"].items():
            connected_in[atelier] = connected_in.get(atelier, 0) + n
    atelier_of = {p["pid"]: str(at["atelier"]) for at in data["ateliers"]
                  for p in at["participants"]}  # fmt: skip
    lat: dict[str, list[float]] = {}
    acked: list[str] = []
    for r in results:
        acked += r["acked"]
        for tag, values in r["latency"].items():
            lat.setdefault(tag, []).extend(values)
    lost = 0
    for tag in acked:
        pid = int(tag.split("x")[1].translate(str.maketrans("abcdefghij", "0123456789")))
        lost += max(0, connected_in[atelier_of[pid]] - len(lat.get(tag, [])))
    deliveries = [v for values in lat.values() for v in values]
    left_at = min(x["at"] for x in left)
    late = [t - left_at for s in after for t in s["admitted_late"] if t >= left_at]
    return {
        "clients": len(specs),
        "max_connections_per_proc": per_proc,
        "join_s": join,  # until the count stopped growing (the last admissions)
        "connected": sum(s["connected"] for s in before),
        "refused_at_join": sum(s["refusals"] for s in before),
        "refusals_total": sum(s["refusals"] for s in after),
        "refusal_message": sorted({m for s in after for m in s["refusal_sample"]})[:2],
        "cards": len(acked),
        "deliveries": len(deliveries),
        "p50": pct(deliveries, 50) * 1e3,
        "p95": pct(deliveries, 95) * 1e3,
        "p99": pct(deliveries, 99) * 1e3,
        "ack_p99": pct([a for r in results for a in r["acks"]], 99) * 1e3,
        "lost": lost,
        "dup": sum(r["dup"] for r in results),
        "errors": sum(r["n_errors"] for r in results),
        "error_sample": [e for r in results for e in r["errors"]][:5],
        "server_cpu": server_cpu * 100,
        "left": sum(x["left"] for x in left),
        "admitted_after_leave": len(late),
        "admitted_after_leave_p50_s": pct(late, 50),
        "connected_at_end": sum(s["connected"] for s in after),
    }
