"""Benchmark harness: real servers, real Socket.IO clients in separate processes.

    .venv/bin/python -m bench.run room --participants 300 --repeat 3
    .venv/bin/python -m bench.run multi --ateliers 40 --participants 25
    .venv/bin/python -m bench.run votes --participants 300
    .venv/bin/python -m bench.run join --participants 500
    .venv/bin/python -m bench.run restart --participants 300
    options: --server embedded|gunicorn  --procs P  --worker gevent-websocket|gevent
             --db sqlite|postgres  --code DIR (another checkout, e.g. a git worktree of
             the previous commit: "before" figures)  --clients-procs W  --duration S

Everything listens on 127.0.0.1 only; every loop is bounded in time. One JSON line per run
is appended to bench/results/results.jsonl and a Markdown row is printed (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import servers
from bench.procstat import ProcGroup, machine_busy, wait_quiet

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results"
#: --nice: server and clients ahead of whatever else shares the machine (needs root)
NICE: list[str] = []


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


class Servers:
    """The server processes under test (and the PostgreSQL/Redis they use)."""

    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args, self.folder = args, folder
        self.instance = folder / "instance"
        self.instance.mkdir()
        self.pg = self.redis = None
        self.env = {
            **os.environ,
            "FACILITATOR_INSTANCE": str(self.instance),
            "SEED_DEMO": "0",
            "LOG_LEVEL": "WARNING",
            "HOST": "127.0.0.1",
        }
        self.env.pop("SOCKETIO_ASYNC_MODE", None)
        if args.db == "postgres":
            self.pg = servers.Postgres(fast=False).start()
            self.env["DATABASE_URL"] = self.pg.create_database("bench")
        if args.procs > 1 or args.redis:
            self.redis = servers.Redis().start()
            self.env["REDIS_URL"] = self.redis.url
        self.code = Path(args.code).resolve() if args.code else ROOT
        if self.code != ROOT:
            self.env["PYTHONPATH"] = str(self.code)
        self.ports = [servers.free_port() for _ in range(args.procs)]
        self.procs: list[subprocess.Popen] = []

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def setup(self, ateliers: int, participants: int, vote_cards: int = 0) -> dict:
        out = self.folder / "data.json"
        cmd = [PY, "-m", "bench.setup", str(out), "--ateliers", str(ateliers),
               "--participants", str(participants), "--vote-cards", str(vote_cards)]  # fmt: skip
        subprocess.run(cmd, env=self.env, cwd=ROOT, check=True)
        return json.loads(out.read_text())

    def start(self) -> None:
        self.procs = []
        for port in self.ports:
            log = open(self.folder / f"server-{port}.log", "ab")  # noqa: SIM115
            env = {**self.env, "PORT": str(port)}
            if self.args.server == "embedded":
                cmd = [PY, str(self.code / "run.py")]
            else:
                worker = {
                    "gevent-websocket": "geventwebsocket.gunicorn.workers.GeventWebSocketWorker",
                    "gevent": "gevent",
                }[self.args.worker]
                cmd = [str(Path(PY).parent / "gunicorn"), "-k", worker, "-w", "1",
                       "--bind", f"127.0.0.1:{port}", "--no-control-socket",
                       "--worker-connections", "2000", "--log-level", "warning",
                       "--chdir", str(self.code), "facilitator:create_app()"]  # fmt: skip
            cmd = NICE + cmd
            self.procs.append(subprocess.Popen(cmd, env=env, cwd=self.code, stdout=log, stderr=log))
            log.close()
        for port, proc in zip(self.ports, self.procs, strict=True):
            wait_http(f"http://127.0.0.1:{port}/", proc, self.folder / f"server-{port}.log")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def close(self) -> None:
        self.stop()
        logs = RESULTS / "last-logs"  # the server logs of the last run, for a post-mortem
        logs.mkdir(parents=True, exist_ok=True)
        for old in logs.glob("*.log"):
            old.unlink()
        for log in self.folder.glob("server-*.log"):
            shutil.copy(log, logs / log.name)
        if self.redis:
            self.redis.stop()
        if self.pg:
            self.pg.stop()

    def stats(self) -> ProcGroup:
        return ProcGroup([p.pid for p in self.procs])


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server died:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server not ready:\n{log.read_text()[-3000:]}")


class Generators:
    """W client processes; clients are dealt round-robin (and across server processes)."""

    def __init__(
        self, folder: Path, specs: list[dict], n: int, reconnect: bool = False, impl: str = "lean"
    ) -> None:
        self.procs: list[subprocess.Popen] = []
        for w in range(n):
            job = {"clients": specs[w::n], "reconnect": reconnect, "concurrency": 100,
                   "impl": impl}  # fmt: skip
            path = folder / f"job-{w}.json"
            path.write_text(json.dumps(job))
            self.procs.append(
                subprocess.Popen(
                    [*NICE, PY, "-m", "bench.client", str(path)],
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
            )
        self.ready = [self.read(p) for p in self.procs]

    @staticmethod
    def read(proc: subprocess.Popen) -> dict:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("a client process died")
        return json.loads(line)

    def all(self, cmd: dict) -> list[dict]:
        for p in self.procs:
            p.stdin.write(json.dumps(cmd) + "\n")
            p.stdin.flush()
        return [self.read(p) for p in self.procs]

    def close(self) -> None:
        for p in self.procs:
            try:
                p.stdin.write('{"do": "quit"}\n')
                p.stdin.flush()
            except OSError:
                pass
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def client_specs(data: dict, urls: list[str]) -> list[dict]:
    specs, i = [], 0
    for at in data["ateliers"]:
        people = [(None, at["anim"])] + [(p["pid"], p["token"]) for p in at["participants"]]
        for pid, token in people:
            specs.append({"url": urls[i % len(urls)], "token": token, "pid": pid,
                          "atelier": at["atelier"]})  # fmt: skip
            i += 1
    return specs


def scenario_cards(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(args.ateliers, args.participants)
    srv.start()
    stats = srv.stats()
    time.sleep(1.0)
    rss_idle = stats.rss()
    specs = client_specs(data, srv.urls)
    t0 = time.monotonic()
    gens = Generators(folder, specs, args.clients_procs, impl=args.client)
    join = time.monotonic() - t0
    time.sleep(1.5)  # presence coalescing settles
    rss_conn = stats.rss()
    posters, step, atelier_of, size = [], {}, {}, {}
    for at in data["ateliers"]:
        n_post = max(1, round(len(at["participants"]) * args.posting))
        posters += [p["pid"] for p in at["participants"][:n_post]]
        step[str(at["atelier"])] = at["steps"]["idees"]
        size[at["atelier"]] = len(at["participants"]) + 1
        for p in at["participants"]:
            atelier_of[p["pid"]] = at["atelier"]
    cmd = {"do": "cards", "duration": args.duration, "rate": args.rate, "posters": posters,
           "step": step, "column": "idees", "drain": 2.0}  # fmt: skip
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
    per_event, lost = [], 0
    for tag in acked:
        pid = int(tag.split("x")[1].translate(str.maketrans("abcdefghij", "0123456789")))
        expected = size[atelier_of[pid]]
        got = lat.get(tag, [])
        lost += max(0, expected - len(got))
        if len(got) >= expected:
            per_event.append(max(got))
    gen_cpu = sum(r["cpu"] for r in results) / max(r["wall"] for r in results)
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
    }


def scenario_votes(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(1, args.participants, vote_cards=args.vote_cards)
    srv.start()
    stats = srv.stats()
    specs = client_specs(data, srv.urls)
    gens = Generators(folder, specs, args.clients_procs, impl=args.client)
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
        "from facilitator.services.views import tallies\n"
        "from facilitator.models import Contribution\n"
        "from facilitator.extensions import db\n"
        "app = create_app({'SOCKETIO_ASYNC_MODE': 'threading'})\n"
        "with app.app_context():\n"
        "    c = db.session.get(Contribution, int(sys.argv[1]))\n"
        "    print(json.dumps(tallies([c.step_id])))\n"
    )
    out = subprocess.run([PY, "-c", code, str(cards[0])], env=srv.env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return {int(k): v for k, v in json.loads(out.strip().splitlines()[-1]).items()}


def scenario_join(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(1, args.participants)
    srv.start()
    stats = srv.stats()
    time.sleep(1.0)
    rss_idle = stats.rss()
    specs = client_specs(data, srv.urls)
    cpu0 = stats.cpu()
    gens = Generators(folder, specs, args.clients_procs, impl=args.client)
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
        "kb_per_client": (rss_conn - rss_idle) / len(specs) / 1024,
    }


def scenario_restart(args, srv: Servers, folder: Path) -> dict:
    data = srv.setup(1, args.participants)
    srv.start()
    specs = client_specs(data, srv.urls)
    gens = Generators(folder, specs, args.clients_procs, reconnect=True, impl=args.client)
    time.sleep(1.5)
    # a change while the server is down would be missed: all must resync to the current seq
    seq = current_seq(srv, data["ateliers"][0]["atelier"])
    gens.all({"do": "expect", "seq": seq})
    t_kill = time.monotonic()
    srv.stop()
    srv.start()
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
        "from facilitator.services.events import current_seq\n"
        "app = create_app({'SOCKETIO_ASYNC_MODE': 'threading'})\n"
        "with app.app_context():\n    print(current_seq(int(sys.argv[1])))\n"
    )
    out = subprocess.run([PY, "-c", code, str(atelier_id)], env=srv.env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return int(out.strip().splitlines()[-1])


SCENARIOS = {
    "room": scenario_cards,
    "multi": scenario_cards,
    "votes": scenario_votes,
    "join": scenario_join,
    "restart": scenario_restart,
}


def label(args) -> str:
    setup = "embedded" if args.server == "embedded" else f"gunicorn×{args.procs} {args.worker}"
    if args.server == "embedded" and args.procs > 1:
        setup = f"run.py×{args.procs}"
    code = "" if not args.code else f" [{Path(args.code).name}]"
    return f"{setup}, {args.db}{' + redis' if args.procs > 1 or args.redis else ''}{code}"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=SCENARIOS)
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--ateliers", type=int, default=1)
    p.add_argument("--posting", type=float, default=0.10)
    p.add_argument("--rate", type=float, default=0.5)
    p.add_argument("--duration", type=float, default=30)
    p.add_argument("--window", type=float, default=5.0)
    p.add_argument("--vote-cards", type=int, default=30)
    p.add_argument("--server", choices=["embedded", "gunicorn"], default="embedded")
    p.add_argument("--worker", choices=["gevent-websocket", "gevent"], default="gevent-websocket")
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--redis", action="store_true", help="use Redis even with one process")
    p.add_argument("--code", help="server code from another checkout (before/after)")
    p.add_argument("--clients-procs", type=int, default=2)
    p.add_argument("--client", choices=["lean", "python-socketio"], default="lean")
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
