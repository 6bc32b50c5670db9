"""``charte``, the adoption vote over Socket.IO: only a frozen version is put to the vote,
ballots by structure or by participant, quorum and threshold, signatories, results hidden
or shown while the vote runs, and the adopted charte in documents and cycle exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from facilitator.activities.charte.models import CharteSignatory, CharteVersion
from facilitator.cycle_life import portability
from facilitator.documents import compile_document
from facilitator.extensions import db
from tests import charte_helpers
from tests.charte_helpers import act, draft, of_type, script_with, state_of

# the room fixtures, found by pytest as attributes of this module
make_room, room = charte_helpers.make_room, charte_helpers.room


def frozen_for_vote(room: dict[str, Any]) -> dict[str, Any]:
    version = draft(room, {"objet": ["Agir ensemble."], "valeurs": ["Le respect."]})
    assert act(room["anim"], room["step"], "freeze")["ok"]
    opened = act(room["anim"], room["step"], "phase", phase="vote")
    assert opened["ok"], opened
    for sock in (room["anim"], room["viewer"], room["Alice"], room["Bob"], room["Chloé"]):
        sock.received()
    return version


def test_a_draft_cannot_be_put_to_the_vote(room: dict[str, Any]) -> None:
    draft(room, {"objet": ["Agir."]})
    refused = act(room["anim"], room["step"], "phase", phase="vote")
    assert refused["error"]["code"] == "not_frozen"
    assert state_of(room["anim"], room["step"])["phase"] == "redaction"  # nothing changed
    assert (
        act(room["Alice"], room["step"], "ballot", gradient="adhesion_totale")["error"]["code"]
        == "no_vote"
    )


def test_adoption_by_structure_with_signatories(room: dict[str, Any]) -> None:
    anim, step, alice, bob, chloe, viewer = (
        room["anim"],
        room["step"],
        room["Alice"],
        room["Bob"],
        room["Chloé"],
        room["viewer"],
    )
    frozen_for_vote(room)
    state = state_of(alice, step)
    assert state["vote"]["state"] == "ouvert"
    assert state["vote"]["participation"] == {
        "ballots": 0,
        "electors": 2,
        "quorum_needed": 1,
        "ballot": "structure",
    }
    assert act(alice, step, "ballot", gradient="nope")["error"]["code"] == "bad_gradient"
    first = act(alice, step, "ballot", gradient="desaccord")
    assert first["ok"] and first["replaced"] is False
    # the other representative of the collège is told, without a name
    second = act(chloe, step, "ballot", gradient="adhesion_totale")
    assert second["error"]["code"] == "already_voted"
    assert "Alice" not in second["error"]["message_fr"]
    assert state_of(chloe, step)["vote"]["structure_voted"] is True
    # the author may change the structure's ballot until the vote closes
    changed = act(alice, step, "ballot", gradient="adhesion_reserves")
    assert changed["replaced"] is True and changed["participation"]["ballots"] == 1
    assert act(alice, step, "ballot", gradient="adhesion_reserves")["unchanged"] is True
    assert act(bob, step, "ballot", gradient="adhesion_totale")["ok"]
    # results hidden from participants and viewers while the vote runs
    seen = of_type(viewer.events(), "charte.ballot")
    assert seen and all("tallies" not in e for e in seen)
    assert of_type(anim.events(), "charte.ballot")[-1]["tallies"] == {
        "adhesion_reserves": 1,
        "adhesion_totale": 1,
    }
    assert state_of(bob, step)["vote"]["tallies"] is None
    assert state_of(bob, step)["vote"]["my_ballot"] == "adhesion_totale"
    # ballots cast: the phase cannot be left without closing
    assert act(anim, step, "phase", phase="gel")["error"]["code"] == "vote_open"
    assert act(alice, step, "vote_close")["error"]["code"] == "forbidden"
    closed = act(anim, step, "vote_close")
    assert closed["ok"], closed
    result = closed["result"]
    assert result["outcome"] == "adoptee" and result["outcome_label"] == "Adoptée"
    assert (result["pour"], result["contre"], result["ballots"], result["electors"]) == (2, 0, 2, 2)
    assert result["signatories"] == sorted([room["college"].name, room["centre"].name])
    assert closed["version"]["status"] == "adoptee"
    public = of_type(viewer.events(), "charte.version")[-1]["version"]
    assert public["result"]["outcome"] == "adoptee"
    assert sorted(public["signatories"]) == result["signatories"]
    assert act(alice, step, "ballot", gradient="opposition")["error"]["code"] == "vote_closed"
    rows = db.session.scalars(select(CharteSignatory)).all()
    assert {r.structure_id for r in rows} == {room["college"].id, room["centre"].id}
    # the charte document: the adopted version, its result and signatories, no one's name
    out = compile_document("charte", room["atelier"].cycle_id, "md")
    text = out.content.decode()
    assert "Version 1, adoptée" in text and "Agir ensemble." in text
    assert "Structures signataires" in text and room["centre"].name in text
    assert "Quorum" in text
    for name in ("Alice", "Bob", "Chloé"):
        assert name not in text
    for fmt in ("html", "docx"):
        assert compile_document("charte", room["atelier"].cycle_id, fmt).content
    # the atelier's compte rendu still builds (the step's idea cards, generic section)
    assert compile_document("compte-rendu", room["atelier"].id, "md").content
    # the whole charte travels with an export of the cycle (foreign keys remapped)
    exported = portability.export_cycle(room["atelier"].cycle_id)
    tables = exported["tables"]
    for name in ("charte_version", "charte_clause", "charte_ballot", "charte_signatory"):
        assert tables[name], name
    copy_ = portability.import_cycle(exported, room["animateur"])
    copied = db.session.scalars(
        select(CharteVersion).where(CharteVersion.cycle_id == copy_.id)
    ).all()
    assert [(v.number, v.status) for v in copied] == [(1, "adoptee")]
    assert {s.name for s in copy_.structures} >= set(result["signatories"])


@pytest.mark.parametrize(("threshold", "outcome"), [(66, "adoptee"), (67, "non_adoptee")])
def test_threshold_per_participant(
    make_room: Callable[..., dict[str, Any]], threshold: int, outcome: str
) -> None:
    room = make_room(script_with(ballot="participant", quorum=50, threshold=threshold))
    step = room["step"]
    frozen_for_vote(room)
    # two « pour » and one « contre »: 66.7 % of the ballots expressed
    act(room["Alice"], step, "ballot", gradient="adhesion_totale")
    act(room["Chloé"], step, "ballot", gradient="adhesion_reserves")
    act(room["Bob"], step, "ballot", gradient="opposition")
    result = act(room["anim"], step, "vote_close")["result"]
    assert result["share"] == 66.7 and result["outcome"] == outcome
    version = db.session.scalar(select(CharteVersion))
    assert version.status == outcome
    if outcome == "adoptee":  # the collège's two representatives voted for it
        assert result["signatories"] == [room["college"].name]
    else:
        assert result["signatories"] == []
        # not adopted: start again from it
        again = act(room["anim"], step, "version_start")
        assert again["version"]["number"] == 2 and len(again["version"]["clauses"]) == 2


def test_quorum_not_reached(make_room: Callable[..., dict[str, Any]]) -> None:
    room = make_room(script_with(ballot="participant", quorum=60))
    step = room["step"]
    frozen_for_vote(room)
    assert act(room["Alice"], step, "ballot", gradient="adhesion_totale")["ok"]
    part = state_of(room["Alice"], step)["vote"]["participation"]
    assert part == {"ballots": 1, "electors": 3, "quorum_needed": 2, "ballot": "participant"}
    result = act(room["anim"], step, "vote_close")["result"]
    assert result["outcome"] == "quorum_non_atteint"
    assert result["outcome_label"] == "Quorum non atteint"
    assert result["quorum_reached"] is False and result["signatories"] == []
    version = db.session.scalar(select(CharteVersion))
    assert version.status == "non_adoptee" and version.result["outcome"] == "quorum_non_atteint"
    text = compile_document("charte", room["atelier"].cycle_id, "md").content.decode()
    assert "Projet" in text and "Quorum non atteint" in text


def test_results_visible_setting_shows_live_totals(
    make_room: Callable[..., dict[str, Any]],
) -> None:
    room = make_room(script_with(results_visible="true", quorum_base="atelier"))
    step = room["step"]
    frozen_for_vote(room)
    assert act(room["Bob"], step, "ballot", gradient="abstention")["ok"]
    seen = of_type(room["viewer"].events(), "charte.ballot")[-1]
    assert seen["tallies"] == {"abstention": 1}
    assert seen["participation"]["electors"] == 2  # structures present at the atelier
