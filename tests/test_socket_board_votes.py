"""Socket.IO integration, the board's votes: budget and cap per card, tallies hidden until
revealed, who may not vote, and a vote step that carries the cards of an earlier step."""

from __future__ import annotations

from typing import Any

from facilitator.extensions import db
from facilitator.models import Contribution, Vote


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
