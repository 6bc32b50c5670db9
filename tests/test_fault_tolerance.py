"""Fault tolerance with real clients and a real server process (run.py: gevent, SQLite in
WAL mode): kill -9 during a burst, a reconnect storm, a database locked by another process,
two tabs of one participant, a phone that sleeps. The figures go to the test output and to
test-artifacts/fault_figures.json."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.faults import (
    Burst,
    Client,
    assert_same_board,
    connect_all,
    converge,
    cpu_seconds,
    database,
    percentile,
    read_db,
    record_figures,
)
from tests.live import LiveServer, console_token, join_participant, login_animateur, wait_until

pytestmark = pytest.mark.live

#: participants joined once for the module; the burst uses the first BURST_CLIENTS
PEOPLE = 60
BURST_CLIENTS = 30
#: acknowledged cards before kill -9 (each client sends up to 40, one at a time)
KILL_AFTER = 200


def _participant_link(server: LiveServer, http: requests.Session) -> tuple[int, str]:
    page = http.get(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}").text
    atelier_id = int(re.search(r"/animateur/ateliers/(\d+)", page).group(1))
    console = http.get(f"{server.url}/animateur/ateliers/{atelier_id}").text
    link = re.search(r"(http://127\.0\.0\.1:\d+/rejoindre/[A-Za-z0-9_-]+)", console).group(1)
    return atelier_id, link


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A started atelier on a live server, with PEOPLE participants who joined by its link
    (their clients are created, not connected)."""
    server = LiveServer(tmp_path_factory.mktemp("faults")).start()
    clients: list[Client] = []
    try:
        http = login_animateur(server)
        atelier_id, link = _participant_link(server, http)
        anim = Client(server.url, console_token(http, server, atelier_id), "animateur").connect()
        assert anim.call("atelier_start", {})["ok"]
        anim.disconnect()
        http.close()
        tokens = [join_participant(server, link, f"P{k:02d}") for k in range(PEOPLE)]
        clients = [Client(server.url, t, f"P{k:02d}") for k, t in enumerate(tokens)]
        first = clients[0].connect()
        snapshot = first.syncs[-1]["snapshot"]
        step = snapshot["atelier"]["current_step_id"]
        column = next(s for s in snapshot["steps"] if s["id"] == step)["columns"][0]["id"]
        yield {
            "server": server,
            "atelier_id": atelier_id,
            "tokens": tokens,
            "clients": clients,
            "step": step,
            "column": column,
        }
    finally:
        for client in clients:
            client.disconnect()
            client.close_transport()
        server.stop()


def _ensure_connected(clients: list[Client]) -> None:
    assert connect_all([c for c in clients if not c.sio.connected]) == []
    assert all(c.synced.wait(10) for c in clients)


def _check_log(db: dict[str, Any]) -> None:
    """One event per seq from 1 to the atelier's seq; no client_id stored twice."""
    assert sorted(db["event_seqs"]) == list(range(1, db["seq"] + 1))
    assert max(db["client_ids"].values()) == 1


def test_kill_9_during_a_burst_loses_no_acknowledged_card(room: dict[str, Any]) -> None:
    server: LiveServer = room["server"]
    clients = room["clients"][:BURST_CLIENTS]
    _ensure_connected(clients)
    burst = Burst(clients, room["step"], room["column"], "kill").start(per_client=40)
    assert wait_until(lambda: burst.count_acked() >= KILL_AFTER, timeout=60)
    server.kill()  # SIGKILL, mid-burst: no clean shutdown
    burst.join(30)
    at_kill = read_db(server, room["atelier_id"])
    stored = {cid for cid in at_kill["cards"] if cid.startswith("kill-")}
    assert set(burst.acked) <= stored, "acknowledged but not stored"
    assert burst.refused == []
    in_flight = dict(burst.in_flight)
    stored_unacked = sorted(set(in_flight) & stored)

    server.start()
    restarted = time.monotonic()
    assert connect_all(clients) == []
    # each tab retries what it did not get an ack for, with the same client_id
    duplicates = 0
    for client_id, (client, text) in sorted(in_flight.items()):
        ack = client.add(room["step"], room["column"], client_id, text)
        assert ack is not None and ack["ok"], ack
        duplicates += bool(ack.get("duplicate"))
    assert duplicates == len(stored_unacked)

    after = read_db(server, room["atelier_id"])
    _check_log(after)
    kill_cards = {cid for cid in after["cards"] if cid.startswith("kill-")}
    assert kill_cards == set(burst.acked) | set(in_flight)
    assert all(after["cards"][cid][0] == card_id for cid, card_id in burst.acked.items())
    assert converge(clients, after["seq"])
    resynced = max(c.sync_at for c in clients) - restarted
    for client in clients:
        assert_same_board(client, after)
    record_figures(
        "kill_9_during_burst",
        {
            "clients": len(clients),
            "sent": len(burst.sent) - len(set(in_flight) - burst.emitted),
            "acknowledged_before_kill": len(burst.acked),
            "acknowledged_present_after_restart": len(set(burst.acked) & set(after["cards"])),
            "in_flight_at_kill": len(burst.emitted),
            "not_sent_connection_already_down": len(set(in_flight) - burst.emitted),
            "in_flight_but_stored": len(stored_unacked),
            "retried_after_restart": len(in_flight),
            "retries_answered_duplicate": duplicates,
            "cards_after_retries": len(kill_cards),
            "loadavg_1min": round(os.getloadavg()[0], 1),
            "duplicates_in_database": 0,
            "duplicates_in_clients": 0,
            "all_clients_resynced_s": round(resynced, 3),
            "sync_modes": dict(Counter(c.syncs[-1]["mode"] for c in clients)),
        },
    )


