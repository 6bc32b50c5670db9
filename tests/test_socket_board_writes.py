"""Socket.IO integration, the write of a card (docs/performance.md, « Fifth pass »): the
statements an add and an edit take, the position a new card gets from its INSERT, an edit
that raced another one (the optimistic lock checked by the UPDATE itself, under the
atelier's row lock), control characters in a cluster name. Collected again on PostgreSQL
by tests/test_pg_board.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from facilitator.core import events, groups
from facilitator.extensions import db
from facilitator.models import Contribution, Event
from tests.socket_board_helpers import add


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        db.session.remove()  # nothing loaded beforehand: the write reads what it needs
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def kinds(seen: list[str]) -> list[str]:
    """``SELECT``, ``UPDATE atelier``, ``INSERT INTO contribution``… of each statement."""
    out = []
    for s in seen:
        words = s.replace('"', "").split()
        verb = words[0]
        table = {"SELECT": None, "UPDATE": words[1], "INSERT": words[2]}.get(verb)
        out.append(verb if table is None else f"{verb} {table}")
    return out


def test_an_add_takes_four_statements(live_atelier: dict[str, Any]) -> None:
    step = live_atelier["steps"]["idees"]
    add(live_atelier["a"], step, "avant")
    with statements() as seen:
        ack = add(live_atelier["a"], step, "Une carte de plus")
    assert ack["ok"] and ack["card"]["author"]["name"] == "Alice"
    assert ack["card"]["author"]["structure"]  # named with the structure, from one query
    assert kinds(seen) == [
        "SELECT",  # the step, its atelier, the author and their structure
        "UPDATE atelier",  # the seq
        "INSERT contribution",  # with its position
        "INSERT event",
    ], seen


def test_an_edit_takes_four_statements(live_atelier: dict[str, Any]) -> None:
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "premier jet")["card"]
    with statements() as seen:
        ack = live_atelier["a"].call(
            "card_edit", {"card_id": card["id"], "version": 1, "text": "second jet"}
        )
    assert ack["ok"] and ack["card"]["version"] == 2 and ack["card"]["text"] == "second jet"
    assert ack["card"]["author"]["name"] == "Alice"
    assert kinds(seen) == ["SELECT", "UPDATE atelier", "UPDATE contribution", "INSERT event"]
    db.session.expire_all()
    stored = db.session.get(Contribution, card["id"])
    assert (stored.text, stored.version) == ("second jet", 2)
    assert stored.data["privacy"] == []
    assert stored.updated_at > stored.created_at


def test_a_new_card_goes_last_in_its_column(live_atelier: dict[str, Any]) -> None:
    a, anim = live_atelier["a"], live_atelier["anim"]
    step = live_atelier["steps"]["idees"]
    first = add(a, step, "un", "a")["card"]
    assert [first["position"], add(a, step, "deux", "a")["card"]["position"]] == [1, 2]
    assert add(a, step, "ailleurs", "b")["card"]["position"] == 1
    moved = anim.call("card_edit", {"card_id": first["id"], "version": 1, "position": 10.5})
    assert moved["ok"] and moved["card"]["position"] == 10.5
    last = add(live_atelier["b"], step, "trois", "a")["card"]
    assert last["position"] == 11.5
    db.session.expire_all()
    assert db.session.get(Contribution, last["id"]).position == 11.5


@pytest.mark.parametrize("by", ["a", "anim"])
def test_an_edit_that_raced_another_is_refused_with_the_fresh_card(
    live_atelier: dict[str, Any], monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """The card changed between the edit's read and its write (another process, another
    greenlet): before, the second write overwrote the first with the same version number."""
    a, b = live_atelier["a"], live_atelier["b"]
    card = add(a, live_atelier["steps"]["idees"], "premier jet")["card"]
    seq = events.current_seq(live_atelier["atelier"].id)
    b.events()
    db.session.remove()
    checked = groups.require_sees

    def meanwhile(*args: Any) -> None:  # after the edit read the card, before it writes
        checked(*args)
        with db.engine.begin() as other:
            other.execute(
                text("UPDATE contribution SET text = 'écrit ailleurs', version = 2 WHERE id = :i"),
                {"i": card["id"]},
            )

    monkeypatch.setattr(groups, "require_sees", meanwhile)
    ack = live_atelier[by].call(
        "card_edit", {"card_id": card["id"], "version": 1, "text": "écrase ?"}
    )
    monkeypatch.undo()
    assert ack["ok"] is False and ack["error"]["code"] == "conflict"
    assert ack["error"]["card"]["text"] == "écrit ailleurs"
    assert ack["error"]["card"]["version"] == 2
    # nothing recorded, nothing sent, the seq not taken
    assert events.current_seq(live_atelier["atelier"].id) == seq
    assert b.events() == []
    db.session.expire_all()
    assert db.session.get(Contribution, card["id"]).text == "écrit ailleurs"
    assert db.session.query(Event).filter(Event.seq > seq).count() == 0
    # the fresh version is accepted
    ok = live_atelier[by].call("card_edit", {"card_id": card["id"], "version": 2, "text": "bon"})
    assert ok["ok"] and ok["card"]["version"] == 3 and ok["seq"] == seq + 1


def test_a_cluster_name_loses_its_control_characters(live_atelier: dict[str, Any]) -> None:
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "à ranger")["card"]
    ack = live_atelier["anim"].call(
        "card_edit", {"card_id": card["id"], "version": 1, "cluster": " Pa\x00ren\x1bts "}
    )
    assert ack["ok"] and ack["card"]["cluster"] == "Parents"
    db.session.expire_all()
    assert db.session.get(Contribution, card["id"]).cluster == "Parents"
