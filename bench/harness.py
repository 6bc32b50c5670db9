"""The pieces of bench/run.py: the servers under test (and their PostgreSQL/Redis), the
load-generator processes, percentiles."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import servers
from bench.procstat import ProcGroup

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results"
#: a folder whose geventwebsocket package fails to import (see Servers.start)
SHIM = ROOT / "bench" / "shim_no_geventwebsocket"
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
        if args.rt:  # the database and the queue are part of the system under test
            for proc in (s.proc for s in (self.pg, self.redis) if s):
                subprocess.run(["chrt", "-r", "-p", "10", str(proc.pid)], check=True)
        self.code = Path(args.code).resolve() if args.code else ROOT
        if self.code != ROOT:
            # the server code from there (run from there: first on sys.path), bench from here
            self.env["PYTHONPATH"] = f"{self.code}:{ROOT}"
        self.ports = [servers.free_port() for _ in range(args.procs)]
        self.procs: list[subprocess.Popen] = []

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def setup(self, ateliers: int, participants: int, vote_cards: int = 0) -> dict:
        out = self.folder / "data.json"
        cmd = [PY, "-m", "bench.setup", str(out), "--ateliers", str(ateliers),
               "--participants", str(participants), "--vote-cards", str(vote_cards)]  # fmt: skip
        if getattr(self.args, "cards", 0):  # cards already on the board
            cmd += ["--cards", str(self.args.cards)]
        if getattr(self.args, "groups", 0):  # the first step in sub-groups (issue 18)
            cmd += ["--groups", str(self.args.groups)]
        if getattr(self.args, "unformed", False):  # the form scenario forms them itself
            cmd += ["--unformed"]
        subprocess.run(cmd, env=self.env, cwd=self.code, check=True)
        return json.loads(out.read_text())

    def start(self, settle: bool = True) -> None:
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
                # what deploy/ ships (GC tuning included), with the worker asked for
                conf = self.code / "deploy" / "gunicorn.conf.py"
                env["BIND"], env["LOG_LEVEL"] = f"127.0.0.1:{port}", "warning"
                cmd = [str(Path(PY).parent / "gunicorn"), "--no-control-socket", "-k", worker,
                       "--chdir", str(self.code), "facilitator:create_app()"]  # fmt: skip
                if conf.exists():
                    cmd[1:1] = ["-c", str(conf)]
                if self.args.worker == "gevent":
                    # Engine.IO picks gevent-websocket whenever it can import it, and then
                    # needs its worker: hide it, so that simple-websocket serves WebSockets
                    env["PYTHONPATH"] = f"{SHIM}:{env.get('PYTHONPATH', '')}"
            cmd = NICE + cmd
            self.procs.append(subprocess.Popen(cmd, env=env, cwd=self.code, stdout=log, stderr=log))
            log.close()
        for port, proc in zip(self.ports, self.procs, strict=True):
            # the Engine.IO handshake: ready for sockets, whatever the pages of that version
            url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
            wait_http(url, proc, self.folder / f"server-{port}.log")
        if settle:
            self.settle()

    def settle(self, quiet: float = 2.0, timeout: float = 120.0) -> None:
        """Wait until the servers are warm: the embedded server loads the personal-data
        model (spaCy, ~180 MB, seconds of CPU; much longer on a loaded machine) after it
        starts listening. Joins measured meanwhile waited for it, and memory per client
        counted it. Warm = the servers' RSS has not grown for ``quiet`` seconds."""
        stats = self.stats()
        deadline = time.monotonic() + timeout
        last, since = stats.rss(), time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < quiet:
            time.sleep(0.25)
            rss = stats.rss()
            if rss > last + 1024 * 1024:
                last, since = rss, time.monotonic()

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
        self,
        folder: Path,
        specs: list[dict],
        n: int,
        reconnect: bool = False,
        impl: str = "lean",
        deflate: bool = False,
        overload: bool = False,
    ) -> None:
        self.procs: list[subprocess.Popen] = []
        for w in range(n):
            job = {"clients": specs[w::n], "reconnect": reconnect, "concurrency": 100,
                   "impl": impl, "deflate": deflate, "overload": overload}  # fmt: skip
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
