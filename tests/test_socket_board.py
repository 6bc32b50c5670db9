"""Socket.IO integration: acks, what the others in the room receive, and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.core import cards as board
from facilitator.extensions import db
from facilitator.models import Contribution, Event, Vote


def add(sock: Any, step_id: int, text: str = "Une idée", column: str = "a", cid: str = "") -> Any:
    return sock.call(
        "card_add",
        {
            "step_id": step_id,
            "client_id": cid or f"c{abs(hash(text)) % 10**12:012d}",
            "text": text,
            "column": column,
        },
    )


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


def test_card_is_acknowledged_then_broadcast_with_seq(live_atelier: dict[str, Any]) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    ack = add(a, live_atelier["steps"]["idees"], "  Mieux connaître les dispositifs  ")
    assert ack["ok"] is True
    assert ack["card"]["text"] == "Mieux connaître les dispositifs"
    assert ack["card"]["author"]["name"] == "Alice"
    seq = ack["seq"]
    [seen_by_b] = b.events()
    [seen_by_anim] = anim.events()
    assert seen_by_b == {
        "seq": seq,
        "type": "card.added",
        "data": {"card": seen_by_b["data"]["card"]},
    }
    assert seen_by_b["data"]["card"]["text"] == "Mieux connaître les dispositifs"
    assert "client_id" not in seen_by_b["data"]["card"]
    assert seen_by_anim["seq"] == seq
    # stored before it was acknowledged
    assert db.session.get(Contribution, ack["card"]["id"]) is not None
    assert db.session.query(Event).filter_by(seq=seq).one().type == "card.added"


def test_retried_add_does_not_duplicate(live_atelier: dict[str, Any]) -> None:
    a, b = live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["idees"]
    first = add(a, step, "Une seule fois", cid="retry-123456")
    again = add(a, step, "Une seule fois", cid="retry-123456")
    assert again["ok"] and again["duplicate"] is True
    assert again["card"]["id"] == first["card"]["id"]
    assert len(b.events()) == 1
    assert db.session.query(Contribution).count() == 1
    # someone else reusing the id is refused
    stolen = add(live_atelier["b"], step, "Autre", cid="retry-123456")
    assert stolen["error"]["code"] == "client_id_taken"


@pytest.mark.parametrize(
    ("text", "column", "code"),
    [("   ", "a", "empty"), ("x" * 501, "a", "too_long"), ("ok", "zz", "bad_column")],
)
def test_bad_cards_are_refused_in_french(
    live_atelier: dict[str, Any], text: str, column: str, code: str
) -> None:
    ack = add(live_atelier["a"], live_atelier["steps"]["idees"], text, column)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert ack["error"]["message_fr"]
    assert live_atelier["b"].events() == []
    assert db.session.query(Contribution).count() == 0


def test_card_of_exactly_500_characters_is_accepted(live_atelier: dict[str, Any]) -> None:
    assert add(live_atelier["a"], live_atelier["steps"]["idees"], "é" * 500)["ok"]


def test_only_the_current_step_takes_participant_cards(live_atelier: dict[str, Any]) -> None:
    ack = add(live_atelier["a"], live_atelier["steps"]["vote"], "trop tôt")
    assert ack["error"]["code"] == "step_not_current"


def test_locked_step_refuses_cards(live_atelier: dict[str, Any]) -> None:
    step = live_atelier["steps"]["idees"]
    assert live_atelier["anim"].call("step_flags", {"step_id": step, "locked": True})["ok"]
    [event] = live_atelier["a"].events()
    assert event["type"] == "step.updated" and event["data"]["step"]["locked"] is True
    ack = add(live_atelier["a"], step, "après verrouillage")
    assert ack["error"]["code"] == "locked"
    assert "verrouillées" in ack["error"]["message_fr"]


def test_edit_own_card_with_version_check(live_atelier: dict[str, Any]) -> None:
    a, b = live_atelier["a"], live_atelier["b"]
    card = add(a, live_atelier["steps"]["idees"], "premier jet")["card"]
    b.events()
    ok = a.call(
        "card_edit", {"card_id": card["id"], "version": 1, "text": "version 2", "column": "b"}
    )
    assert ok["ok"] and ok["card"]["version"] == 2 and ok["card"]["column"] == "b"
    [event] = b.events()
    assert event["type"] == "card.updated" and event["data"]["card"]["text"] == "version 2"
    stale = a.call("card_edit", {"card_id": card["id"], "version": 1, "text": "écrase ?"})
    assert stale["error"]["code"] == "conflict"
    assert stale["error"]["card"]["text"] == "version 2"


def test_cannot_edit_or_delete_someone_elses_card(live_atelier: dict[str, Any]) -> None:
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "à Alice")["card"]
    b = live_atelier["b"]
    edit = b.call("card_edit", {"card_id": card["id"], "version": 1, "text": "piraté"})
    delete = b.call("card_delete", {"card_id": card["id"]})
    assert edit["error"]["code"] == "forbidden"
    assert delete["error"]["code"] == "forbidden"
    assert db.session.get(Contribution, card["id"]).text == "à Alice"


def test_participant_cannot_cluster(live_atelier: dict[str, Any]) -> None:
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "x")["card"]
    ack = live_atelier["a"].call("card_edit", {"card_id": card["id"], "version": 1, "cluster": "G"})
    assert ack["error"]["code"] == "forbidden"


def test_animateur_clusters_moves_and_deletes_any_card(live_atelier: dict[str, Any]) -> None:
    anim, b = live_atelier["anim"], live_atelier["b"]
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "à ranger")["card"]
    b.events()
    ack = anim.call(
        "card_edit", {"card_id": card["id"], "version": 1, "cluster": "Parents", "column": "b"}
    )
    assert ack["ok"] and ack["card"]["cluster"] == "Parents" and ack["card"]["column"] == "b"
    ack = anim.call("card_edit", {"card_id": card["id"], "version": 2, "cluster": None})
    assert ack["card"]["cluster"] is None
    assert anim.call("card_delete", {"card_id": card["id"]})["ok"]
    types = [e["type"] for e in b.events()]
    assert types == ["card.updated", "card.updated", "card.deleted"]
    again = live_atelier["a"].call("card_delete", {"card_id": card["id"]})
    assert again["error"]["code"] == "not_found"


def _to_vote_step(live: dict[str, Any]) -> int:
    step = live["steps"]["vote"]
    assert live["anim"].call("step_goto", {"step_id": step})["ok"]
    return step


def test_votes_respect_budget_and_cap(live_atelier: dict[str, Any]) -> None:
    step = _to_vote_step(live_atelier)
    anim, a = live_atelier["anim"], live_atelier["a"]
    c1 = anim.call(
        "card_add", {"step_id": step, "client_id": "vote-card-1", "text": "Enjeu 1", "column": "a"}
    )["card"]
    c2 = anim.call(
        "card_add", {"step_id": step, "client_id": "vote-card-2", "text": "Enjeu 2", "column": "a"}
    )["card"]
    assert a.call("vote", {"card_id": c1["id"], "delta": 1})["remaining"] == 2
    assert a.call("vote", {"card_id": c1["id"], "delta": 1})["weight"] == 2
    cap = a.call("vote", {"card_id": c1["id"], "delta": 1})
    assert cap["error"]["code"] == "cap"
    assert a.call("vote", {"card_id": c2["id"], "delta": 1})["remaining"] == 0
    over = a.call("vote", {"card_id": c2["id"], "delta": 1})
    assert over["error"]["code"] == "budget" and "3 sur 3" in over["error"]["message_fr"]
    assert a.call("vote", {"card_id": c2["id"], "delta": -1})["remaining"] == 1
    none_left = a.call("vote", {"card_id": c2["id"], "delta": -1})
    assert none_left["error"]["code"] == "no_vote_here"
    assert sum(v.weight for v in db.session.query(Vote)) == 2


def test_tallies_hidden_until_revealed(live_atelier: dict[str, Any]) -> None:
    step = _to_vote_step(live_atelier)
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    card = anim.call(
        "card_add", {"step_id": step, "client_id": "tally-card", "text": "E", "column": "a"}
    )["card"]
    for s in (anim, a, b):
        s.received()
    mine = a.call("vote", {"card_id": card["id"], "delta": 1})
    assert "total" not in mine
    assert b.events() == []  # nothing leaks to the others
    [anim_event] = anim.events()
    assert anim_event["data"]["total"] == 1
    [own_event] = a.events()
    assert own_event["data"]["weight"] == 1 and "total" not in own_event["data"]
    anim.call("step_flags", {"step_id": step, "results_visible": True})
    [reveal] = b.events()
    assert reveal["data"]["tallies"] == {str(card["id"]): 1}
    b_vote = b.call("vote", {"card_id": card["id"], "delta": 1})
    assert b_vote["total"] == 2
    [after] = a.events()[-1:]
    assert after["type"] == "vote.changed" and after["data"]["total"] == 2


def test_viewer_and_animateur_cannot_vote(live_atelier: dict[str, Any], connect: Any) -> None:
    step = _to_vote_step(live_atelier)
    anim = live_atelier["anim"]
    card = anim.call(
        "card_add", {"step_id": step, "client_id": "nv-card-1", "text": "E", "column": "a"}
    )["card"]
    viewer = connect("viewer", live_atelier["atelier"])
    assert viewer.call("vote", {"card_id": card["id"], "delta": 1})["error"]["code"] == "forbidden"
    assert anim.call("vote", {"card_id": card["id"], "delta": 1})["error"]["code"] == "forbidden"
    ro = viewer.call(
        "card_add", {"step_id": step, "client_id": "viewer-card", "text": "x", "column": "a"}
    )
    assert ro["error"]["code"] == "forbidden"


def test_hidden_cards_are_face_down_until_revealed(live_atelier: dict[str, Any]) -> None:
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["secret"]
    anim.call("step_goto", {"step_id": step})
    for s in (anim, a, b):
        s.received()
    ack = add(a, step, "Mon idée secrète")
    assert ack["card"]["text"] == "Mon idée secrète"
    [to_b] = b.events()
    assert to_b["data"]["card"]["face_down"] is True
    assert to_b["data"]["card"]["text"] is None and to_b["data"]["card"]["author"] is None
    [to_anim] = anim.events()
    assert to_anim["data"]["card"]["text"] == "Mon idée secrète"
    own = a.events()
    assert own[0]["data"]["card"]["text"] == "Mon idée secrète"  # own version first, same seq
    assert {e["seq"] for e in own} == {ack["seq"]}
    anim.call("step_flags", {"step_id": step, "cards_visible": True})
    [reveal] = b.events()
    assert [c["text"] for c in reveal["data"]["cards"]] == ["Mon idée secrète"]


def test_anonymous_step_hides_authors(live_atelier: dict[str, Any]) -> None:
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["idees"]
    anim.call("step_flags", {"step_id": step, "anonymous": True})
    b.received()
    add(a, step, "anonyme")
    [event] = b.events()
    assert event["data"]["card"]["author"] is None
    assert event["data"]["card"]["text"] == "anonyme"


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


def test_participants_cannot_steer(live_atelier: dict[str, Any]) -> None:
    a = live_atelier["a"]
    for event, payload in [
        ("step_goto", {"step_id": live_atelier["steps"]["vote"]}),
        ("step_flags", {"step_id": live_atelier["steps"]["idees"], "locked": True}),
        ("timer", {"action": "start", "seconds": 60}),
        ("atelier_close", {}),
    ]:
        assert a.call(event, payload)["error"]["code"] == "forbidden", event


def test_closed_atelier_refuses_everything(live_atelier: dict[str, Any]) -> None:
    anim, a = live_atelier["anim"], live_atelier["a"]
    assert anim.call("atelier_close", {})["ok"]
    [event] = a.events()
    assert event["data"]["atelier"]["state"] == "clos"
    assert add(a, live_atelier["steps"]["idees"], "trop tard")["error"]["code"] == "closed"
    assert live_atelier["atelier"].join_code is None


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "texte",
        42,
        [],
        [1, 2],
        {},
        {"step_id": "1", "client_id": "abcdefgh", "text": "x", "column": "a"},
        {"step_id": 1, "client_id": "abc", "text": "x", "column": "a"},
        {"step_id": 1, "client_id": "abcdefgh", "text": ["x"], "column": "a"},
        {"step_id": 1, "client_id": "abcdefgh", "text": "x", "column": "a", "participant_id": 2},
        {"step_id": 10**30, "client_id": "abcdefgh", "text": "x", "column": "a"},
        {"step_id": 999999, "client_id": "abcdefgh", "text": "x", "column": "a"},
        {"step_id": -1, "client_id": "abcdefgh", "text": "x", "column": "a"},
        {"step_id": True, "client_id": "abcdefgh", "text": "x", "column": "a"},
        {"step_id": 1.5, "client_id": "abcdefgh", "text": "x", "column": "a"},
        {"a": {"b": {"c": [None] * 100}}},
    ],
)
def test_malformed_payloads_get_a_french_error(live_atelier: dict[str, Any], payload: Any) -> None:
    ack = live_atelier["a"].call("card_add", payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] in {"invalid", "not_found"}
    assert ack["error"]["message_fr"]
    # the server still serves
    assert add(live_atelier["a"], live_atelier["steps"]["idees"], "toujours là")["ok"]


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("vote", {"card_id": 1, "delta": 5}),
        ("card_edit", {"card_id": 1, "version": 1, "position": float("nan")}),
        ("timer", {"action": "explode"}),
        ("step_flags", {"step_id": 1, "hidden": True}),
        ("sync", {"last_seq": -4}),
    ],
)
def test_other_malformed_events(live_atelier: dict[str, Any], event: str, payload: Any) -> None:
    ack = live_atelier["anim"].call(event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"


def test_unknown_event_and_extra_arguments(live_atelier: dict[str, Any]) -> None:
    a = live_atelier["a"]
    assert a.call("drop_tables", {})["error"]["code"] == "unknown_event"
    assert a.call("card_delete", {"card_id": 1}, {"x": 1})["error"]["code"] == "invalid"


def test_rate_limit_answers_in_french(live_atelier: dict[str, Any]) -> None:
    a = live_atelier["a"]
    codes = [a.call("sync", {"last_seq": 0}).get("error", {}).get("code") for _ in range(40)]
    assert "rate_limited" in codes
    assert codes[0] is None


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


def test_participant_of_another_atelier_cannot_touch_this_one(
    live_atelier: dict[str, Any], make_atelier: Any, make_participant: Any, connect: Any
) -> None:
    other = make_atelier()
    intruder = make_participant(other, "Intrus")
    # a token for this atelier naming a participant of another cycle is refused
    assert not connect("participant", live_atelier["atelier"], intruder).connected
    # connected to their own atelier, they cannot reach this one's cards
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "ici")["card"]
    sock = connect("participant", other, intruder)
    ack = sock.call("card_delete", {"card_id": card["id"]})
    assert ack["error"]["code"] == "not_found"
    assert board.MAX_CARD_LENGTH == 500


def test_personal_data_asks_the_author_first(live_atelier: dict[str, Any]) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    step = live_atelier["steps"]["idees"]
    payload = {
        "step_id": step,
        "client_id": "privacy-card-1",
        "text": "Kevin, 12 ans, ne vient plus",
        "column": "a",
    }
    refused = a.call("card_add", payload)
    assert refused["error"]["code"] == "personal_data"
    assert refused["error"]["findings"][0]["kind"] == "name_age"
    assert "reformulez" in refused["error"]["message_fr"]
    assert b.events() == [] and db.session.query(Contribution).count() == 0
    confirmed = a.call("card_add", {**payload, "confirm_personal": True})
    assert confirmed["ok"] and confirmed["card"]["privacy"] == ["name_age"]
    [to_anim] = anim.events()
    assert to_anim["data"]["card"]["privacy"] == ["name_age"]
    [to_b] = b.events()
    assert to_b["data"]["card"]["privacy"] == []


def test_animateur_masks_a_card(live_atelier: dict[str, Any]) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    card = add(a, live_atelier["steps"]["idees"], "à masquer")["card"]
    b.events()
    assert a.call("card_mask", {"card_id": card["id"], "masked": True})["error"]["code"] == (
        "forbidden"
    )
    ack = anim.call("card_mask", {"card_id": card["id"], "masked": True})
    assert ack["ok"] and ack["card"]["masked"] is True and ack["card"]["text"] == "à masquer"
    [to_b] = b.events()
    assert to_b["data"]["card"]["masked"] is True
    assert to_b["data"]["card"]["text"] is None and to_b["data"]["card"]["author"] is None
    assert (
        anim.call("card_mask", {"card_id": card["id"], "masked": False})["card"]["masked"] is False
    )


def test_cards_from_carries_the_cards_of_an_earlier_step(
    make_animateur: Any, make_atelier: Any, make_participant: Any, connect: Any
) -> None:
    from tests.conftest import SCRIPT

    script = SCRIPT.replace(
        "      votes: {budget: 3, max_per_card: 2}",
        "      votes: {budget: 3, max_per_card: 2}\n      cards_from: idees",
    )
    animateur = make_animateur()
    atelier = make_atelier(animateur, script)
    alice = make_participant(atelier, "Alice")
    anim, a = connect("animateur", atelier, animateur), connect("participant", atelier, alice)
    anim.call("atelier_start", {})
    steps = {s.key: s.id for s in atelier.steps}
    for i, column in enumerate(("a", "b")):
        a.call(
            "card_add",
            {
                "step_id": steps["idees"],
                "client_id": f"carry-{i:05d}",
                "text": f"E{i}",
                "column": column,
            },
        )
    gone = a.call(
        "card_add",
        {"step_id": steps["idees"], "client_id": "carry-gone", "text": "x", "column": "a"},
    )
    anim.call("card_delete", {"card_id": gone["card"]["id"]})
    anim.call("card_edit", {"card_id": 1, "version": 1, "cluster": "Parents"})
    a.received()
    assert anim.call("step_goto", {"step_id": steps["vote"]})["ok"]
    received = list({e["seq"]: e for e in reversed(a.events())}.values())[::-1]  # first per seq
    assert [e["type"] for e in received] == ["step.changed", "card.added", "card.added"]
    copies = [e["data"]["card"] for e in received[1:]]
    assert [(c["text"], c["column"], c["cluster"]) for c in copies] == [
        ("E0", "a", "Parents"),
        ("E1", "a", None),  # column b does not exist in the vote step
    ]
    assert all(c["step_id"] == steps["vote"] and c["author"]["name"] == "Alice" for c in copies)
    # going back and forth does not copy twice
    anim.call("step_goto", {"step_id": steps["idees"]})
    anim.call("step_goto", {"step_id": steps["vote"]})
    assert db.session.query(Contribution).filter_by(step_id=steps["vote"]).count() == 2
    vote = a.call("vote", {"card_id": copies[0]["id"], "delta": 1})
    assert vote["ok"]
