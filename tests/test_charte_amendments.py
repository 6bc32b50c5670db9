"""``charte`` amendments over Socket.IO: drafting a version, amending it (modification, ajout,
suppression), the animateur's decisions and quick votes, consolidating into the next version
with its word-level diff, and personal data in an amendment."""

from __future__ import annotations

from typing import Any

from facilitator.activities.charte import views as charte_views
from tests import charte_helpers
from tests.charte_helpers import act, draft, of_type, state_of

# the room fixtures, found by pytest as attributes of this module
make_room, room = charte_helpers.make_room, charte_helpers.room


def test_drafting_amending_consolidating_with_diff(room: dict[str, Any]) -> None:
    anim, step, alice, bob, viewer = (
        room["anim"],
        room["step"],
        room["Alice"],
        room["Bob"],
        room["viewer"],
    )
    idea = alice.call(
        "card_add",
        {"step_id": step, "client_id": "idea-0001", "text": "Agir ensemble", "column": "objet"},
    )["card"]
    assert act(anim, step, "phase", phase="redaction")["ok"]
    # nothing to amend yet
    early = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0001",
        kind="ajout",
        section="objet",
        text="X",
        reason="Y",
    )
    assert early["error"]["code"] == "no_version"
    assert act(anim, step, "version_start")["version"]["number"] == 1
    again = act(anim, step, "version_start")
    assert again["error"]["code"] == "draft_exists"
    ack = act(
        anim,
        step,
        "clause_add",
        client_id="clause-0001",
        section="objet",
        text="Nous agissons ensemble pour la réussite des enfants.",
        source_card_ids=[idea["id"]],
    )
    assert ack["ok"], ack
    clause = ack["clause"]
    assert clause["sources"] == [{"card_id": idea["id"], "text": "Agir ensemble"}]
    assert clause["change"] is None  # version 1: nothing to compare with
    assert of_type(bob.events(), "charte.clause")[0]["clause"]["text"].startswith("Nous agissons")
    # participants draft nothing themselves, and amend only in the amendment phase
    assert (
        act(bob, step, "clause_add", client_id="clause-0002", section="objet", text="X")["error"][
            "code"
        ]
        == "forbidden"
    )
    not_yet = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0002",
        clause_id=clause["id"],
        text="Autre",
        reason="Parce que",
    )
    assert not_yet["error"]["code"] == "phase"
    assert act(anim, step, "phase", phase="amendements")["ok"]
    no_reason = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0003",
        clause_id=clause["id"],
        text="Nous agissons ensemble.",
        reason="  ",
    )
    assert no_reason["error"]["code"] == "empty"
    same = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0004",
        clause_id=clause["id"],
        text=clause["text"],
        reason="Rien",
    )
    assert same["error"]["code"] == "unchanged"
    prop = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0005",
        clause_id=clause["id"],
        text="Nous agissons ensemble pour la réussite de tous les enfants du quartier.",
        reason="Inclure tout le quartier",
    )
    assert prop["ok"], prop
    amendment = prop["amendment"]
    assert ["ins", "tous les "] in amendment["diff"] or any(
        op == "ins" for op, _ in amendment["diff"]
    )
    retry = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0005",
        clause_id=clause["id"],
        text="peu importe",
        reason="retry",
    )
    assert retry["duplicate"] is True and retry["amendment"]["id"] == amendment["id"]
    public = of_type(viewer.events(), "charte.amendment")[-1]["amendment"]
    assert public["author"]["name"] == "Bob" and "client_id" not in public
    added = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0006",
        kind="ajout",
        section="valeurs",
        text="Le respect du secret professionnel.",
        reason="Essentiel",
    )
    removal = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0007",
        kind="suppression",
        clause_id=clause["id"],
        reason="Trop vague",
    )
    assert added["ok"] and removal["ok"]
    # the animateur decides: accept one, a quick vote for another
    assert (
        act(anim, step, "amendment_decide", amendment_id=amendment["id"], decision="accepter")[
            "amendment"
        ]["status"]
        == "acceptee"
    )
    conflict = act(anim, step, "amendment_quick_open", amendment_id=removal["amendment"]["id"])
    assert conflict["error"]["code"] == "amendment_conflict"
    assert act(
        anim,
        step,
        "amendment_decide",
        amendment_id=removal["amendment"]["id"],
        decision="rejeter",
        reason="Clause centrale",
    )["ok"]
    quick = act(anim, step, "amendment_quick_open", amendment_id=added["amendment"]["id"])
    assert quick["amendment"]["status"] == "en_vote"
    for sock, choice in (
        (alice, "pour"),
        (bob, "contre"),
        (bob, "pour"),
        (room["Chloé"], "abstention"),
    ):
        ack = act(
            sock, step, "amendment_quick_vote", amendment_id=added["amendment"]["id"], choice=choice
        )
        assert ack["ok"], ack
    assert ack["replaced"] is False
    # participants do not see the running tally, the animateur does
    assert of_type(alice.events(), "charte.quick_vote")[-1] == {
        "amendment_id": added["amendment"]["id"],
        "choice": "pour",
    }
    assert of_type(anim.events(), "charte.quick_vote")[-1]["tally"] == {
        "pour": 2,
        "contre": 0,
        "abstention": 1,
    }
    closed = act(anim, step, "amendment_quick_close", amendment_id=added["amendment"]["id"])
    assert closed["amendment"]["status"] == "acceptee"
    assert closed["amendment"]["quick"] == {"pour": 2, "contre": 0, "abstention": 1}
    # consolidation: version 2 with both accepted amendments and a readable diff
    pending = act(
        bob,
        step,
        "amendment_propose",
        client_id="amend-0008",
        clause_id=clause["id"],
        text="Nous agissons ensemble.",
        reason="Plus court",
    )
    assert pending["ok"]
    cons = act(anim, step, "consolidate")
    assert cons["ok"], cons
    assert (cons["integrated"], cons["carried"]) == (2, 1)
    v2 = cons["version"]
    assert v2["number"] == 2 and v2["parent_number"] == 1 and v2["status"] == "brouillon"
    by_section = {c["section"]: c for c in v2["clauses"]}
    assert by_section["objet"]["change"] == "modifiee"
    assert by_section["objet"]["sources"][0]["card_id"] == idea["id"]  # links kept
    ops = by_section["objet"]["diff"]
    assert "".join(t for op, t in ops if op != "del") == by_section["objet"]["text"]
    assert "".join(t for op, t in ops if op != "ins") == clause["text"]
    assert by_section["valeurs"]["change"] == "ajoutee"
    state = state_of(alice, step)
    assert [v["status"] for v in state["versions"]] == ["remplacee", "brouillon"]
    carried = [a for a in state["amendments"] if a["status"] == "proposee"]
    assert len(carried) == 1 and carried[0]["clause_id"] == by_section["objet"]["id"]
    assert carried[0]["base_text"] == clause["text"]  # what Bob read when proposing
    # nothing accepted left: nothing to consolidate
    assert act(anim, step, "consolidate")["error"]["code"] == "nothing_to_consolidate"


