"""Benchmark: a campaign of 2,000 messages to a local SMTP server (aiosmtpd on 127.0.0.1),
sent by real ``flask --app facilitator mail-worker`` processes (docs/mail.md).

    .venv/bin/python bench/bench_mail.py [--messages 2000] [--workers 1] [--db sqlite|postgres]
        [--board-participants 300 --board-repeat 2]

Builds a throwaway database in a temporary folder, inserts the addresses, then times:
queueing the campaign (every message rendered, HTML + text, one transaction); the
worker(s) from start to the last message accepted by the server (messages per second over
the sending window, and including the process start); the worker's CPU. No rate cap.

``--board-participants N``: also runs the board's room scenario (bench/run.py, N
participants, 10 % posting at 0.5 Hz) alternately without and with a campaign of
``--messages`` being sent during the room's run by the worker **as deployed**
(deploy/facilitator-mail.service: ``nice -n 10``, the default cap of 120 messages per
minute; ``--uncapped``, ``--worker-nice 0`` to change that), and prints the fan-out
p50/p95/p99 of each run, the load average before it, and the ratios (the board's server
has its own database: this measures the CPU the worker takes from it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from facilitator import create_app, db_migrate  # noqa: E402
from facilitator.core import accounts, cycles  # noqa: E402
from facilitator.extensions import db  # noqa: E402
from facilitator.mail import addresses, compose  # noqa: E402
from facilitator.mail.models import MailContact, MailMessage  # noqa: E402
from facilitator.models._types import utcnow  # noqa: E402
from facilitator.scripts import load_script  # noqa: E402
from tests.live import free_port  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        with self.lock:
            self.times.append(time.monotonic())
        return "250 OK"


def build(folder: Path, smtp_url: str, db_url: str | None, messages: int) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "bench-secret",
        "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": db_url or f"sqlite:///{folder / 'bench.db'}",
        "SOCKETIO_ASYNC_MODE": "threading",
        "SMTP_URL": smtp_url,
        "MAIL_FROM": "cycle@crpv.example",
        "PUBLIC_URL": "https://facilitator.example",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    app = create_app(config)
    with app.app_context():
        db_migrate.upgrade()
        owner = accounts.create_animateur("bench@exemple.fr", "Camille", "mot-de-passe-solide")
        cycle = cycles.create_cycle(owner, "Cycle du benchmark", territoire="Val-de-Lys")
        cycles.add_structure(cycle.id, "Centre social", "association")
        db.session.commit()
        script = load_script(ROOT / "workshop_scripts" / "atelier-d-echanges.yaml")
        atelier = cycles.add_atelier(cycle, script)
        now = utcnow()
        db.session.add_all(
            MailContact(
                cycle_id=cycle.id,
                email=f"personne{i}@exemple.fr",
                name=f"Personne {i}",
                structure_name="Centre social",
                source="participant",
                consent_invitations_at=now,
                link_key=addresses.new_link_key(),
            )
            for i in range(messages)
        )
        db.session.commit()
        with app.test_request_context("/", base_url="https://facilitator.example"):
            campaign = compose.create(cycle, "invitation", atelier.id, owner)
            start = time.perf_counter()
            queued = compose.queue(campaign)
            queue_s = time.perf_counter() - start
        db.session.remove()
        db.engine.dispose()
    return {"config": config, "queued": queued, "queue_s": queue_s}


def worker_env(config: dict, *, capped: bool) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "FACILITATOR_INSTANCE": config["INSTANCE_PATH"],
        "SECRET_KEY": config["SECRET_KEY"],
        "SMTP_URL": config["SMTP_URL"],
        "MAIL_FROM": config["MAIL_FROM"],
        "PUBLIC_URL": config["PUBLIC_URL"],
    }
    env.pop("MAIL_RATE_PER_MINUTE", None)
    if not capped:
        env["MAIL_RATE_PER_MINUTE"] = "0"
    return env


def worker_cmd(*, nice: int, until_idle: bool) -> list[str]:
    """The worker as deploy/facilitator-mail.service runs it (``Nice=10``, default cap)."""
    flask = str(Path(sys.executable).parent / "flask")
    cmd = [flask, "--app", "facilitator", "mail-worker"]
    if until_idle:
        cmd += ["--until-idle", "--poll", "0.2"]
    return (["nice", "-n", str(nice)] if nice else []) + cmd


def send(config: dict, workers: int, expected: int, counter: Counter) -> dict:
    env = worker_env(config, capped=False)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    procs = [
        subprocess.Popen(
            worker_cmd(nice=0, until_idle=True),
            env=env,
            cwd=str(ROOT),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    for proc in procs:
        proc.wait(timeout=1800)
    end = time.monotonic()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    times = sorted(counter.times)
    window = (times[-1] - times[0]) if len(times) > 1 else float("nan")
    return {
        "received": len(times),
        "expected": expected,
        "wall_s": end - start,
        "first_after_s": (times[0] - start) if times else float("nan"),
        "window_s": window,
        "per_s_window": (len(times) - 1) / window if window else float("nan"),
        "per_s_wall": len(times) / (end - start),
        "worker_cpu_s": cpu,
    }


def campaign(args: argparse.Namespace) -> dict:
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    pg = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-mail-") as tmp:
            db_url = None
            if args.db == "postgres":
                from bench import servers

                pg = servers.Postgres().start()
                db_url = pg.create_database("bench_mail")
            built = build(Path(tmp), f"smtp://127.0.0.1:{port}", db_url, args.messages)
            result = send(built["config"], args.workers, built["queued"], counter)
            app = create_app(built["config"])
            with app.app_context():
                statuses = dict(
                    db.session.execute(
                        db.select(MailMessage.status, db.func.count()).group_by(MailMessage.status)
                    ).all()
                )
                db.engine.dispose()
            result.update(queue_s=built["queue_s"], statuses=statuses)
    finally:
        controller.stop()
        if pg is not None:
            pg.stop()
    return result


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Deployed:
    """A campaign being sent while the board runs: the worker(s) started as deployed
    (``nice -n 10``, the default cap of 120 per minute unless ``--uncapped``), stopped
    when the room's run ends."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.counter = Counter()
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-mail-")
        port = free_port()
        self.controller = Controller(self.counter, hostname="127.0.0.1", port=port)
        self.controller.start()
        self.built = build(Path(self.tmp.name), f"smtp://127.0.0.1:{port}", None, args.messages)
        self.procs: list[subprocess.Popen] = []

    def start(self) -> None:
        env = worker_env(self.built["config"], capped=not self.args.uncapped)
        self.started = time.monotonic()
        self.procs = [
            subprocess.Popen(
                worker_cmd(nice=self.args.worker_nice, until_idle=False),
                env=env,
                cwd=str(ROOT),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(self.args.workers)
        ]
        self.samples: list[tuple[float, int, float]] = []  # (time, messages, worker CPU)
        self.sampling = True
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while self.sampling:
            try:
                cpu = sum(process_cpu(proc.pid) for proc in self.procs)
            except OSError:
                return
            self.samples.append((time.monotonic(), len(self.counter.times), cpu))
            time.sleep(0.5)

    def steady(self) -> dict:
        """CPU per message once the worker runs (its start, imports and app, left out)."""
        sending = [s for s in self.samples if s[1] > 0]
        if len(sending) < 2 or sending[-1][1] == sending[0][1]:
            return {}
        (t0, n0, c0), (t1, n1, c1) = sending[0], sending[-1]
        return {
            "steady_per_s": round((n1 - n0) / (t1 - t0), 2),
            "steady_cpu_share": round((c1 - c0) / (t1 - t0), 4),
            "steady_cpu_ms_per_message": round(1000 * (c1 - c0) / (n1 - n0), 2),
            "start_cpu_s": round(c0, 2),
        }

    def stop(self) -> dict:
        self.sampling = False
        self.sampler.join()
        # the workers' own CPU (the room's run is a child of this process too)
        cpu = sum(process_cpu(proc.pid) for proc in self.procs)
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=60)
        elapsed = time.monotonic() - self.started
        self.controller.stop()
        self.tmp.cleanup()
        sent = len(self.counter.times)
        return {
            "capped": not self.args.uncapped,
            "nice": self.args.worker_nice,
            "sent": sent,
            "seconds": round(elapsed, 1),
            "per_s": round(sent / elapsed, 2),
            "worker_cpu_s": round(cpu, 2),
            "cpu_ms_per_message": round(1000 * cpu / sent, 2) if sent else None,
            **self.steady(),
        }


