"""The scenarios of bench/run.py: each sets its data up, starts the servers, drives the
clients and returns one result row."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from bench.harness import PY, Generators, Servers, pct
from bench.procstat import machine_busy


def client_specs(data: dict, urls: list[str]) -> list[dict]:
    specs, i = [], 0
    for at in data["ateliers"]:
        people = [(None, at["anim"])] + [(p["pid"], p["token"]) for p in at["participants"]]
        for pid, token in people:
            specs.append({"url": urls[i % len(urls)], "token": token, "pid": pid,
                          "atelier": at["atelier"]})  # fmt: skip
            i += 1
    return specs


def posters_and_steps(data: dict, posting: float) -> tuple[list[int], dict[str, int]]:
    """Who posts (the first ``posting`` share of each atelier's participants, at least one)
    and the step they post to, per atelier (the ``cards`` command of the generators)."""
    posters: list[int] = []
    step: dict[str, int] = {}
    for at in data["ateliers"]:
        n_post = max(1, round(len(at["participants"]) * posting))
        posters += [p["pid"] for p in at["participants"][:n_post]]
        step[str(at["atelier"])] = at["steps"]["idees"]
    return posters, step


def scenario_groups(args, srv: Servers, folder: Path) -> dict:
    """``room`` with the step in sub-groups (issue 18): a card reaches its group's members
    and the animateur only; p99 for the members and for the animateur's console."""
    args.groups = args.groups or 30
    return scenario_cards(args, srv, folder)


def scenario_form(args, srv: Servers, folder: Path) -> dict:
    """Forming groups with everyone connected (issue 18): the animateur forms ``--groups``
    random groups of the ``--participants`` present; from its call to each participant
    showing its group (its ``groups.mine``, or the snapshot it reads again), and the server's
    CPU meanwhile."""
    args.groups, args.unformed = args.groups or 30, True
    data = srv.setup(args.ateliers, args.participants)
    srv.start()
    stats = srv.stats()
    specs = client_specs(data, srv.urls)
    gens = Generators(folder, specs, args.clients_procs, impl=args.client, deflate=args.deflate)
    time.sleep(1.5)  # presence coalescing settles
    step = {str(at["atelier"]): at["steps"]["idees"] for at in data["ateliers"]}
    cpu0, w0, m0 = stats.cpu(), time.monotonic(), machine_busy()
    results = gens.all({"do": "form", "step": step, "timeout": 60})
    wall = time.monotonic() - w0
    server_cpu_s = stats.cpu() - cpu0
    m1 = machine_busy()
    gens.close()
    sent = next(r["sent"] for r in results if r["sent"] is not None)
    shown = [t - sent for r in results for t in r["shown"]]
    members = sum(r["members"] for r in results)
    gen_cpu = sum(r["cpu"] for r in results)
    return {
        "groups": args.groups,
        "shown": len(shown),
        "missing": members - len(shown),
        "p50": pct(shown, 50) * 1e3,
        "p95": pct(shown, 95) * 1e3,
        "p99": pct(shown, 99) * 1e3,
        "max": max(shown, default=float("nan")) * 1e3,
        "server_cpu_s": server_cpu_s,
        "others_cpu": ((m1[0] - m0[0]) - server_cpu_s - gen_cpu) / wall * 100,
        "errors": sum(r["n_errors"] for r in results),
        "error_sample": [e for r in results for e in r["errors"]][:5],
    }


def scenario_cards(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(args.ateliers, args.participants)
    srv.start()
    stats = srv.stats()
    time.sleep(1.0)
    rss_idle = stats.rss()
    specs = client_specs(data, srv.urls)
    t0 = time.monotonic()
    gens = Generators(folder, specs, args.clients_procs, impl=args.client, deflate=args.deflate)
    join = time.monotonic() - t0
    time.sleep(1.5)  # presence coalescing settles
    rss_conn = stats.rss()
    posters, step = posters_and_steps(data, args.posting)
    expected_of = {}
    for at in data["ateliers"]:
        # who gets a participant's card: everyone, or (sub-groups) its group and the animateur
        sizes: dict[object, int] = {}
        for p in at["participants"]:
            sizes[p.get("group")] = sizes.get(p.get("group"), 0) + 1
        for p in at["participants"]:
            group = p.get("group")
            everyone = len(at["participants"]) + 1
            expected_of[p["pid"]] = everyone if group is None else sizes[group] + 1
    cmd = {"do": "cards", "duration": args.duration, "rate": args.rate, "posters": posters,
           "step": step, "column": "idees", "drain": 2.0,
           "step_every": getattr(args, "step_every", 0)}  # fmt: skip
    cpu0, w0, m0, rq0 = stats.cpu(), time.monotonic(), machine_busy(), stats.run_wait()
    results = gens.all(cmd)
    wall = time.monotonic() - w0
    server_cpu = (stats.cpu() - cpu0) / wall
    # time the server was ready to run but had no CPU (others' load on a shared machine)
    server_cpu_wait = (stats.run_wait() - rq0) / wall
    m1 = machine_busy()
    gens.close()
    lat: dict[str, list[float]] = {}
    acked: list[str] = []
    for r in results:
        acked += r["acked"]
        for tag, values in r["latency"].items():
            lat.setdefault(tag, []).extend(values)
    deliveries = [v for values in lat.values() for v in values]
    anim = [v for r in results for v in r.get("anim_latency", [])]
    members = [v for r in results for v in r.get("member_latency", [])]
    per_event, lost = [], 0
    for tag in acked:
        pid = int(tag.split("x")[1].translate(str.maketrans("abcdefghij", "0123456789")))
        expected = expected_of[pid]
        got = lat.get(tag, [])
        lost += max(0, expected - len(got))
        if len(got) >= expected:
            per_event.append(max(got))
    gen_cpu = sum(r["cpu"] for r in results) / max(r["wall"] for r in results)
    steps = step_latencies(results, sum(len(at["participants"]) + 1 for at in data["ateliers"]))
    # everything else running on the machine meanwhile (in cores): not ours to control
    others = (m1[0] - m0[0]) / wall - server_cpu - gen_cpu
    return {
        "others_cpu": others * 100,
        "server_cpu_wait": server_cpu_wait * 100,
        "clients": len(specs),
        "cards": len(acked),
        "deliveries": len(deliveries),
        "p50": pct(deliveries, 50) * 1e3,
        "p95": pct(deliveries, 95) * 1e3,
        "p99": pct(deliveries, 99) * 1e3,
        "max": max(deliveries, default=float("nan")) * 1e3,
        "members_p50": pct(members, 50) * 1e3,
        "members_p99": pct(members, 99) * 1e3,
        "anim_p50": pct(anim, 50) * 1e3,
        "anim_p99": pct(anim, 99) * 1e3,
        "all_p50": pct(per_event, 50) * 1e3,
        "all_p99": pct(per_event, 99) * 1e3,
        "ack_p99": pct([a for r in results for a in r["acks"]], 99) * 1e3,
        "lost": lost,
        "dup": sum(r["dup"] for r in results),
        "gen_lag_p99": max(r["loop_lag_p99"] for r in results) * 1e3,
        "gen_lag_max": max(r["loop_lag_max"] for r in results) * 1e3,
        "stale": sum(r["stale"] for r in results),
        "errors": sum(r["n_errors"] for r in results),
        "error_sample": [e for r in results for e in r["errors"]][:5],
        "server_cpu": server_cpu * 100,
        "gen_cpu": gen_cpu * 100,
        "join_s": join,
        "rss_idle_mb": rss_idle / 2**20,
        "kb_per_client": (rss_conn - rss_idle) / len(specs) / 1024,
        **steps,
    }


def step_latencies(results: list[dict], clients: int) -> dict:
    """The follow-me step changes of the run (``--step-every``): from the animateur's call to
    each client's reception of its step.changed, every client of the atelier counted (one
    atelier: the step scenario)."""
    sent: dict[str, float] = {}
    recv: dict[str, list[float]] = {}
    for r in results:
        sent.update(r.get("step_sent", {}))
        for seq, times in r.get("step_recv", {}).items():
            recv.setdefault(seq, []).extend(times)
    if not sent:
        return {}
    lat = [t - at for seq, at in sent.items() for t in recv.get(seq, [])]
    return {
        "steps": len(sent),
        "step_p50": pct(lat, 50) * 1e3,
        "step_p95": pct(lat, 95) * 1e3,
        "step_p99": pct(lat, 99) * 1e3,
        "step_lost": sum(max(0, clients - len(recv.get(seq, []))) for seq in sent),
    }


def scenario_step(args, srv: Servers, folder: Path) -> dict:
    """A room posting cards (as ``room``) while the animateur moves everyone to the step
    every ``--step-every`` s (default 1): step.changed latency next to a card's, same run."""
    args.step_every = args.step_every or 1.0
    return scenario_cards(args, srv, folder)


def scenario_votes(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(1, args.participants, vote_cards=args.vote_cards)
    srv.start()
    stats = srv.stats()
    specs = client_specs(data, srv.urls)
    gens = Generators(folder, specs, args.clients_procs, impl=args.client, deflate=args.deflate)
    time.sleep(1.5)
    cards = data["ateliers"][0]["vote_cards"]
    cpu0, w0 = stats.cpu(), time.monotonic()
    results = gens.all({"do": "votes", "cards": cards, "window": args.window, "drain": 3.0})
    server_cpu = (stats.cpu() - cpu0) / (time.monotonic() - w0)
    gens.close()
    final = stored_tallies(srv, cards)
    last_sent = max(r["last_sent"] for r in results)
    shown, wrong = [], 0
    for r in results:
        for tallies, at in zip(r["tallies"], r["tally_at"], strict=True):
            if any(tallies.get(str(c), 0) != final.get(c, 0) for c in cards):
                wrong += 1
                continue
            times = [at[str(c)] for c in cards if str(c) in at]
            shown.append(max(times) - last_sent)
    votes_ok = sum(r["votes_ok"] for r in results)
    return {
        "clients": len(specs),
        "votes_ok": votes_ok,
        "votes_stored": sum(final.values()),
        "final_after_last_ms": max(shown, default=float("nan")) * 1e3,
        "clients_wrong": wrong,
        "ack_p99": pct([a for r in results for a in r["acks"]], 99) * 1e3,
        "errors": sum(r["n_errors"] for r in results),
        "error_sample": [e for r in results for e in r["errors"]][:5],
        "server_cpu": server_cpu * 100,
        "gen_cpu": sum(r["cpu"] for r in results) / max(r["wall"] for r in results) * 100,
    }


def stored_tallies(srv: Servers, cards: list[int]) -> dict[int, int]:
    code = (
        "import json,sys\n"
        "from facilitator import create_app\n"
        "try:\n"  # --code may name a tree from before the house (issue 13)
        "    from facilitator.core.visibility import tallies\n"
        "except ImportError:\n"
        "    from facilitator.services.views import tallies\n"
        "from facilitator.models import Contribution\n"
        "from facilitator.extensions import db\n"
        "app = create_app({'SOCKETIO_ASYNC_MODE': 'threading'})\n"
        "with app.app_context():\n"
        "    c = db.session.get(Contribution, int(sys.argv[1]))\n"
        "    print(json.dumps(tallies([c.step_id])))\n"
    )
    out = subprocess.run([PY, "-c", code, str(cards[0])], env=srv.env, cwd=srv.code, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return {int(k): v for k, v in json.loads(out.strip().splitlines()[-1]).items()}


def scenario_join(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(args.ateliers, args.participants)  # --ateliers: many rooms at once
    srv.start()
    stats = srv.stats()
    time.sleep(1.0)
    rss_idle = stats.rss()
    specs = client_specs(data, srv.urls)
    cpu0 = stats.cpu()
    gens = Generators(folder, specs, args.clients_procs, impl=args.client, deflate=args.deflate)
    join = max(g["join"] for g in gens.ready)
    time.sleep(1.5)
    rss_conn = stats.rss()
    server_cpu_s = stats.cpu() - cpu0
    ready = sum(g["ready"] for g in gens.ready)
    gens.close()
    return {
        "clients": len(specs),
        "synced": ready,
        "join_s": join,
        "server_cpu_s": server_cpu_s,
        "server_cpu_ms_per_join": server_cpu_s / len(specs) * 1e3,
        "kb_per_client": (rss_conn - rss_idle) / len(specs) / 1024,
    }


def scenario_restart(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(1, args.participants)
    srv.start()
    specs = client_specs(data, srv.urls)
    gens = Generators(
        folder, specs, args.clients_procs, reconnect=True, impl=args.client, deflate=args.deflate
    )
    time.sleep(1.5)
    # a change while the server is down would be missed: all must resync to the current seq
    seq = current_seq(srv, data["ateliers"][0]["atelier"])
    gens.all({"do": "expect", "seq": seq})
    t_kill = time.monotonic()
    srv.stop()
    srv.start(settle=False)  # "up" = accepting connections, warm or not (the model loads)
    t_up = time.monotonic()
    res = gens.all({"do": "wait_resync", "timeout": 30})
    gens.close()
    times = sorted(t for r in res for t in r["resynced"])
    n = sum(r["n"] for r in res)
    return {
        "clients": n,
        "resynced": len(times),
        "down_s": t_up - t_kill,
        "all_after_up_s": (times[-1] - t_up) if len(times) == n else float("nan"),
        "p50_after_up_s": (pct(times, 50) - t_up) if times else float("nan"),
        "all_after_kill_s": (times[-1] - t_kill) if len(times) == n else float("nan"),
    }


def current_seq(srv: Servers, atelier_id: int) -> int:
    code = (
        "import sys\nfrom facilitator import create_app\n"
        "try:\n"
        "    from facilitator.core.events import current_seq\n"
        "except ImportError:\n"
        "    from facilitator.services.events import current_seq\n"
        "app = create_app({'SOCKETIO_ASYNC_MODE': 'threading'})\n"
        "with app.app_context():\n    print(current_seq(int(sys.argv[1])))\n"
    )
    out = subprocess.run([PY, "-c", code, str(atelier_id)], env=srv.env, cwd=srv.code, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return int(out.strip().splitlines()[-1])


SCENARIOS = {
    "room": scenario_cards,
    "step": scenario_step,
    "multi": scenario_cards,
    "votes": scenario_votes,
    "join": scenario_join,
    "restart": scenario_restart,
    "groups": scenario_groups,
    "form": scenario_form,
}
