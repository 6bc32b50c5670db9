"""Votes carry an optional ``expect`` (the voter's weight once counted): a retry after a
lost ack counts once, a stale expectation gets ``conflict`` with the current figures."""

from __future__ import annotations

from typing import Any

from facilitator.extensions import db
from facilitator.models import Event, Vote


def _voting(live: dict[str, Any], key: str = "idem") -> tuple[Any, int]:
    step = live["steps"]["vote"]
    anim = live["anim"]
    assert anim.call("step_goto", {"step_id": step})["ok"]
    card = anim.call(
        "card_add", {"step_id": step, "client_id": f"{key}-card", "text": "Enjeu", "column": "a"}
    )["card"]
    return card, step


def _weight(card_id: int) -> int:
    db.session.expire_all()
    return sum(v.weight for v in db.session.query(Vote).filter_by(contribution_id=card_id))


def _vote_events() -> int:
    db.session.expire_all()
    return db.session.query(Event).filter_by(type="vote.changed").count()


def test_a_retry_after_a_lost_ack_counts_once(live_atelier: dict[str, Any]) -> None:
    card, _ = _voting(live_atelier)
    a = live_atelier["a"]
    first = a.call("vote", {"card_id": card["id"], "delta": 1, "expect": 1})
    assert first["ok"] and first["weight"] == 1 and "unchanged" not in first
    events_before = _vote_events()
    # the ack was lost: the client sends the same vote again
    retry = a.call("vote", {"card_id": card["id"], "delta": 1, "expect": 1})
    assert retry["ok"] is True and retry["unchanged"] is True
    assert retry["weight"] == 1 and retry["used"] == 1 and retry["remaining"] == 2
    assert _weight(card["id"]) == 1
    assert _vote_events() == events_before  # nothing recorded, nothing broadcast
    # the next vote goes on normally
    second = a.call("vote", {"card_id": card["id"], "delta": 1, "expect": 2})
    assert second["ok"] and second["weight"] == 2 and "unchanged" not in second
    # a lost take-back, retried, is not taken back twice
    back = a.call("vote", {"card_id": card["id"], "delta": -1, "expect": 1})
    assert back["weight"] == 1
    again = a.call("vote", {"card_id": card["id"], "delta": -1, "expect": 1})
    assert again["unchanged"] is True and _weight(card["id"]) == 1


def test_a_stale_expectation_gets_conflict(live_atelier: dict[str, Any]) -> None:
    card, step = _voting(live_atelier, "stale")
    a = live_atelier["a"]
    assert a.call("vote", {"card_id": card["id"], "delta": 1})["weight"] == 1
    # the client believes it has 2 dots on the card and adds a third
    stale = a.call("vote", {"card_id": card["id"], "delta": 1, "expect": 3})
    assert stale["ok"] is False
    error = stale["error"]
    assert error["code"] == "conflict"
    assert error["weight"] == 1 and error["used"] == 1
    assert error["card_id"] == card["id"] and error["step_id"] == step
    assert _weight(card["id"]) == 1


def test_without_expect_every_vote_counts(live_atelier: dict[str, Any]) -> None:
    card, _ = _voting(live_atelier, "plain")
    a = live_atelier["a"]
    assert a.call("vote", {"card_id": card["id"], "delta": 1})["weight"] == 1
    repeat = a.call("vote", {"card_id": card["id"], "delta": 1})
    assert repeat["weight"] == 2 and "unchanged" not in repeat
    assert _weight(card["id"]) == 2


def test_expect_is_validated(live_atelier: dict[str, Any]) -> None:
    card, _ = _voting(live_atelier, "neg")
    bad = live_atelier["a"].call("vote", {"card_id": card["id"], "delta": 1, "expect": -1})
    assert bad["ok"] is False and _weight(card["id"]) == 0
