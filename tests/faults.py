"""Helpers of tests/test_fault_tolerance.py: a Socket.IO client that follows the protocol's
resync rules to the letter, bursts of cards from many threads, the database read directly
with sqlite3, and the figures written to test-artifacts/fault_figures.json."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import socketio

from tests.live import ROOT, LiveServer, Peer

FIGURES = ROOT / "test-artifacts" / "fault_figures.json"
#: how long a client waits for an ack before giving up (the connection may be gone)
ACK_TIMEOUT = 15.0


class Client(Peer):
    """A participant's tab as docs/protocol.md §3 describes it: live events received before
    ``sync`` are buffered and applied after it; an action lost with its connection gives
    ``None`` at once (python-socketio's ``call`` would wait for its whole timeout)."""

    def __init__(self, url: str, token: str, name: str = "") -> None:
        super().__init__(url, token)
        self.name = name
        self.lock = threading.RLock()
        self.synced = threading.Event()
        self.buffer: list[dict[str, Any]] = []
        self.sync_at = 0.0
        self.connect_started = 0.0
        #: whether the last ``try_call`` reached the socket (False: already disconnected)
        self.emitted = False
        self.sio.on("disconnect", self._on_disconnect)

    # --- receiving ------------------------------------------------------------------------

    def _on_disconnect(self, *_: Any) -> None:
        with self.lock:  # state per connection is reset on disconnect (protocol §2)
            self.synced.clear()
            self.buffer = []

    def _on_sync(self, data: dict[str, Any]) -> None:
        with self.lock:
            buffered, self.buffer = self.buffer, []
            self.synced.set()  # first: the replayed envelopes are applied, not buffered
            super()._on_sync(data)
            for envelope in buffered:  # those not newer than the sync are ignored
                super()._on_event(envelope)
            self.sync_at = time.monotonic()

    def _on_event(self, envelope: dict[str, Any]) -> None:
        with self.lock:
            if not self.synced.is_set():
                self.buffer.append(envelope)
            else:
                super()._on_event(envelope)

    def texts(self) -> Counter[str]:
        with self.lock:
            return Counter(c["text"] for c in self.cards.values())

    # --- sending --------------------------------------------------------------------------

    def connect(self) -> Client:
        self.close_transport()
        self.synced.clear()
        self.connect_started = time.monotonic()
        super().connect()
        return self

    def close_transport(self) -> None:
        """Close the WebSocket a dropped connection left open (python-engineio's client
        forgets it when the server goes away: its socket would be closed by the garbage
        collector, with a ResourceWarning, at some later moment)."""
        ws = getattr(self.sio.eio, "ws", None)
        if ws is not None and not self.sio.connected:
            ws.shutdown()
            self.sio.eio.ws = None

    def try_call(self, event: str, data: dict[str, Any], timeout: float = ACK_TIMEOUT) -> Any:
        """The ack, or None when the connection dropped (or the ack never came)."""
        done = threading.Event()
        box: list[Any] = []

        def callback(*args: Any) -> None:
            box.append(args[0] if args else None)
            done.set()

        self.emitted = False
        try:
            self.sio.emit(event, data, callback=callback)
        except socketio.exceptions.SocketIOError:
            return None
        self.emitted = True
        deadline = time.monotonic() + timeout
        while not done.wait(0.05):
            if not self.sio.connected or time.monotonic() > deadline:
                return None
        return box[0]

    def add(self, step: int, column: str, client_id: str, text: str) -> Any:
        """card_add, waiting out ``rate_limited`` answers (at most 40 tries)."""
        payload = {"step_id": step, "client_id": client_id, "text": text, "column": column}
        for _ in range(40):
            ack = self.try_call("card_add", payload)
            if ack is None or ack["ok"] or ack["error"]["code"] != "rate_limited":
                return ack
            time.sleep(0.25)
        raise AssertionError(f"{client_id}: still rate limited")


class Burst:
    """Each client adds cards one after the other (waiting for each ack) in its own thread,
    until it has added ``per_client`` or its connection drops. Keeps what was sent, what
    was acknowledged and what was left in flight."""

    def __init__(self, clients: list[Client], step: int, column: str, tag: str) -> None:
        self.clients, self.step, self.column, self.tag = clients, step, column, tag
        self.lock = threading.Lock()
        self.sent: dict[str, tuple[Client, str]] = {}  # client_id → (client, text)
        self.acked: dict[str, int] = {}  # client_id → card id
        #: sent, connection lost before the ack (``emitted``: it did leave this process)
        self.in_flight: dict[str, tuple[Client, str]] = {}
        self.emitted: set[str] = set()
        self.refused: list[tuple[str, Any]] = []
        self.latencies: list[float] = []  # seconds from emit to ack, answered calls only
        self.threads: list[threading.Thread] = []

    @staticmethod
    def text(tag: str, k: int, i: int) -> str:
        return f"{tag} carte {k:02d}-{i:03d}"

    def _run(self, k: int, client: Client, per_client: int, pause: float) -> None:
        for i in range(per_client):
            client_id = f"{self.tag}-{k:02d}-{i:03d}"
            text = self.text(self.tag, k, i)
            with self.lock:
                self.sent[client_id] = (client, text)
            started = time.monotonic()
            ack = client.add(self.step, self.column, client_id, text)
            with self.lock:
                if ack is not None:
                    self.latencies.append(time.monotonic() - started)
                if ack is None:
                    self.in_flight[client_id] = (client, text)
                    if client.emitted:
                        self.emitted.add(client_id)
                    return
                if ack["ok"]:
                    self.acked[client_id] = ack["card"]["id"]
                else:
                    self.refused.append((client_id, ack))
            if pause:
                time.sleep(pause)

    def start(self, per_client: int, pause: float = 0.0) -> Burst:
        for k, client in enumerate(self.clients):
            thread = threading.Thread(
                target=self._run, args=(k, client, per_client, pause), daemon=True
            )
            thread.start()
            self.threads.append(thread)
        return self

    def join(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "burst threads still running"

    def count_acked(self) -> int:
        with self.lock:
            return len(self.acked)


# --- the database, read directly --------------------------------------------------------


def database(server: LiveServer) -> Path:
    return server.instance / "facilitator.db"


def read_db(server: LiveServer, atelier_id: int) -> dict[str, Any]:
    """Live cards (client_id → (id, text)) and the atelier's seq, read with sqlite3."""
    with sqlite3.connect(database(server), timeout=30) as conn:
        rows = conn.execute(
            "SELECT client_id, id, text FROM contribution WHERE atelier_id = ? AND NOT deleted",
            (atelier_id,),
        ).fetchall()
        all_ids = conn.execute(
            "SELECT client_id FROM contribution WHERE atelier_id = ?", (atelier_id,)
        ).fetchall()
        (seq,) = conn.execute("SELECT seq FROM atelier WHERE id = ?", (atelier_id,)).fetchone()
        seqs = [
            s for (s,) in conn.execute("SELECT seq FROM event WHERE atelier_id = ?", (atelier_id,))
        ]
    conn.close()
    return {
        "cards": {cid: (card_id, text) for cid, card_id, text in rows},
        "client_ids": Counter(cid for (cid,) in all_ids),
        "seq": seq,
        "event_seqs": seqs,
    }


def converge(clients: list[Client], seq: int, timeout: float = 20.0) -> bool:
    """Wait until every client has applied ``seq``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(c.synced.is_set() and c.last_seq >= seq for c in clients):
            return True
        time.sleep(0.05)
    return False


def assert_same_board(client: Client, db: dict[str, Any]) -> None:
    """The client's board equals the database's: every live card once, nothing else."""
    with client.lock:
        ids = set(client.cards)
    texts = client.texts()
    expected = {card_id for card_id, _ in db["cards"].values()}
    assert ids == expected, (
        client.name,
        {"missing": sorted(expected - ids), "extra": sorted(ids - expected)},
        [(s["mode"], s["seq"], len(s.get("events", []))) for s in client.syncs],
        client.last_seq,
    )
    duplicates = {t: n for t, n in texts.items() if n > 1}
    assert not duplicates, (client.name, duplicates)


def connect_all(clients: list[Client], jitter: Callable[[], float] | None = None) -> list[str]:
    """Connect every client, each in its own thread (after ``jitter()`` seconds); returns
    the errors of the connections that failed after 5 tries."""
    errors: list[str] = []

    def one(client: Client) -> None:
        if jitter is not None:
            time.sleep(jitter())
        for attempt in range(5):
            try:
                client.connect()
                return
            except socketio.exceptions.ConnectionError as exc:
                if attempt == 4:
                    errors.append(f"{client.name}: {exc}")
                time.sleep(0.2 * (attempt + 1))

    threads = [threading.Thread(target=one, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def record_figures(section: str, figures: dict[str, Any]) -> None:
    """Print the figures (pytest shows them with -s or on failure) and keep them in
    test-artifacts/fault_figures.json (gitignored), one section per test."""
    print(f"\n[{section}] " + json.dumps(figures, ensure_ascii=False))
    FIGURES.parent.mkdir(exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[section] = {**figures, "recorded": time.strftime("%Y-%m-%d %H:%M:%S")}
    FIGURES.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by process ``pid`` (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