def test_reconnect_storm_after_a_restart(room: dict[str, Any]) -> None:
    server: LiveServer = room["server"]
    clients: list[Client] = room["clients"]
    _ensure_connected(clients)
    stay, away, reload_ = clients[:20], clients[20:40], clients[40:]
    for client in away:  # these miss the next cards: replay with events
        client.disconnect()
    missed = Burst(stay, room["step"], room["column"], "storm").start(per_client=1)
    missed.join(20)
    assert len(missed.acked) == len(stay)
    for client in reload_:  # a page reload: no last_seq, a snapshot
        client.disconnect()
        with client.lock:
            client.last_seq, client.cards = 0, {}
    server.kill()
    wait_until(lambda: not any(c.sio.connected for c in stay), timeout=10)
    server.start()
    restarted = time.monotonic()
    cpu = cpu_seconds(server.proc.pid), time.process_time()
    rng = random.Random(20240611)
    assert connect_all(clients, jitter=lambda: rng.uniform(0, 1)) == []
    db = read_db(server, room["atelier_id"])
    assert converge(clients, db["seq"], timeout=60)
    server_cpu = cpu_seconds(server.proc.pid) - cpu[0]
    clients_cpu = time.process_time() - cpu[1]
    after_restart = [c.sync_at - restarted for c in clients]
    connect_to_sync = [c.sync_at - c.connect_started for c in clients]
    assert max(after_restart) < 60
    for client in clients:
        assert_same_board(client, db)
    modes = {
        group: dict(Counter(c.syncs[-1]["mode"] for c in members))
        for group, members in (("connected", stay), ("away", away), ("reload", reload_))
    }
    assert modes["reload"] == {"snapshot": len(reload_)}
    assert modes["away"] == {"replay": len(away)}
    assert all(len(c.syncs[-1]["events"]) >= len(stay) for c in away)
    record_figures(
        "reconnect_storm",
        {
            "clients": len(clients),
            "jitter_s": [0, 1],
            "modes": modes,
            "connect_to_sync_s": {
                "p50": round(percentile(connect_to_sync, 50), 3),
                "p95": round(percentile(connect_to_sync, 95), 3),
                "max": round(max(connect_to_sync), 3),
            },
            "restart_to_last_sync_s": round(max(after_restart), 3),
            "cpu_s": {"server": round(server_cpu, 2), "test_clients": round(clients_cpu, 2)},
            "cards_on_board": len(db["cards"]),
            "loadavg_1min": round(os.getloadavg()[0], 1),
        },
    )


def _probe(client: Client, stop: threading.Event, out: list[tuple[float, float]]) -> None:
    """Read-only calls in a loop: (when, how long) each."""
    while not stop.is_set():
        started = time.monotonic()
        ack = client.try_call("sync", {"last_seq": client.last_seq}, timeout=15)
        assert ack is not None and ack["ok"]
        out.append((started, time.monotonic() - started))
        time.sleep(0.25)  # under the per-connection rate limit (5 per second)


def test_a_database_locked_by_another_process_loses_no_write(room: dict[str, Any]) -> None:
    server: LiveServer = room["server"]
    writers, reader = room["clients"][:10], room["clients"][10]
    _ensure_connected([*writers, reader])
    stop, probes = threading.Event(), []
    probe = threading.Thread(target=_probe, args=(reader, stop, probes), daemon=True)
    probe.start()
    burst = Burst(writers, room["step"], room["column"], "lock").start(per_client=12, pause=0.1)
    time.sleep(0.3)
    # another process (this one) holds the write lock for 2 s, as a backup or a CLI might
    lock = sqlite3.connect(database(server), isolation_level=None, timeout=10)
    lock.execute("BEGIN IMMEDIATE")
    locked_at = time.monotonic()
    time.sleep(2.0)
    lock.execute("ROLLBACK")
    released_at = time.monotonic()
    lock.close()
    burst.join(40)
    stop.set()
    probe.join(20)

    db = read_db(server, room["atelier_id"])
    stored = {cid for cid in db["cards"] if cid.startswith("lock-")}
    assert set(burst.acked) <= stored, "acknowledged but not stored"
    errors = Counter(ack["error"]["code"] for _, ack in burst.refused)
    assert set(errors) <= {"server_error"}, errors
    refused_ids = {cid for cid, _ in burst.refused}
    assert not refused_ids & stored, "refused but stored"
    assert burst.in_flight == {}
    # a refused add is retried with the same client_id until it is stored, exactly once
    for client_id in sorted(refused_ids):
        client, text = burst.sent[client_id]
        ack = client.add(room["step"], room["column"], client_id, text)
        assert ack is not None and ack["ok"], ack
    db = read_db(server, room["atelier_id"])
    _check_log(db)
    assert {cid for cid in db["cards"] if cid.startswith("lock-")} == set(burst.sent)
    assert converge([*writers, reader], db["seq"])
    for client in (*writers, reader):
        assert_same_board(client, db)
    during = [d for t, d in probes if locked_at - 0.5 <= t <= released_at]
    # the server kept answering reads while writes waited for the lock (facilitator.dblock)
    assert any(locked_at < t and t + d < released_at for t, d in probes), probes
    record_figures(
        "database_locked_2s",
        {
            "busy_timeout_ms": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5")),
            "sent": len(burst.sent),
            "acknowledged": len(burst.acked),
            "refused": dict(errors),
            "stored": len(stored),
            "ack_latency_max_s": round(max(burst.latencies), 3),
            "ack_latency_p50_s": round(percentile(burst.latencies, 50), 3),
            "read_probe_max_during_lock_s": round(max(during, default=0.0), 3),
            "read_probe_p50_outside_lock_s": round(
                percentile([d for t, d in probes if t > released_at + 0.5], 50), 3
            ),
        },
    )


