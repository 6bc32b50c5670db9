"""Throwaway PostgreSQL and Redis servers on 127.0.0.1, each in its own temporary folder and
on a free port: real servers, really started, nothing global touched. Used by the
integration tests (tests/test_scale_out.py, tests/test_pg_*.py, tests/test_redis_*.py) and
by the benchmark (bench/run.py).

PostgreSQL refuses to run as root: as root, the data folder is given to the ``postgres``
user (Debian's package creates it) and the binaries run as that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN_DIRS = [Path(p) for p in os.environ.get("PG_BIN", "").split(":") if p] + sorted(
    Path("/usr/lib/postgresql").glob("*/bin"), reverse=True
)


class Unavailable(RuntimeError):
    """The server binaries are not installed."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server not listening on {port} after {timeout} s:\n{_tail(log)}")


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return ""


def pg_binary(name: str) -> str:
    for folder in PG_BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found:
        return found
    raise Unavailable(f"PostgreSQL's {name} not found (apt-get install postgresql)")


class Postgres:
    """``initdb`` + ``postgres`` in a temporary folder; ``url(db)`` for SQLAlchemy.

    ``fast=True`` (tests) turns fsync off; the benchmark keeps PostgreSQL's durable defaults
    so that "committed before acknowledged" costs what it costs in production."""

    def __init__(self, fast: bool = True, port: int | None = None) -> None:
        self.fast = fast
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="facilitator-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.proc: subprocess.Popen | None = None
        self.user = "facilitator"
        self._as: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._as = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise Unavailable("running as root and no 'postgres' user") from exc
            os.chown(self.dir, self._as.pw_uid, self._as.pw_gid)

    def _run(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        return subprocess.run(args, check=True, capture_output=True, **self._ids(), **kw)

    def _ids(self) -> dict:
        if self._as is None:
            return {}
        return {"user": self._as.pw_uid, "group": self._as.pw_gid, "extra_groups": []}

    def start(self, timeout: float = 30) -> Postgres:
        initdb, postgres = pg_binary("initdb"), pg_binary("postgres")
        env = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}
        self._run(
            [initdb, "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
             "--no-instructions"] + (["--no-sync"] if self.fast else []),
            env=env,
        )  # fmt: skip
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.dir),
            "max_connections": "200",
            "shared_buffers": "128MB",
        }
        if self.fast:
            settings.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        args = [postgres, "-D", str(self.data)]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        out = open(self.log, "ab")  # noqa: SIM115 (the child keeps the descriptor)
        if self._as:
            os.chown(self.log, self._as.pw_uid, self._as.pw_gid)
        self.proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env=env, **self._ids(),
            start_new_session=True,
        )  # fmt: skip
        out.close()
        _wait_port(self.port, self.proc, timeout, self.log)
        # the port answers a little before the server accepts logins
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.execute("SELECT 1")
                return self
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, name: str, template: str | None = None) -> str:
        suffix = f" TEMPLATE {template}" if template else ""
        self.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """``redis-server`` without persistence; ``stop()`` then ``start()`` again restarts it
    on the same port (the tests use that to cut the message queue and bring it back)."""

    def __init__(self, port: int | None = None) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.binary).exists():
            raise Unavailable("redis-server not found (apt-get install redis-server)")
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="facilitator-redis-"))
        self.log = self.dir / "redis.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> Redis:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.dir), "--daemonize", "no"]  # fmt: skip
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        _wait_port(self.port, self.proc, timeout, self.log)
        return self

    def pause(self) -> None:
        """Stop the server (the folder and port are kept for ``start()``)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def stop(self) -> None:
        self.pause()
        shutil.rmtree(self.dir, ignore_errors=True)
