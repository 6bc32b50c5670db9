"""``questions_essentielles``: phase by phase over Socket.IO (formulation → vote →
validation), merges, conflicts, personal data, and the cycle productions it leaves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from facilitator.core import questions as productions
from facilitator.extensions import db
from facilitator.models.questions import QuestionEssentielle, QuestionRevision

SCRIPT = """
format: 1
id: test-qe
title: Exploration
steps:
  - id: enjeux
    type: cartes
    title: Enjeux
    consigne: Enjeux.
    settings:
      columns: [{id: e, label: Enjeux}]
      votes: {budget: 3, max_per_card: 2}
  - id: questions
    type: questions_essentielles
    title: Questions
    consigne: Formulez.
    settings:
      enjeux_from: enjeux
      votes: {budget: 2, max_per_card: 1}
"""


def act(sock: Any, step_id: int, action: str, **data: Any) -> dict[str, Any]:
    return sock.call("step_action", {"step_id": step_id, "action": action, "data": data})


def of_type(events: list[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["type"] == type_]


@pytest.fixture
def room(
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Any],
    make_participant: Callable[..., Any],
    connect: Callable[..., Any],
) -> dict[str, Any]:
    animateur = make_animateur()
    atelier = make_atelier(animateur, SCRIPT)
    alice = make_participant(atelier, "Alice")
    bob = make_participant(atelier, "Bob")
    anim = connect("animateur", atelier, animateur)
    assert anim.call("atelier_start", {})["ok"]
    steps = {s.key: s.id for s in atelier.steps}
    # enjeux written, clustered and voted in the first step
    cards = []
    for text, cluster in [
        ("Repérer tôt le décrochage", "Repérage"),
        ("Signaux faibles en 6e", "Repérage"),
        ("Associer les parents", None),
    ]:
        ack = anim.call(
            "card_add",
            {
                "step_id": steps["enjeux"],
                "client_id": f"enjeu-{len(cards)}xx",
                "text": text,
                "column": "e",
            },
        )
        card = ack["card"]
        if cluster:
            card = anim.call(
                "card_edit", {"card_id": card["id"], "version": card["version"], "cluster": cluster}
            )["card"]
        cards.append(card)
    a = connect("participant", atelier, alice)
    b = connect("participant", atelier, bob)
    assert a.call("vote", {"card_id": cards[2]["id"], "delta": 1})["ok"]
    assert a.call("vote", {"card_id": cards[2]["id"], "delta": 1})["ok"]
    assert b.call("vote", {"card_id": cards[0]["id"], "delta": 1})["ok"]
    assert anim.call("step_goto", {"step_id": steps["questions"]})["ok"]
    viewer = connect("viewer", atelier)
    for sock in (anim, a, b, viewer):
        sock.received()
    return {
        "atelier": atelier,
        "anim": anim,
        "a": a,
        "b": b,
        "viewer": viewer,
        "step": steps["questions"],
        "alice": alice,
        "bob": bob,
        "animateur": animateur,
    }


def snapshot_state(sock: Any, step_id: int) -> dict[str, Any]:
    ack = sock.call("sync", {"last_seq": 0})
    return ack["snapshot"]["activity"][str(step_id)]


def test_enjeux_are_the_clusters_ranked_by_votes(room: dict[str, Any]) -> None:
    state = snapshot_state(room["a"], room["step"])
    assert state["phase"] == "formulation"
    assert [(e["label"], e["votes"]) for e in state["enjeux"]] == [
        ("Associer les parents", 2),
        ("Repérage", 1),
    ]
    assert state["enjeux"][1]["cards"] == ["Repérer tôt le décrochage", "Signaux faibles en 6e"]
    assert state["votes"] == {"budget": 2, "max_per_card": 1}
    assert state["questions"] == []


def test_formulation_vote_validation(room: dict[str, Any]) -> None:
    step, anim, a, b, viewer = room["step"], room["anim"], room["a"], room["b"], room["viewer"]
    ack = act(
        a, step, "propose", client_id="prop-alice-1", text="Comment repérer tôt ?", enjeu="Repérage"
    )
    assert ack["ok"], ack
    mine = ack["proposal"]
    assert mine["author"]["name"] == "Alice" and mine["enjeu"] == "Repérage"
    # the others see it live (no client id), the viewer too
    seen = of_type(b.events(), "qe.proposal")
    assert seen[-1]["proposal"]["text"] == "Comment repérer tôt ?"
    assert "client_id" not in seen[-1]["proposal"]
    assert of_type(viewer.events(), "qe.proposal")
    # a retry with the same client id adds nothing
    again = act(a, step, "propose", client_id="prop-alice-1", text="Comment repérer tôt ?")
    assert again["ok"] and again["duplicate"] and again["proposal"]["id"] == mine["id"]
    # the author edits; somebody else may not
    edited = act(
        a,
        step,
        "edit",
        proposal_id=mine["id"],
        version=1,
        text="Comment repérer tôt les élèves qui décrochent ?",
    )
    assert edited["ok"] and edited["proposal"]["version"] == 2
    refused = act(b, step, "edit", proposal_id=mine["id"], version=2, text="Autre")
    assert refused["error"]["code"] == "forbidden"
    other = act(
        b,
        step,
        "propose",
        client_id="prop-bob-01",
        text="Comment associer les parents ?",
        enjeu="Associer les parents",
    )["proposal"]
    third = act(anim, step, "propose", client_id="prop-anim-1", text="Qui coordonne ?")["proposal"]
    assert third["by_animateur"]

    # vote phase: no more proposals from participants; budget and cap
    assert act(anim, step, "phase", phase="vote")["ok"]
    late = act(a, step, "propose", client_id="prop-alice-2", text="Trop tard ?")
    assert late["error"]["code"] == "phase"
    assert (
        act(a, step, "edit", proposal_id=mine["id"], version=2, text="x")["error"]["code"]
        == "phase"
    )
    voted = act(a, step, "vote", proposal_id=mine["id"], delta=1)
    assert voted["ok"] and voted["weight"] == 1 and voted["remaining"] == 1
    assert act(a, step, "vote", proposal_id=mine["id"], delta=1)["error"]["code"] == "cap"
    assert act(a, step, "vote", proposal_id=other["id"], delta=1)["ok"]
    assert act(a, step, "vote", proposal_id=third["id"], delta=1)["error"]["code"] == "budget"
    assert act(b, step, "vote", proposal_id=other["id"], delta=1)["ok"]
    assert act(anim, step, "vote", proposal_id=other["id"], delta=1)["error"]["code"] == "forbidden"
    # totals: animateurs live; participants see their own weight only
    anim_votes = of_type(anim.events(), "qe.vote")
    assert anim_votes[-1]["total"] == 2
    b_votes = of_type(b.events(), "qe.vote")
    assert all("total" not in v for v in b_votes)
    assert snapshot_state(b, step)["tallies"] == {}

    # validation: results become public
    assert act(anim, step, "phase", phase="validation")["ok"]
    phase = of_type(b.events(), "qe.phase")[-1]
    assert phase["phase"] == "validation"
    assert phase["tallies"] == {str(mine["id"]): 1, str(other["id"]): 2}
    assert act(a, step, "vote", proposal_id=other["id"], delta=-1)["error"]["code"] == "phase"
    assert act(a, step, "validate", proposal_id=other["id"])["error"]["code"] == "forbidden"
    done = act(anim, step, "validate", proposal_id=other["id"])
    assert done["ok"], done
    assert done["question"]["text"] == "Comment associer les parents ?"
    assert done["question"]["votes"] == 2
    done = act(
        anim,
        step,
        "validate",
        proposal_id=mine["id"],
        text="Comment repérer plus tôt les élèves qui décrochent ?",
    )
    assert done["ok"]
    updates = of_type(viewer.events(), "questions.updated")
    assert [q["text"] for q in updates[-1]["questions"]] == [
        "Comment associer les parents ?",
        "Comment repérer plus tôt les élèves qui décrochent ?",
    ]
    assert [q["number"] for q in updates[-1]["questions"]] == [1, 2]
    # cycle productions, with their history
    rows = db.session.scalars(select(QuestionEssentielle).order_by(QuestionEssentielle.position))
    rows = list(rows)
    assert [q.position for q in rows] == [1, 2]
    assert rows[0].validated_atelier_id == room["atelier"].id
    revisions = db.session.scalars(select(QuestionRevision)).all()
    assert {r.change for r in revisions} == {"validee"}
    # validating twice is refused; undo brings the proposal back and withdraws the question
    assert act(anim, step, "validate", proposal_id=mine["id"])["error"]["code"] == "validated"
    undone = act(anim, step, "unvalidate", proposal_id=mine["id"])
    assert undone["ok"] and undone["proposal"]["status"] == "active"
    assert [q["active"] for q in productions.questions_list(room["atelier"].cycle_id)] == [
        True,
        False,
    ]
    again = act(anim, step, "validate", proposal_id=mine["id"])
    assert again["ok"] and again["question"]["id"] == done["question"]["id"]
    assert again["question"]["number"] is None or again["question"]["active"]


def test_merge_returns_votes_and_keeps_the_wordings(room: dict[str, Any]) -> None:
    step, anim, a, b = room["step"], room["anim"], room["a"], room["b"]
    p1 = act(a, step, "propose", client_id="merge-a-01", text="Comment repérer ?")["proposal"]
    p2 = act(b, step, "propose", client_id="merge-b-01", text="Repérer comment ?")["proposal"]
    assert act(anim, step, "phase", phase="vote")["ok"]
    assert act(a, step, "vote", proposal_id=p2["id"], delta=1)["ok"]
    assert (
        act(b, step, "merge", proposal_ids=[p1["id"], p2["id"]], text="x")["error"]["code"]
        == "forbidden"
    )
    merged = act(
        anim,
        step,
        "merge",
        proposal_ids=[p1["id"], p2["id"]],
        text="Comment repérer tôt le décrochage ?",
    )
    assert merged["ok"], merged
    assert merged["votes_returned"] == 1
    assert merged["proposal"]["merged_from"] == ["Comment repérer ?", "Repérer comment ?"]
    assert merged["proposal"]["enjeu"] == ""
    statuses = {
        e["proposal"]["id"]: e["proposal"]["status"] for e in of_type(a.events(), "qe.proposal")
    }
    assert statuses[p1["id"]] == statuses[p2["id"]] == "merged"
    state = snapshot_state(a, step)
    assert [p["id"] for p in state["proposals"]] == [merged["proposal"]["id"]]
    assert state["my_votes"] == {}
    # the merged ones are gone
    gone = act(anim, step, "edit", proposal_id=p1["id"], version=2, text="y")
    assert gone["error"]["code"] == "not_found"


def test_personal_data_asks_first(room: dict[str, Any]) -> None:
    step, a = room["step"], room["a"]
    text = "Comment aider Kevin, 12 ans, à revenir au collège ?"
    refused = act(a, step, "propose", client_id="pd-alice-01", text=text)
    assert refused["error"]["code"] == "personal_data"
    assert refused["error"]["findings"]
    ok = act(a, step, "propose", client_id="pd-alice-01", text=text, confirm_personal=True)
    assert ok["ok"] and ok["proposal"]["privacy"]
    public = of_type(room["b"].events(), "qe.proposal")[-1]["proposal"]
    assert public["privacy"] == []


def test_anonymous_step_hides_authors(room: dict[str, Any]) -> None:
    step, anim, a, b = room["step"], room["anim"], room["a"], room["b"]
    assert anim.call("step_flags", {"step_id": step, "anonymous": True})["ok"]
    b.received()
    act(a, step, "propose", client_id="anon-alice", text="Comment faire ?")
    public = of_type(b.events(), "qe.proposal")[-1]["proposal"]
    assert public["author"] is None and public["author_id"] is None
    assert of_type(anim.events(), "qe.proposal")[-1]["proposal"]["author"]["name"] == "Alice"


def test_question_conflict_move_remove_restore(room: dict[str, Any]) -> None:
    step, anim, a = room["step"], room["anim"], room["a"]
    assert act(anim, step, "phase", phase="validation")["ok"]
    ids = []
    for i, text in enumerate(["Comment repérer ?", "Comment associer ?", "Qui coordonne ?"]):
        p = act(anim, step, "propose", client_id=f"q-anim-{i:03d}", text=text)["proposal"]
        ids.append(act(anim, step, "validate", proposal_id=p["id"])["question"]["id"])
    edit = act(
        anim,
        step,
        "question_edit",
        question_id=ids[0],
        version=1,
        text="Comment repérer plus tôt ?",
    )
    assert edit["ok"]
    stale = act(anim, step, "question_edit", question_id=ids[0], version=1, text="Autre")
    assert stale["error"]["code"] == "conflict"
    assert stale["error"]["question"]["text"] == "Comment repérer plus tôt ?"
    assert stale["error"]["question"]["version"] == 2
    moved = act(anim, step, "question_move", question_id=ids[2], position=1)
    assert [q["id"] for q in moved["questions"]] == [ids[2], ids[0], ids[1]]
    removed = act(anim, step, "question_remove", question_id=ids[0], version=2)
    assert removed["ok"], removed
    assert "Aucune action" in removed["message_fr"]
    assert [(q["id"], q["number"]) for q in removed["questions"]] == [
        (ids[2], 1),
        (ids[1], 2),
        (ids[0], None),
    ]
    assert (
        act(a, step, "question_remove", question_id=ids[1], version=1)["error"]["code"]
        == "forbidden"
    )
    restored = act(anim, step, "question_restore", question_id=ids[0])
    assert [q["number"] for q in restored["questions"]] == [1, 2, 3]
    history = productions.history(room["atelier"].cycle_id)[ids[0]]
    assert [h["change"] for h in history] == ["restaurée", "retirée", "modifiée", "validée"]


def test_proposals_are_refused_elsewhere(room: dict[str, Any]) -> None:
    step, a, viewer = room["step"], room["a"], room["viewer"]
    assert (
        act(viewer, step, "propose", client_id="viewer-001", text="x")["error"]["code"]
        == "forbidden"
    )
    assert act(a, step, "propose", client_id="short", text="x")["error"]["code"] == "invalid"
    assert act(a, step, "unknown")["error"]["code"] == "invalid"
    assert act(a, step, "propose", client_id="empty-0001", text="  ")["error"]["code"] == "empty"
    long = act(a, step, "propose", client_id="long-00001", text="x" * 301)
    assert long["error"]["code"] == "too_long"
