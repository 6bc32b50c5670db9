"""Arranging the board (docs/protocol.md, « Déplacer et regrouper »): the animateur moves a
card to another column, before another card, groups two cards by dropping one on the
other, renames and undoes a group; each changed card is one ``card.updated`` envelope with
its seq, stored and replayed on reconnect. Participants and viewers may not."""

from __future__ import annotations

from typing import Any

from facilitator.core import events


def add(sock: Any, step: int, text: str, column: str = "a") -> dict[str, Any]:
    ack = sock.call(
        "card_add",
        {"step_id": step, "client_id": f"c-{abs(hash(text)):012d}", "text": text, "column": column},
    )
    assert ack["ok"], ack
    return ack["card"]


def act(sock: Any, step: int, action: str, **data: Any) -> dict[str, Any]:
    return sock.call("step_action", {"step_id": step, "action": action, "data": data})


def order(sock: Any, step: int) -> list[str]:
    """The step's card texts in board order, from a fresh snapshot (what a reload draws)."""
    snap = sock.call("sync", {"last_seq": 0})["snapshot"]
    cards = [c for c in snap["cards"] if c["step_id"] == step]
    return [c["text"] for c in sorted(cards, key=lambda c: (c["position"], c["id"]))]


def test_a_move_is_one_envelope_for_everyone_and_a_reload_shows_it(live_atelier: Any) -> None:
    w = live_atelier
    anim, a, b = w["anim"], w["a"], w["b"]
    step = w["steps"]["idees"]
    one, two, three = (add(a, step, t) for t in ("Un", "Deux", "Trois"))
    for sock in (anim, a, b):
        sock.received()
    seq = events.current_seq(w["atelier"].id)

    ack = act(anim, step, "move", card_id=three["id"], column="b")
    assert ack["ok"], ack
    assert ack["seq"] == seq + 1
    [moved] = ack["cards"]
    assert (moved["column"], moved["version"]) == ("b", 2)
    for sock in (anim, a, b):
        got = sock.events()  # the author gets their own version first (same seq)
        assert {(e["type"], e["seq"]) for e in got} == {("card.updated", seq + 1)}
        assert {e["data"]["card"]["column"] for e in got} == {"b"}

    # before another card: the order holds after a reload
    assert act(anim, step, "move", card_id=three["id"], before_id=one["id"])["ok"]
    assert order(b, step) == ["Trois", "Un", "Deux"]
    assert act(anim, step, "move", card_id=one["id"], before_id=None, column="a")["ok"]
    assert order(b, step) == ["Trois", "Deux", "Un"]
    assert two["column"] == "a"


def test_dropping_a_card_on_another_groups_them(live_atelier: Any) -> None:
    w = live_atelier
    anim, b = w["anim"], w["b"]
    step = w["steps"]["idees"]
    one = add(w["a"], step, "Se connaître", "a")
    two = add(w["a"], step, "Partager l'agenda", "b")
    three = add(w["a"], step, "Un annuaire", "b")
    b.received()
    ack = act(anim, step, "move", card_id=two["id"], group_with=one["id"])
    assert ack["ok"], ack
    # two cards changed: the target got a new group, the dropped card joined it
    assert {c["id"]: (c["column"], c["cluster"]) for c in ack["cards"]} == {
        one["id"]: ("a", "Groupe 1"),
        two["id"]: ("a", "Groupe 1"),
    }
    seqs = [e["seq"] for e in b.events()]
    assert len(seqs) == 2 and seqs[1] == seqs[0] + 1
    # a third card joins the same group, right after its target
    ack = act(anim, step, "move", card_id=three["id"], group_with=two["id"])
    assert [c["cluster"] for c in ack["cards"]] == ["Groupe 1"]
    assert order(b, step) == ["Se connaître", "Partager l'agenda", "Un annuaire"]
    # rename, then ungroup: one envelope per card of the group
    b.received()
    ack = act(anim, step, "rename_group", column="a", label="Groupe 1", new_label="Se relier")
    assert ack["ok"] and {c["cluster"] for c in ack["cards"]} == {"Se relier"}
    assert len(b.events()) == 3
    ack = act(anim, step, "rename_group", column="a", label="Se relier", new_label=None)
    assert {c["cluster"] for c in ack["cards"]} == {None}
    gone = act(anim, step, "rename_group", column="a", label="Se relier", new_label="x")
    assert gone["error"]["code"] == "not_found"
    # a blank group name names no group (it once renamed every ungrouped card)
    blank = act(anim, step, "rename_group", column="a", label="   ", new_label="Tout")
    assert blank["error"]["code"] == "invalid"
    assert {
        c["cluster"] for c in act(anim, step, "move", card_id=one["id"], column="a")["cards"]
    } == {None}
    # leave a group by moving to another column: the group stays behind
    act(anim, step, "move", card_id=two["id"], group_with=one["id"])
    ack = act(anim, step, "move", card_id=two["id"], column="b")
    assert (ack["cards"][0]["column"], ack["cards"][0]["cluster"]) == ("b", None)