def test_word_diff_is_word_level() -> None:
    diff = charte_views.word_diff("Nous agissons ensemble.", "Nous agissons tous ensemble.")
    assert diff == [["eq", "Nous agissons "], ["ins", "tous "], ["eq", "ensemble."]]
    # neighbouring changed words read as one change
    diff = charte_views.word_diff(
        "le secret de ses partenaires.", "le secret et le droit des familles."
    )
    assert diff == [
        ["eq", "le secret "],
        ["del", "de ses partenaires."],
        ["ins", "et le droit des familles."],
    ]


def test_personal_data_in_an_amendment_asks_first(room: dict[str, Any]) -> None:
    anim, step, alice = room["anim"], room["step"], room["Alice"]
    draft(room, {"objet": ["Agir."]})
    act(anim, step, "phase", phase="amendements")
    data = {
        "client_id": "amend-0009",
        "kind": "ajout",
        "section": "objet",
        "text": "Appeler le 06 12 34 56 78 en cas de souci.",
        "reason": "Contact",
    }
    refused = act(alice, step, "amendment_propose", **data)
    assert refused["error"]["code"] == "personal_data"
    ok = act(alice, step, "amendment_propose", **data, confirm_personal=True)
    assert ok["ok"] and ok["amendment"]["privacy"]
