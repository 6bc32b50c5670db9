"""Socket.IO integration, refusals: participants cannot steer, a closed atelier refuses
everything, malformed payloads and unknown events get an error ack in French and change
nothing, the rate limit, and a participant of another atelier."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.core import cards as board
from tests.socket_board_helpers import add


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
