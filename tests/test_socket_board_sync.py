"""Socket.IO integration, staying in sync: the snapshot on connecting, forged tokens, the
animateur's follow-me and timer reaching everyone, and the replay of missed events after a
reconnection (or a snapshot when too far behind)."""

from __future__ import annotations

from typing import Any

from tests.socket_board_helpers import add


def test_connect_sends_a_snapshot(live_atelier: dict[str, Any], connect: Any) -> None:
    sock = connect("participant", live_atelier["atelier"], live_atelier["alice"])
    [sync] = [m["args"][0] for m in sock.received() if m["name"] == "sync"]
    assert sync["mode"] == "snapshot"
    snap = sync["snapshot"]
    assert snap["me"]["name"] == "Alice"
    assert snap["atelier"]["state"] == "en_cours"
    assert snap["atelier"]["current_step_id"] == live_atelier["steps"]["idees"]
    assert [s["key"] for s in snap["steps"]] == ["idees", "vote", "secret"]


def test_bad_token_is_refused(app: Any) -> None:
    from facilitator.extensions import socketio

    for auth in ({"token": "forged"}, {}, None, {"token": 12}):
        client = socketio.test_client(app, auth=auth)
        assert not client.is_connected()


def test_follow_me_and_timer_reach_everyone(live_atelier: dict[str, Any]) -> None:
    anim, a = live_atelier["anim"], live_atelier["a"]
    anim.call("step_goto", {"step_id": live_atelier["steps"]["vote"]})
    anim.call("timer", {"action": "start", "seconds": 300})
    anim.call("timer", {"action": "pause"})
    changed, started, paused = a.events()
    assert changed["data"]["current_step_id"] == live_atelier["steps"]["vote"]
    assert [s["status"] for s in changed["data"]["steps"]] == ["done", "active", "pending"]
    assert started["data"]["timer"]["running"] is True and started["data"]["timer"]["total"] == 300
    assert paused["data"]["timer"]["running"] is False
    assert 299 <= paused["data"]["timer"]["remaining"] <= 300
    assert changed["seq"] < started["seq"] < paused["seq"]


def test_replay_after_reconnect_has_exactly_the_missed_events(
    live_atelier: dict[str, Any], connect: Any
) -> None:
    a, b = live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["idees"]
    add(a, step, "avant")
    last_seen = b.events()[-1]["seq"]
    b.disconnect()
    acks = [add(a, step, f"pendant {i}") for i in range(3)]
    assert all(ack["ok"] for ack in acks), acks
    missed = [ack["card"]["id"] for ack in acks]
    again = connect("participant", live_atelier["atelier"], live_atelier["bob"], last_seq=last_seen)
    [sync] = [m["args"][0] for m in again.received() if m["name"] == "sync"]
    assert sync["mode"] == "replay"
    assert [e["data"]["card"]["id"] for e in sync["events"]] == missed
    assert all(e["seq"] > last_seen for e in sync["events"])


def test_replay_too_far_behind_gives_a_snapshot(
    live_atelier: dict[str, Any], connect: Any, app: Any
) -> None:
    app.config["REPLAY_LIMIT"] = 2
    a = live_atelier["a"]
    for i in range(4):
        add(a, live_atelier["steps"]["idees"], f"carte {i}")
    sock = connect("participant", live_atelier["atelier"], live_atelier["bob"], last_seq=1)
    [sync] = [m["args"][0] for m in sock.received() if m["name"] == "sync"]
    assert sync["mode"] == "snapshot"
    assert len(sync["snapshot"]["cards"]) == 4
    # a seq from the future (database reset) also gets a snapshot
    sock2 = connect("participant", live_atelier["atelier"], live_atelier["bob"], last_seq=10**6)
    [sync2] = [m["args"][0] for m in sock2.received() if m["name"] == "sync"]
    assert sync2["mode"] == "snapshot"
