"""One load-generator process: many real Socket.IO clients over WebSocket in one asyncio loop
(bench/sio.py's lean client by default; python-socketio's AsyncClient with
``--client python-socketio``).

Driven by bench/run.py over stdin/stdout (one JSON object per line):
  in : the job (argv[1], a JSON file), then "go" lines
  out: {"ready": n} once every client is connected and synced, then {"done": file}

Times are CLOCK_MONOTONIC (shared by every process of the machine): the sender writes its
send time into the card text, every receiver subtracts it from its receive time."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import resource
import sys
import time
from collections import defaultdict
from typing import Any

import socketio

from bench.client_form import Forming
from bench.overload_client import Overload
from bench.rolling_client import Rolling
from bench.sio import LeanClient

now = time.monotonic


def letter(value: object) -> str:
    return str(value).translate(_TO_LETTERS)


def unletter(text: str) -> int:
    return int(text.translate(_FROM_LETTERS))


_TO_LETTERS = str.maketrans("0123456789-", "abcdefghijx")
_FROM_LETTERS = str.maketrans("abcdefghijx", "0123456789-")


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Client:
    """Tracks seq like static/js/store.js: applies an envelope only when its seq is newer."""

    def __init__(self, bench: Worker, url: str, token: str, me: int | None, atelier: int) -> None:
        self.bench, self.url, self.token, self.me, self.atelier = bench, url, token, me, atelier
        self.last_seq = 0
        self.synced_at: float | None = None
        self.sync_seq = 0
        self.tallies: dict[str, int] = {}
        self.tally_at: dict[str, float] = {}
        self.received: dict[int, int] = defaultdict(int)  # seq -> receptions
        self.stale = 0  # new envelopes dropped because an older seq came after a newer one
        reconnect = bench.job.get("reconnect", False)
        self.sio: Any
        if bench.job.get("impl", "lean") == "lean":
            self.sio = LeanClient(
                url, reconnection=reconnect, deflate=bench.job.get("deflate", False)
            )
        else:  # socket.io-client's defaults: 1 s ± 50 %, doubling up to 5 s
            self.sio = socketio.AsyncClient(
                reconnection=reconnect,
                reconnection_delay=1,
                reconnection_delay_max=5,
                randomization_factor=0.5,
            )
        self.sio.on("sync", self.on_sync)
        self.sio.on("event", self.on_event)
        self.sio.on("disconnect", self.on_disconnect)

    async def connect(self) -> None:
        await self.sio.connect(
            self.url,
            auth=lambda: {"token": self.token, "last_seq": self.last_seq},
            transports=["websocket"],
            wait_timeout=30,
        )

    def on_disconnect(self, *_: Any) -> None:
        self.synced_at = None

    def on_sync(self, data: dict[str, Any]) -> None:
        t = now()
        if data["mode"] == "snapshot":
            snap = data["snapshot"]
            self.tallies = dict(snap["tallies"])
            for key in self.tallies:
                self.tally_at[key] = t
            self.last_seq = data["seq"]
        else:
            for env in data["events"]:
                self.apply(env, t, live=False)
            self.last_seq = max(self.last_seq, data["seq"])
        self.sync_seq = data["seq"]
        self.synced_at = t
        self.bench.synced(self)

    def on_event(self, env: dict[str, Any]) -> None:
        self.apply(env, now(), live=True)

    def apply(self, env: dict[str, Any], t: float, live: bool) -> None:
        seq = env["seq"]
        if live:
            self.received[seq] += 1
        if seq <= self.last_seq:
            if live and self.received[seq] == 1:
                self.stale += 1
            return
        self.last_seq = seq
        kind, data = env["type"], env["data"]
        if kind == "card.added":
            text = (data["card"].get("text") or "").split()
            if live and len(text) == 3 and text[0] == "bench":
                self.bench.delivery(text[1], unletter(text[2]), t, self.me is None)
        elif kind == "step.changed" and live:  # the follow-me change (bench.run step)
            self.bench.step_recv[seq].append(t)
        elif kind in ("groups.changed", "groups.mine") and live and self.me is not None:
            self.bench.groups_event(self, kind, data, t)
        elif kind == "vote.changed" and "total" in data:
            key = str(data["card_id"])
            self.tallies[key] = data["total"]
            self.tally_at[key] = t


class Worker(Forming, Overload, Rolling):
    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job
        self.clients: list[Client] = []
        self.latency: dict[str, list[float]] = defaultdict(list)  # card tag -> receive delays
        self.anim_latency: list[float] = []  # the animateur's console's receive delays
        self.member_latency: list[float] = []  # the participants' receive delays
        self.sent: dict[str, float] = {}
        self.acked: list[str] = []
        self.acks: list[float] = []
        self.errors: list[str] = []
        self.vote_last_sent = 0.0
        self.votes_ok = 0
        self.ready = asyncio.Event()
        self.resynced: list[float] = []
        self.expect_seq = 0
        self.step_sent: dict[int, float] = {}  # seq of a step.changed -> when it was asked
        self.step_recv: dict[int, list[float]] = defaultdict(list)  # seq -> reception times
        self.shown: dict[int, float] = {}  # participant -> when it showed its group (form)
        self.pending: list[asyncio.Future[None]] = []
        self.refusals: list[str] = []  # server_full messages received (bench.run overload)
        self.admitted_late: list[float] = []  # when a refused client got in on a retry
        self.closing = False

    def synced(self, client: Client) -> None:
        if self.expect_seq and client.sync_seq >= self.expect_seq:
            self.resynced.append(client.synced_at or now())

    def delivery(self, tag: str, sent_ns: int, t: float, anim: bool = False) -> None:
        self.latency[tag].append(t - sent_ns / 1e9)
        (self.anim_latency if anim else self.member_latency).append(t - sent_ns / 1e9)

    async def connect_all(self) -> float:
        sem = asyncio.Semaphore(self.job.get("concurrency", 100))

        async def one(c: Client) -> None:
            async with sem:
                for attempt in range(5):
                    try:
                        await c.connect()
                        return
                    except Exception as exc:  # noqa: BLE001
                        if self.job.get("overload") and self.refused(c, exc):
                            return  # it comes back after the delay the server gave
                        if attempt == 4:
                            self.errors.append(f"connect: {exc!r}")
                        await asyncio.sleep(0.2 + random.random())

        for spec in self.job["clients"]:
            self.clients.append(
                Client(self, spec["url"], spec["token"], spec.get("pid"), spec["atelier"])
            )
        t0 = now()
        await asyncio.gather(*(one(c) for c in self.clients))
        while any(c.synced_at is None for c in self.clients if c.sio.connected):
            await asyncio.sleep(0.005)
        return now() - t0

    async def post_cards(
        self, client: Client, step: int, column: str, until: float, rate: float
    ) -> None:
        period = 1 / rate
        await asyncio.sleep(random.random() * period)
        i = 0
        while now() < until:
            if not client.sio.connected:  # refused (bench.run overload): waits for a place
                await asyncio.sleep(period)
                continue
            i += 1
            tag = f"{os.getpid()}-{client.me}-{i}"
            tag_l = letter(tag)
            sent = time.monotonic_ns()
            # digits only as letters: the personal-data detector would see phone numbers
            payload = {"step_id": step, "client_id": "b" + letter(tag),
                       "text": f"bench {tag_l} {letter(sent)}", "column": column}  # fmt: skip
            self.sent[tag_l] = sent / 1e9
            try:
                ack = await client.sio.call("card_add", payload, timeout=10)
                if ack.get("ok"):
                    self.acks.append(now() - sent / 1e9)
                    self.acked.append(tag_l)
                else:
                    self.errors.append(f"card_add: {ack['error']['code']}")
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"card_add: {exc!r}")
            next_at = sent / 1e9 + period * (1 + 0.1 * (random.random() - 0.5))
            await asyncio.sleep(max(0, next_at - now()))

    async def goto_steps(self, client: Client, step: int, until: float, every: float) -> None:
        """The animateur moves everyone to ``step`` every ``every`` s: each call broadcasts
        one step.changed, as a real change of step does (same payload, same fan-out); the
        step stays the current one so the posters' cards are not refused meanwhile."""
        await asyncio.sleep(random.random() * every)
        while now() < until:
            sent = now()
            try:
                ack = await client.sio.call("step_goto", {"step_id": step}, timeout=10)
                if ack.get("ok"):
                    self.step_sent[ack["seq"]] = sent
                else:
                    self.errors.append(f"step_goto: {ack['error']['code']}")
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"step_goto: {exc!r}")
            await asyncio.sleep(max(0, sent + every - now()))

    async def cast_votes(self, client: Client, cards: list[int], window: float) -> None:
        """Five votes spread over ``window`` seconds."""
        picks = random.sample(cards, k=min(len(cards), self.job.get("votes", 5)))
        start = now()
        for i, card in enumerate(picks):
            at = start + window * (i + random.random()) / len(picks)
            await asyncio.sleep(max(0, at - now()))
            self.vote_last_sent = max(self.vote_last_sent, now())
            try:
                ack = await client.sio.call("vote", {"card_id": card, "delta": 1}, timeout=10)
                if ack.get("ok"):
                    self.votes_ok += 1
                    self.acks.append(now() - self.vote_last_sent)
                else:
                    self.errors.append(f"vote: {ack['error']['code']}")
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"vote: {exc!r}")

    async def run(self) -> None:
        join_time = await self.connect_all()
        # as the server does (run.py tune_gc): a full collection over hundreds of clients
        # stalled this loop for ~35 ms, which would count as latency
        gc.collect()
        gc.freeze()
        gc.set_threshold(700, 10, 100)
        out = {"ready": len([c for c in self.clients if c.synced_at]), "join": join_time}
        print(json.dumps(out), flush=True)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = (await reader.readline()).decode().strip()
            if not line:
                break
            cmd = json.loads(line)
            if cmd["do"] == "quit":
                self.closing = True
                break
            result = await getattr(self, "do_" + cmd["do"])(cmd)
            print(json.dumps(result), flush=True)
        await asyncio.gather(*(c.sio.disconnect() for c in self.clients), return_exceptions=True)

    async def lag_monitor(self, until: float) -> list[float]:
        """How late this process's event loop wakes up: its own latency, to subtract."""
        lags = []
        while now() < until:
            t = now()
            await asyncio.sleep(0.01)
            lags.append(now() - t - 0.01)
        return lags

    async def do_cards(self, cmd: dict[str, Any]) -> dict[str, Any]:
        cpu0, t0 = cpu_seconds(), now()
        monitor = asyncio.ensure_future(self.lag_monitor(t0 + cmd["duration"]))
        until = t0 + cmd["duration"]
        posters = [c for c in self.clients if c.me in set(cmd["posters"])]
        steering = [c for c in self.clients if c.me is None] if cmd.get("step_every") else []
        await asyncio.gather(
            *(
                self.post_cards(c, cmd["step"][str(c.atelier)], cmd["column"], until, cmd["rate"])
                for c in posters
            ),
            *(
                self.goto_steps(c, cmd["step"][str(c.atelier)], until, cmd["step_every"])
                for c in steering
            ),
        )
        await asyncio.sleep(cmd.get("drain", 2.0))
        lags = sorted(await monitor)
        cpu = cpu_seconds() - cpu0
        received = defaultdict(int)
        dup = stale = 0
        for c in self.clients:
            stale += c.stale
            for n in c.received.values():
                dup += max(0, n - 2)  # the author may get its own version and the public one
        for tag, lats in self.latency.items():
            received[tag] = len(lats)
        return {
            "latency": dict(self.latency),
            "anim_latency": self.anim_latency,
            "member_latency": self.member_latency,
            "acked": self.acked,
            "acks": self.acks,
            "errors": self.errors[:20],
            "n_errors": len(self.errors),
            "dup": dup,
            "loop_lag_p99": lags[int(0.99 * (len(lags) - 1))] if lags else 0,
            "loop_lag_max": lags[-1] if lags else 0,
            "stale": stale,
            "cpu": cpu,
            "wall": now() - t0,
            "by_atelier": _count_by(self.clients),
            "connected_by_atelier": _count_by([c for c in self.clients if c.sio.connected]),
            "step_sent": self.step_sent,
            "step_recv": {seq: times for seq, times in self.step_recv.items()},
        }

    async def do_votes(self, cmd: dict[str, Any]) -> dict[str, Any]:
        cpu0, t0 = cpu_seconds(), now()
        voters = [c for c in self.clients if c.me is not None]
        await asyncio.gather(*(self.cast_votes(c, cmd["cards"], cmd["window"]) for c in voters))
        await asyncio.sleep(cmd.get("drain", 2.0))
        return {
            "tallies": [c.tallies for c in self.clients],
            "tally_at": [c.tally_at for c in self.clients],
            "last_sent": self.vote_last_sent,
            "votes_ok": self.votes_ok,
            "acks": self.acks,
            "errors": self.errors[:20],
            "n_errors": len(self.errors),
            "cpu": cpu_seconds() - cpu0,
            "wall": now() - t0,
        }

    async def do_expect(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Before a restart: count a client as resynced once it gets a sync up to ``seq``."""
        self.expect_seq = cmd["seq"]
        self.resynced = []
        return {"ok": True}

    async def do_wait_resync(self, cmd: dict[str, Any]) -> dict[str, Any]:
        deadline = now() + cmd["timeout"]
        while len(self.resynced) < len(self.clients) and now() < deadline:
            await asyncio.sleep(0.01)
        return {"resynced": sorted(self.resynced), "n": len(self.clients)}


def _count_by(clients: list[Client]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for c in clients:
        out[str(c.atelier)] += 1
    return out


def main() -> None:
    with open(sys.argv[1]) as f:
        job = json.load(f)
    asyncio.run(Worker(job).run())


if __name__ == "__main__":
    main()