def board(args: argparse.Namespace) -> list[dict]:
    """The room scenario alone, then with a campaign being sent, alternately."""
    rows = []
    for _ in range(args.board_repeat):
        for with_mail in (False, True):
            tag = f"mailbench-{'with' if with_mail else 'without'}"
            cmd = [sys.executable, "-m", "bench.run", "room", "--participants",
                   str(args.board_participants), "--tag", tag]  # fmt: skip
            deployed = Deployed(args) if with_mail else None
            if deployed is not None:
                deployed.start()
            load = os.getloadavg()[0]
            try:
                out = subprocess.run(
                    cmd, cwd=str(ROOT), capture_output=True, text=True, timeout=900
                )
            finally:
                mail = deployed.stop() if deployed is not None else {}
            line = [x for x in out.stdout.splitlines() if x.startswith("{")]
            row = json.loads(line[-1]) if line else {"error": out.stderr[-500:]}
            room = {k: row.get(k) for k in ("p50", "p95", "p99", "others_cpu", "lost", "dup")}
            rows.append({"with_mail": with_mail, "load1": load, "room": room, "mail": mail})
            print(json.dumps(rows[-1], default=str), flush=True)
    report(rows)
    return rows


def report(rows: list[dict]) -> None:
    def figures(with_mail: bool, key: str) -> list[float]:
        return [r["room"][key] for r in rows if r["with_mail"] == with_mail and r["room"].get(key)]

    for key in ("p50", "p95", "p99"):
        without, with_ = figures(False, key), figures(True, key)
        if without and with_:
            ratio = (sum(with_) / len(with_)) / (sum(without) / len(without))
            print(
                f"{key}: without {', '.join(f'{v:.0f}' for v in without)} ms; "
                f"with {', '.join(f'{v:.0f}' for v in with_)} ms; ratio of means {ratio:.2f}"
            )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--board-participants", type=int, default=0)
    p.add_argument("--board-repeat", type=int, default=2)
    p.add_argument("--uncapped", action="store_true", help="board runs: no rate cap")
    p.add_argument("--worker-nice", type=int, default=10, help="board runs: the worker's nice")
    args = p.parse_args()
    if args.board_participants:
        board(args)
        return
    result = campaign(args)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}))
    print(
        f"| {args.messages} messages | {args.workers} worker(s) | {args.db} | queue "
        f"{result['queue_s']:.1f} s | {result['per_s_window']:.0f} msg/s (sending) | "
        f"{result['per_s_wall']:.0f} msg/s (with start) | "
        f"worker CPU {result['worker_cpu_s']:.1f} s |"
    )


if __name__ == "__main__":
    main()
