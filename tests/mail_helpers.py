"""What the mail tests share: a real SMTP server (aiosmtpd) on 127.0.0.1 that records what
it accepts and can refuse recipients, stop and start again on the same port; an app
configured to send to it; a cycle with participants who gave their address; a worker
process (``flask --app facilitator mail-worker``) to kill."""

from __future__ import annotations

import email
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from facilitator import create_app
from facilitator.core import participants
from facilitator.extensions import db
from facilitator.mail import addresses
from facilitator.models import Atelier, Participant
from tests.conftest import ROOT, _config
from tests.live import free_port


class Recorder:
    """aiosmtpd handler: keeps every accepted message; refuses the addresses in
    ``refuse`` (550); waits ``delay`` seconds at RCPT (a slow server)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:  # noqa: E501
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def messages(self) -> list[Message]:
        with self.lock:
            return [email.message_from_bytes(raw, policy=default) for _f, _t, raw in self.received]

    def per_recipient(self) -> Counter[str]:
        with self.lock:
            return Counter(to for _f, tos, _r in self.received for to in tos)


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def mail_config(folder: Path, smtp_url: str | None) -> dict[str, Any]:
    return {
        **_config(folder),
        "SMTP_URL": smtp_url,
        "MAIL_FROM": "cycle@crpv.example",
        "PUBLIC_URL": "https://facilitator.example",
        "MAIL_RATE_PER_MINUTE": 0,
        "MAIL_RETRY_BASE_SECONDS": 0.05,
        "MAIL_RETRY_MAX_SECONDS": 0.2,
        "MAIL_MAX_ATTEMPTS": 1000,
        "MAIL_CLAIM_LEASE_SECONDS": 1,
        "MAIL_SMTP_TIMEOUT": 5,
    }


@pytest.fixture
def app(tmp_path: Path, migrated_db: Path, smtp: SmtpServer) -> Iterator[Flask]:
    shutil.copy(migrated_db, tmp_path / "test.db")
    app = create_app(mail_config(tmp_path, smtp.url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def people(
    atelier: Atelier,
    n: int,
    *,
    purposes: tuple[str, ...] = ("invitations", "comptes_rendus"),
    first: int = 0,
) -> list[Participant]:
    """``n`` participants of the atelier's cycle, each with an address (``p<i>@exemple.fr``
    from ``first``) and consent to ``purposes``."""
    structure = atelier.cycle.structures[0]
    out = []
    for i in range(first, first + n):
        participant, _token = participants.join(atelier, f"Personne {i}", structure_id=structure.id)
        addresses.set_participant_address(participant, f"p{i}@exemple.fr", set(purposes))
        out.append(participant)
    return out


def worker_env(app: Flask, **extra: str) -> dict[str, str]:
    c = app.config
    env = {
        **os.environ,
        "DATABASE_URL": c["SQLALCHEMY_DATABASE_URI"],
        "FACILITATOR_INSTANCE": c["INSTANCE_PATH"],
        "SECRET_KEY": c["SECRET_KEY"],
        "SMTP_URL": c["SMTP_URL"],
        "MAIL_FROM": c["MAIL_FROM"],
        "PUBLIC_URL": c["PUBLIC_URL"],
        "MAIL_RATE_PER_MINUTE": "0",
        "MAIL_RETRY_BASE_SECONDS": "0.05",
        "MAIL_RETRY_MAX_SECONDS": "0.2",
        "MAIL_MAX_ATTEMPTS": "1000",
        "MAIL_CLAIM_LEASE_SECONDS": "1",
        "SCRIPTS_DIR": str(ROOT / "workshop_scripts"),
    }
    env.update(extra)
    return env


def start_worker(app: Flask, log: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    flask = str(Path(sys.executable).parent / "flask")
    out = open(log, "ab")  # noqa: SIM115 (the child keeps the descriptor)
    proc = subprocess.Popen(
        [flask, "--app", "facilitator", "mail-worker", "--poll", "0.05", *args],
        env=worker_env(app, **env),
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=str(ROOT),
        start_new_session=True,
    )
    out.close()
    return proc


def kill9(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def wait_until(check: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


__all__ = ["app", "smtp"]
