"""What a participant's connect reads (realtime/joining.py, core/joiner.py): one statement
when the board's shared part is current, the same snapshot as one built from scratch, and
nothing missed when an event is delivered between their authentication and the moment
they join the room."""

from __future__ import annotations

from typing import Any

import pytest
from flask import current_app
from sqlalchemy import event

from facilitator.core import joiner, snapshot
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.realtime.relay import relay


def _sync(sock: Any) -> dict[str, Any]:
    [sync] = [m["args"][0] for m in sock.received() if m["name"] == "sync"]
    return sync


def _comparable(snap: dict[str, Any]) -> dict[str, Any]:
    timer = {**snap["atelier"]["timer"], "server_time": 0}
    return {**snap, "atelier": {**snap["atelier"], "timer": timer}}


def test_a_join_onto_a_current_board_reads_one_statement(
    live_atelier: dict[str, Any], connect: Any
) -> None:
    a, step = live_atelier["a"], live_atelier["steps"]["idees"]
    card = {"step_id": step, "client_id": "join-read-0001", "text": "Une idée", "column": "a"}
    assert a.call("card_add", card)["ok"]
    a.call("sync", {"last_seq": 0})  # the shared part of the board at this seq, built
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        second_tab = connect("participant", live_atelier["atelier"], live_atelier["alice"])
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 1, statements
    assert statements[0].startswith("SELECT") and "FROM participant JOIN atelier" in statements[0]
    sync = _sync(second_tab)
    assert sync["seq"] == relay.last[live_atelier["atelier"].id]
    # what a snapshot built from scratch, at the same seq, holds for her
    current_app.config["SNAPSHOT_CACHE_SECONDS"] = 0
    alice = Viewer("participant", live_atelier["atelier"].id, live_atelier["alice"].id)
    fresh = snapshot.snapshot(live_atelier["atelier"], alice, sync["seq"])
    assert _comparable(sync["snapshot"]) == _comparable(fresh)
    assert sync["snapshot"]["me"]["name"] == "Alice"
    assert [c["client_id"] for c in sync["snapshot"]["cards"]] == ["join-read-0001"]  # hers


