"""Merged votes stay within the step's budget (issue 16): when both people voted in the
same step, the kept person ends with at most the step's budget (and cap per card); the
surplus goes from the oldest votes first, the merge says so, and running ateliers get the
new tallies."""

from __future__ import annotations

from typing import Any

from facilitator.core import merge
from facilitator.extensions import db
from facilitator.models import Vote
from tests.test_atelier_planning import login


def test_a_merge_keeps_the_kept_person_within_the_budget(
    live_atelier: dict[str, Any], make_participant: Any, connect: Any, client: Any
) -> None:
    atelier, anim, alice = live_atelier["atelier"], live_atelier["anim"], live_atelier["alice"]
    step = live_atelier["steps"]["vote"]  # budget 3, at most 2 per card
    assert anim.call("step_goto", {"step_id": step})["ok"]
    cards = []
    for i in range(3):
        payload = {"step_id": step, "client_id": f"budget-card-{i}", "text": f"Idée {i}",
                   "column": "a"}  # fmt: skip
        cards.append(anim.call("card_add", payload)["card"]["id"])
    second = make_participant(atelier, "alice")
    phone = connect("participant", atelier, second)
    a = live_atelier["a"]
    # Alice's whole budget: 2 on card 0 (her oldest vote), 1 on card 1; the phone's whole
    # budget: 2 on card 2, 1 on card 1 (the same card: the latest row is kept)
    for sock, card, times in ((a, 0, 2), (a, 1, 1), (phone, 2, 2), (phone, 1, 1)):
        for _ in range(times):
            assert sock.call("vote", {"card_id": cards[card], "delta": 1})["ok"]
    anim.received()
    a.received()
    login(client, live_atelier["animateur"])
    url = f"/animateur/cycles/{atelier.cycle_id}/participants/fusionner"
    r = client.post(url, data={"keep_id": alice.id, "gone_id": second.id}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Votes de l&#39;étape « " in page and "2 points au-delà du budget de 3" in page
    db.session.expire_all()
    mine = {
        v.contribution_id: v.weight
        for v in db.session.query(Vote).filter_by(participant_id=alice.id, step_id=step)
    }
    assert mine == {cards[1]: 1, cards[2]: 2}  # card 0, the oldest, gave up its 2 points
    told = {e["data"]["card_id"]: e["data"] for e in anim.events() if e["type"] == "vote.changed"}
    assert told[cards[0]]["total"] == 0 and told[cards[0]]["used"] == 3
    # the kept person is told their remaining budget like after a vote
    assert [e["data"] for e in a.events() if e["type"] == "vote.changed"] == [
        {"step_id": step, "card_id": cards[0], "weight": 0, "used": 3}
    ]


def test_the_trim_is_deterministic_and_respects_the_cap(
    live_atelier: dict[str, Any], make_participant: Any
) -> None:
    """Rows written directly (a cap lowered since, say): 3 on a card capped at 2 loses one,
    then the oldest go until the budget holds; nothing else is touched."""
    atelier, alice = live_atelier["atelier"], live_atelier["alice"]
    step = live_atelier["steps"]["vote"]
    anim = live_atelier["anim"]
    assert anim.call("step_goto", {"step_id": step})["ok"]
    cards = [
        anim.call(
            "card_add",
            {"step_id": step, "client_id": f"cap-card-{i}", "text": f"Idée {i}", "column": "a"},
        )["card"]["id"]
        for i in range(3)
    ]
    second = make_participant(atelier, "Alice B.")
    db.session.add_all(
        [
            Vote(step_id=step, participant_id=second.id, contribution_id=cards[0], weight=3),
            Vote(step_id=step, participant_id=alice.id, contribution_id=cards[1], weight=1),
            Vote(step_id=step, participant_id=second.id, contribution_id=cards[2], weight=2),
        ]
    )
    db.session.commit()
    result = merge.merge_participants(atelier.cycle_id, alice.id, second.id)
    assert any("3 points au-delà du budget de 3 (ou de 2 par carte)" in n for n in result.notes)
    db.session.expire_all()
    mine = {
        v.contribution_id: v.weight
        for v in db.session.query(Vote).filter_by(participant_id=alice.id)
    }
    # cap: card 0 3 → 2; budget: 5 → 3, from the oldest row (card 0) first
    assert mine == {cards[1]: 1, cards[2]: 2}