def test_two_tabs_of_one_participant(room: dict[str, Any]) -> None:
    server: LiveServer = room["server"]
    token = room["tokens"][PEOPLE - 1]
    tabs = [Client(server.url, token, f"tab{i}").connect() for i in (1, 2)]
    other = room["clients"][0]
    _ensure_connected([other])
    try:
        ids = []
        for i in range(6):
            tab = tabs[i % 2]
            ack = tab.add(room["step"], room["column"], f"tabs-{i:03d}", f"onglets carte {i}")
            assert ack["ok"], ack
            ids.append(ack["card"]["id"])
        # the same retry from the other tab: still one card
        again = tabs[1].add(room["step"], room["column"], "tabs-000", "onglets carte 0")
        assert again["ok"] and again["duplicate"] and again["card"]["id"] == ids[0]
        db = read_db(server, room["atelier_id"])
        _check_log(db)
        assert converge([*tabs, other], db["seq"])
        for tab in (*tabs, other):
            assert_same_board(tab, db)
            assert set(ids) <= set(tab.cards)
        # both tabs receive their author's full card (with client_id)
        assert all(tab.cards[ids[0]].get("client_id") == "tabs-000" for tab in tabs)
    finally:
        for tab in tabs:
            tab.disconnect()
            tab.close_transport()


def test_a_phone_that_sleeps_comes_back_to_the_same_board(room: dict[str, Any]) -> None:
    server: LiveServer = room["server"]
    writers: list[Client] = room["clients"][:BURST_CLIENTS]
    _ensure_connected(writers)
    for client in room["clients"][BURST_CLIENTS:]:
        client.disconnect()
    phone = Client(server.url, room["tokens"][PEOPLE - 2], "phone").connect()
    try:
        asleep = read_db(server, room["atelier_id"])["seq"]
        assert converge([phone], asleep)
        # a short sleep: a few cards, an edit and a delete happen meanwhile → replay
        phone.disconnect()
        acks = [
            writers[i].add(room["step"], room["column"], f"sieste-{i:03d}", f"sieste {i}")
            for i in range(3)
        ]
        assert all(a and a["ok"] for a in acks), acks
        edited = writers[0].try_call(
            "card_edit", {"card_id": acks[0]["card"]["id"], "version": 1, "text": "sieste 0 bis"}
        )
        deleted = writers[1].try_call("card_delete", {"card_id": acks[1]["card"]["id"]})
        assert edited["ok"] and deleted["ok"]
        phone.connect()
        db = read_db(server, room["atelier_id"])
        assert converge([phone], db["seq"])
        short = phone.syncs[-1]
        assert short["mode"] == "replay"
        assert [e["seq"] for e in short["events"]] == list(range(asleep + 1, db["seq"] + 1))
        assert_same_board(phone, db)
        assert phone.cards[acks[0]["card"]["id"]]["text"] == "sieste 0 bis"
        assert acks[1]["card"]["id"] not in phone.cards
        # a long sleep (ten minutes of a busy room): more than REPLAY_LIMIT events → snapshot
        phone.disconnect()
        slept_at = phone.last_seq
        burst = Burst(writers, room["step"], room["column"], "sleep").start(per_client=18)
        burst.join(60)
        assert burst.refused == [] and burst.in_flight == {}
        db = read_db(server, room["atelier_id"])
        assert db["seq"] - slept_at > 500  # REPLAY_LIMIT
        phone.connect()
        assert converge([phone], db["seq"])
        assert phone.syncs[-1]["mode"] == "snapshot"
        assert_same_board(phone, db)
        record_figures(
            "phone_sleeps",
            {
                "short_gap": {"events": len(short["events"]), "sync": short["mode"]},
                "long_gap": {"events": db["seq"] - slept_at, "sync": phone.syncs[-1]["mode"]},
                "cards_on_board": len(db["cards"]),
            },
        )
    finally:
        phone.disconnect()
        phone.close_transport()