def test_moves_are_replayed_to_a_client_that_was_away(live_atelier: Any, connect: Any) -> None:
    w = live_atelier
    step = w["steps"]["idees"]
    one, two = add(w["a"], step, "Un"), add(w["a"], step, "Deux")
    last = events.current_seq(w["atelier"].id)
    w["b"].disconnect()
    act(w["anim"], step, "move", card_id=two["id"], before_id=one["id"])
    act(w["anim"], step, "move", card_id=one["id"], column="b")
    back = connect("participant", w["atelier"], w["bob"], last_seq=last)
    [sync] = [m["args"][0] for m in back.received() if m["name"] == "sync"]
    assert sync["mode"] == "replay"
    replayed = [(e["type"], e["data"]["card"]["id"]) for e in sync["events"]]
    assert replayed == [("card.updated", two["id"]), ("card.updated", one["id"])]


def test_only_the_animateur_arranges_and_bad_moves_are_refused(
    live_atelier: Any, connect: Any
) -> None:
    w = live_atelier
    step, other = w["steps"]["idees"], w["steps"]["vote"]
    one, two = add(w["a"], step, "Un"), add(w["a"], step, "Deux")
    seq = events.current_seq(w["atelier"].id)
    refused = act(w["a"], step, "move", card_id=one["id"], column="b")
    assert refused["error"]["code"] == "forbidden"
    viewer = connect("viewer", w["atelier"])
    assert act(viewer, step, "move", card_id=one["id"], column="b")["error"]["code"] == "forbidden"
    anim = w["anim"]
    cases = {
        "bad_column": {"card_id": one["id"], "column": "zzz"},
        "invalid": {"card_id": one["id"], "group_with": one["id"]},
        "not_found": {"card_id": one["id"], "before_id": 999_999},
    }
    for code, data in cases.items():
        ack = act(anim, step, "move", **data)
        assert ack["error"]["code"] == code, (code, ack)
        assert ack["error"]["message_fr"]
    # a card of this step is not moved through another step
    assert act(anim, other, "move", card_id=one["id"], column="a")["ok"] is False
    # a payload out of the schema
    assert act(anim, step, "move", card_id=one["id"], column="")["error"]["code"] == "invalid"
    # nothing changed: no seq was taken
    assert events.current_seq(w["atelier"].id) == seq
    # a move to where the card already is changes nothing and takes no seq
    same = act(anim, step, "move", card_id=two["id"], column="a", cluster=None, before_id=None)
    assert same["ok"]
    assert act(anim, step, "move", card_id=two["id"])["unchanged"] is True


CANVAS = """
format: 1
id: tableau-libre
title: Tableau libre
steps:
  - id: libre
    type: cartes
    title: Tableau libre
    consigne: Posez vos idées, l'animateur les place.
    settings:
      layout: canvas
      colour_by: structure
      columns: [{id: a, label: Idées}, {id: b, label: Questions}]
"""


def test_a_canvas_step_places_cards_anywhere(make_room: Any, live_atelier: Any) -> None:
    room = make_room(CANVAS)
    step = room["step"]
    one = add(room["a"], step, "Une idée posée")
    room["viewer"].received()
    ack = act(room["anim"], step, "move", card_id=one["id"], x=0.25, y=0.755555)
    assert ack["ok"], ack
    assert ack["cards"][0]["xy"] == [0.25, 0.7556]
    [envelope] = room["viewer"].events()
    assert (envelope["type"], envelope["data"]["card"]["xy"]) == ("card.updated", [0.25, 0.7556])
    snap = room["viewer"].call("sync", {"last_seq": 0})["snapshot"]
    assert (snap["steps"][0]["layout"], snap["steps"][0]["colour_by"]) == ("canvas", "structure")
    assert [c["xy"] for c in snap["cards"]] == [[0.25, 0.7556]]
    # both coordinates, within the board, on a canvas step only
    half = act(room["anim"], step, "move", card_id=one["id"], x=0.5)
    assert half["error"]["code"] == "invalid"
    w = live_atelier
    columns_step = w["steps"]["idees"]
    other = add(w["a"], columns_step, "En colonnes")
    refused = act(w["anim"], columns_step, "move", card_id=other["id"], x=0.5, y=0.5)
    assert refused["error"]["code"] == "invalid" and "colonnes" in refused["error"]["message_fr"]