def test_an_event_delivered_during_authentication_is_not_missed(
    live_atelier: dict[str, Any], connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Her own vote from another tab lands while this connect reads her: the snapshot's seq
    covers it, so her votes are read again (without that, the client would show her
    remaining points one too many until the next vote)."""
    anim, a = live_atelier["anim"], live_atelier["a"]
    step = live_atelier["steps"]["vote"]
    assert anim.call("step_goto", {"step_id": step})["ok"]
    card = anim.call(
        "card_add", {"step_id": step, "client_id": "join-vote-0001", "text": "Enjeu", "column": "a"}
    )["card"]
    read = joiner.read
    cast: list[dict[str, Any]] = []

    def read_then_vote(atelier_id: int, participant_id: int) -> Any:
        found = read(atelier_id, participant_id)
        if not cast:  # once: the vote of her first tab, committed and delivered now
            cast.append(a.call("vote", {"card_id": card["id"], "delta": 1}))
        return found

    monkeypatch.setattr(joiner, "read", read_then_vote)
    second_tab = connect("participant", live_atelier["atelier"], live_atelier["alice"])
    assert cast[0]["ok"] and cast[0]["weight"] == 1
    sync = _sync(second_tab)
    assert sync["seq"] >= cast[0]["seq"]  # the vote's event will not come again
    assert sync["snapshot"]["my_votes"] == {str(card["id"]): 1}


@pytest.mark.parametrize("on_connect", [False, True])
def test_a_card_committed_while_a_replay_is_read_is_not_missed(
    live_atelier: dict[str, Any], connect: Any, monkeypatch: pytest.MonkeyPatch, on_connect: bool
) -> None:
    """Bob's card lands right after Alice's replay was read: her answer's seq must not cover
    it (it is not in the replay), so that its live event, newer than that seq, is applied.
    The seq used to be read after the replay: the card was in neither (the nginx rolling
    restart test saw it, tests/test_nginx_rolling.py). By a reconnect (``last_seq`` in the
    connect) and by a ``sync`` on an open connection."""
    from facilitator.core import events

    a, b, step = live_atelier["a"], live_atelier["b"], live_atelier["steps"]["idees"]
    first = {"step_id": step, "client_id": "join-replay-01", "text": "Avant", "column": "a"}
    last_seq = a.call("card_add", first)["seq"] - 1  # she missed the first card
    real = events.missed
    added: list[dict[str, Any]] = []

    def missed_then_card(*args: Any, **kwargs: Any) -> Any:
        replay = real(*args, **kwargs)
        if not added:  # once: Bob's card, committed and delivered now
            card = {"step_id": step, "client_id": "join-replay-02", "text": "Puis", "column": "a"}
            added.append(b.call("card_add", card))
        return replay

    monkeypatch.setattr(events, "missed", missed_then_card)
    if on_connect:
        alice = connect("participant", live_atelier["atelier"], live_atelier["alice"], last_seq)
        got = alice.received()
        [answer] = [m["args"][0] for m in got if m["name"] == "sync"]
    else:
        alice = a
        alice.received()  # what came before
        answer = alice.call("sync", {"last_seq": last_seq})
        got = alice.received()
    assert added and added[0]["ok"], added
    assert answer["mode"] == "replay"
    replayed = {e["data"]["card"]["id"] for e in answer["events"] if "card" in e["data"]}
    assert len(replayed) == 1  # the first card
    bobs = added[0]["card"]["id"]
    events_ = [m["args"][0] for m in got if m["name"] == "event"]
    live = [e for e in events_ if e["data"].get("card", {}).get("id") == bobs]
    # the client applies an event only when its seq is above the last one it holds
    assert bobs in replayed or any(e["seq"] > answer["seq"] for e in live), (
        answer["seq"],
        replayed,
        [e["seq"] for e in live],
    )


@pytest.mark.parametrize("last_seq", [0, -1])
def test_a_connection_made_while_an_event_is_delivered_gets_it(
    live_atelier: dict[str, Any], connect: Any, monkeypatch: pytest.MonkeyPatch, last_seq: int
) -> None:
    """A delivery may yield after some rooms were sent to (a sub-group's members read from
    PostgreSQL): an animateur connecting right then is in none of the sends, so the event
    must be in their sync (``relay.covered``). Snapshot (last_seq 0) and replay."""
    a, step = live_atelier["a"], live_atelier["steps"]["idees"]
    first = {"step_id": step, "client_id": "join-during-01", "text": "Avant", "column": "a"}
    before = a.call("card_add", first)["seq"]
    real = relay._fan_out
    joined: list[Any] = []

    def fan_out_then_connect(ev: dict[str, Any]) -> None:
        real(ev)
        if not joined and ev["type"] == "card.added":  # the rooms were sent to: then a join
            since = before if last_seq < 0 else 0
            anim = live_atelier["animateur"]
            joined.append(connect("animateur", live_atelier["atelier"], anim, since))

    monkeypatch.setattr(relay, "_fan_out", fan_out_then_connect)
    second = {"step_id": step, "client_id": "join-during-02", "text": "Pendant", "column": "a"}
    ack = a.call("card_add", second)
    assert ack["ok"] and joined
    got = joined[0].received()
    [answer] = [m["args"][0] for m in got if m["name"] == "sync"]
    live = [m["args"][0]["seq"] for m in got if m["name"] == "event"]
    if answer["mode"] == "replay":
        held = {e["data"]["card"]["id"] for e in answer["events"] if "card" in e["data"]}
    else:
        held = {c["id"] for c in answer["snapshot"]["cards"]}
    assert ack["card"]["id"] in held or ack["seq"] in [s for s in live if s > answer["seq"]], (
        answer["seq"],
        held,
        live,
    )
    assert answer["mode"] == ("replay" if last_seq < 0 else "snapshot")
