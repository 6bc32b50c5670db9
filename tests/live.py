"""A real server process (run.py: gevent, SQLite file) and real HTTP / Socket.IO clients."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, instance: Path, port: int | None = None, **env: str) -> None:
        self.instance = instance
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = instance / "server.log"

    def start(self, timeout: float = 30) -> LiveServer:
        env = {
            **os.environ,
            "FACILITATOR_INSTANCE": str(self.instance),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SEED_DEMO": "1",
            "SEED_DEMO_MINIMAL": "1",  # the demo cycle as a blank canvas (facilitator/demo)
            "LOG_LEVEL": "WARNING",
            "PRIVACY_MODEL_WARMUP": "0",  # seconds of CPU per server start otherwise
            **self.env,
        }
        env.pop("SOCKETIO_ASYNC_MODE", None)
        self.instance.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "run.py")],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server died:\n" + self.log.read_text()[-3000:])
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log.read_text()[-3000:])

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    @property
    def demo(self) -> dict[str, Any]:
        return json.loads((self.instance / "demo.json").read_text())


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no csrf_token in page"
    return match.group(1)


def socket_token_of(html: str) -> str:
    match = re.search(r'data-socket-token="([^"]+)"', html)
    assert match, "no data-socket-token in page"
    return match.group(1)


def login_animateur(server: LiveServer) -> requests.Session:
    http = requests.Session()
    page = http.get(server.url + "/connexion").text
    demo = server.demo
    r = http.post(
        server.url + "/connexion",
        data={"email": demo["email"], "password": demo["password"], "csrf_token": csrf_of(page)},
    )
    assert r.status_code == 200 and "/animateur" in r.url, r.text[:500]
    return http


def console_token(http: requests.Session, server: LiveServer, atelier_id: int) -> str:
    return socket_token_of(http.get(f"{server.url}/animateur/ateliers/{atelier_id}").text)


def join_participant(server: LiveServer, link: str, name: str, structure_id: int = 1) -> str:
    """Join through the HTML form; return the participant's socket token."""
    with requests.Session() as http:
        page = http.get(link).text
        r = http.post(
            link,
            data={
                "display_name": name,
                "structure_id": str(structure_id),
                "csrf_token": csrf_of(page),
                # another person even when the name was already taken (issue 16)
                "nouveau": "1",
            },
        )
    assert r.status_code == 200 and "/atelier/" in r.url, r.text[:500]
    return socket_token_of(r.text)


class Peer:
    """A python-socketio client that tracks seq like the browser client does."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.last_seq = 0
        self.cards: dict[int, dict[str, Any]] = {}
        self.applied: list[int] = []
        self.syncs: list[dict[str, Any]] = []
        self.sio = socketio.Client(reconnection=False)
        # python-engineio hands each message to a new thread: two events may then be
        # applied out of order, and the older one ignored as already seen. A browser
        # handles them in order: so does this client.
        trigger = self.sio.eio._trigger_event

        def in_order(event: str, *args: Any, **kwargs: Any) -> Any:
            kwargs.pop("run_async", None)
            return trigger(event, *args, **kwargs)

        self.sio.eio._trigger_event = in_order
        self.sio.on("sync", self._on_sync)
        self.sio.on("event", self._on_event)

    def connect(self) -> Peer:
        self.sio.connect(
            self.url,
            auth={"token": self.token, "last_seq": self.last_seq},
            transports=["websocket"],
            wait_timeout=10,
        )
        return self

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def _on_sync(self, data: dict[str, Any]) -> None:
        self.syncs.append(data)
        if data["mode"] == "snapshot":
            self.cards = {c["id"]: c for c in data["snapshot"]["cards"]}
            self.last_seq = data["seq"]
        else:
            for envelope in data["events"]:
                self._on_event(envelope)
            self.last_seq = max(self.last_seq, data["seq"])

    def _on_event(self, envelope: dict[str, Any]) -> None:
        if envelope["seq"] <= self.last_seq:
            return
        self.last_seq = envelope["seq"]
        self.applied.append(envelope["seq"])
        if envelope["type"] in ("card.added", "card.updated"):
            card = envelope["data"]["card"]
            self.cards[card["id"]] = card
        elif envelope["type"] == "card.deleted":
            self.cards.pop(envelope["data"]["card_id"], None)

    def call(self, event: str, data: dict[str, Any]) -> Any:
        return self.sio.call(event, data, timeout=10)


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
