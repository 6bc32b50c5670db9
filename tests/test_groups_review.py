"""Sub-groups after review (issue 18): a participant's events stay on the board of their
atelier, cards deleted in a group, merges of participants in groups, the déroulé editor,
and vote totals after a reveal."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.core import cycles, deroules, group_ops, merge, participants
from facilitator.core.events import Viewer
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.scripts import load_script_text
from tests.groups_helpers import SCRIPT, card, formed, quiet, room, snapshot


@pytest.fixture
def r(make_atelier: Any, make_animateur: Any, connect: Any) -> Any:
    return room(make_atelier, make_animateur, connect)


def test_a_participant_s_events_reach_the_board_of_their_own_atelier_only(
    r: Any, connect: Any
) -> None:
    """Alice has two ateliers' boards open: a seq of the other atelier would make her board
    drop its own later events (a client keeps the highest seq)."""
    where = formed(r)
    mate = next(n for n in where if n != "Alice" and where[n] == where["Alice"])
    other = cycles.add_atelier(r["atelier"].cycle, load_script_text(SCRIPT))
    elsewhere = connect("participant", other, r["people"]["Alice"])
    elsewhere.received()
    r["socks"]["Alice"].received()
    assert card(r["socks"][mate], r["step"], "Idée de la table")["ok"]  # group event
    assert card(r["socks"]["Alice"], r["step"], "Idée d'Alice")["ok"]  # her own copy
    assert [e["type"] for e in r["socks"]["Alice"].events()] == ["card.added"] * 2
    assert elsewhere.events() == []


def test_groups_are_not_replaced_once_a_card_was_written_even_deleted(r: Any) -> None:
    """The deleted card keeps its group: re-forming or back to plenary is refused in French
    (it was a database error)."""
    formed(r)
    ack = card(r["socks"]["Alice"], r["step"], "Écrite puis retirée")
    assert ack["ok"], ack
    assert r["socks"]["Alice"].call("card_delete", {"card_id": ack["card"]["id"]})["ok"]
    for event, data in (("groups_form", {}), ("groups_configure", {"plan": None})):
        refused = r["anim"].call(event, {"step_id": r["step"], **data})
        assert refused["ok"] is False, refused
        assert refused["error"]["code"] == "step_started", refused
        assert "supprimées" in refused["error"]["message_fr"]


def test_after_a_merge_the_kept_person_hears_the_group_of_the_removed_one(
    r: Any, connect: Any
) -> None:
    """Alice (in a group) merged into Eve (arrived late, in no group): Eve now belongs to
    Alice's group, and every process must stop using the members it had cached."""
    where = formed(r)
    mate = next(n for n in where if n != "Alice" and where[n] == where["Alice"])
    eve, _ = participants.join(
        r["atelier"], "Eve", structure_id=r["atelier"].cycle.structures[0].id
    )
    eve_sock = connect("participant", r["atelier"], eve)
    merge.merge_participants(r["atelier"].cycle_id, eve.id, r["people"]["Alice"].id)
    eve_sock.received()
    assert card(r["socks"][mate], r["step"], "Idée après la fusion")["ok"]
    assert [e["type"] for e in eve_sock.events()] == ["card.added"]


def test_after_a_merge_across_two_groups_the_person_keeps_their_cards_of_both(r: Any) -> None:
    """Alice and the outsider (two groups) are one person: the kept one stays in one group
    and still edits and deletes the cards written in the other; the note is in French."""
    where = formed(r)
    outsider = next(n for n in where if where[n] != where["Alice"])
    mine = [
        card(r["socks"][name], r["step"], f"Carte de {name}")["card"]
        for name in ("Alice", outsider)
    ]
    keep, gone = r["people"][outsider], r["people"]["Alice"]
    result = merge.merge_participants(r["atelier"].cycle_id, keep.id, gone.id)
    assert "groupes de travail : un en double, le plus récent a été gardé." in result.notes
    sock = r["socks"][outsider]
    for c in mine:
        edit = {"card_id": c["id"], "version": c["version"], "text": "Reprise"}
        ack = sock.call("card_edit", edit)
        assert ack["ok"], ack
        assert sock.call("card_delete", {"card_id": c["id"]})["ok"]


def test_the_deroule_editor_adds_removes_and_guards_a_step_s_groups(
    make_atelier: Any, make_animateur: Any
) -> None:
    atelier = make_atelier(make_animateur(), SCRIPT)
    first, second = atelier.steps
    data = deroules.atelier_data(atelier)
    assert data["steps"][0]["groups"] == first.groups["plan"]
    # move the groups from the first step to the second, neither started
    plan = data["steps"][0].pop("groups")
    data["steps"][1]["groups"] = plan
    deroules.apply_to_atelier(atelier, deroules.check(data)[1])
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.groups is None
    assert second.groups == {"plan": plan, "phase": "preparation"}
    for i, name in enumerate(("Alice", "Bob")):
        participants.join(atelier, name, structure_id=atelier.cycle.structures[i].id)
    group_ops.form(Viewer("animateur", atelier.id), second.id, seed=1)
    data = deroules.atelier_data(atelier)
    assert data["steps"][1].pop("groups")["count"] == 2
    with pytest.raises(InvalidInput) as refused:
        deroules.apply_to_atelier(atelier, deroules.check(data)[1])
    assert "déjà formés" in refused.value.message_fr
    db.session.refresh(second)
    assert second.groups["plan"] == plan


def _voted_in_groups(r: Any) -> tuple[dict[str, Any], str, str, list[int]]:
    """Groups formed, totals hidden; Alice's group wrote two cards and voted on both."""
    where = formed(r)
    mate = next(n for n in where if n != "Alice" and where[n] == where["Alice"])
    outsider = next(n for n in where if where[n] != where["Alice"])
    flags = {"step_id": r["step"], "results_visible": False}
    assert r["anim"].call("step_flags", flags)["ok"]
    ids = [card(r["socks"][n], r["step"], f"Carte de {n}")["card"]["id"] for n in ("Alice", mate)]
    for name, card_id in zip(("Alice", mate), ids, strict=True):
        for _ in range(2):
            assert r["socks"][name].call("vote", {"card_id": card_id, "delta": 1})["ok"]
    quiet(r)
    return where, mate, outsider, ids


def test_revealed_totals_of_a_group_s_cards_stay_in_the_group(r: Any) -> None:
    _, mate, outsider, ids = _voted_in_groups(r)
    assert r["anim"].call("step_flags", {"step_id": r["step"], "results_visible": True})["ok"]
    (updated,) = [e for e in r["socks"][outsider].events() if e["type"] == "step.updated"]
    assert updated["data"].get("tallies", {}) == {}
    assert snapshot(r["socks"][outsider])["tallies"] == {}
    assert snapshot(r["socks"][mate])["tallies"] == {str(i): 2 for i in ids}


def test_votes_trimmed_by_a_merge_are_told_to_the_card_s_group_only(r: Any) -> None:
    _, mate, outsider, ids = _voted_in_groups(r)
    assert r["anim"].call("step_flags", {"step_id": r["step"], "results_visible": True})["ok"]
    for sock in r["socks"].values():
        sock.received()
    keep, gone = r["people"]["Alice"], r["people"][mate]
    result = merge.merge_participants(r["atelier"].cycle_id, keep.id, gone.id)
    assert any("budget" in note for note in result.notes), result.notes
    assert [e["type"] for e in r["anim"].events()].count("vote.changed") == 1
    assert r["socks"][outsider].events() == []
