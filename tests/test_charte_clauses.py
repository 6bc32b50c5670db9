"""``charte`` clauses over Socket.IO: two consoles editing one clause (the stale edit is
refused with the fresh text), moving and deleting clauses, bad sections, and the amendments
that lose their clause at consolidation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests import charte_helpers
from tests.charte_helpers import act, draft, of_type

# the room fixtures, found by pytest as attributes of this module
make_room, room = charte_helpers.make_room, charte_helpers.room


def test_stale_clause_edit_is_refused_with_the_fresh_text(
    room: dict[str, Any], connect: Callable[..., Any]
) -> None:
    step = room["step"]
    version = draft(room, {"objet": ["Texte initial."]})
    clause = version["clauses"][0]
    second = connect("animateur", room["atelier"], room["animateur"])
    first = act(
        room["anim"],
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=clause["version"],
        text="Première reprise.",
    )
    assert first["ok"] and first["clause"]["version"] == clause["version"] + 1
    stale = act(
        second,
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=clause["version"],
        text="Seconde reprise.",
    )
    assert stale["error"]["code"] == "conflict"
    assert stale["error"]["clause"]["text"] == "Première reprise."
    assert stale["error"]["clause"]["version"] == clause["version"] + 1
    redo = act(
        second,
        step,
        "clause_edit",
        clause_id=clause["id"],
        version=stale["error"]["clause"]["version"],
        text="Seconde reprise.",
    )
    assert redo["ok"]


def test_clauses_move_delete_and_amendments_that_lose_their_clause(room: dict[str, Any]) -> None:
    anim, step, alice, viewer = room["anim"], room["step"], room["Alice"], room["viewer"]
    version = draft(room, {"objet": ["Premier.", "Second."], "valeurs": ["Respect."]})
    first, second, third = version["clauses"]
    moved = act(anim, step, "clause_move", clause_id=second["id"], direction="up")
    assert [c["text"] for c in moved["version"]["clauses"][:2]] == ["Second.", "Premier."]
    edge = act(anim, step, "clause_move", clause_id=second["id"], direction="up")
    assert edge["unchanged"] is True
    assert (
        act(anim, step, "clause_add", client_id="clause-bad1", section="nope", text="X")["error"][
            "code"
        ]
        == "bad_section"
    )
    assert (
        act(
            viewer,
            step,
            "amendment_propose",
            client_id="amend-0101",
            kind="ajout",
            section="objet",
            text="X",
            reason="Y",
        )["error"]["code"]
        == "forbidden"
    )
    act(anim, step, "phase", phase="amendements")
    on_first = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0102",
        clause_id=first["id"],
        text="Premier, revu.",
        reason="Précision",
    )["amendment"]
    remove_first = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0103",
        kind="suppression",
        clause_id=first["id"],
        reason="Inutile",
    )["amendment"]
    withdrawn = act(alice, step, "amendment_withdraw", amendment_id=on_first["id"])
    assert withdrawn["amendment"]["status"] == "retiree"
    assert (
        act(room["Bob"], step, "amendment_withdraw", amendment_id=remove_first["id"])["error"][
            "code"
        ]
        == "forbidden"
    )
    later = act(
        alice,
        step,
        "amendment_propose",
        client_id="amend-0104",
        clause_id=first["id"],
        text="Premier, autrement.",
        reason="Style",
    )["amendment"]
    act(anim, step, "amendment_decide", amendment_id=remove_first["id"], decision="accepter")
    cons = act(anim, step, "consolidate")
    assert [c["text"] for c in cons["version"]["clauses"]] == ["Second.", "Respect."]
    assert cons["version"]["removed"] == [
        {"id": first["id"], "section": "objet", "text": "Premier."}
    ]
    # the pending amendment lost its clause: set aside, not carried
    assert cons["carried"] == 0
    told = [e["amendment"] for e in of_type(alice.events(), "charte.amendment")]
    assert [a["status"] for a in told if a["id"] == later["id"]][-1] == "caduque"
    # deleting a clause with a version check
    v2_third = next(c for c in cons["version"]["clauses"] if c["text"] == "Respect.")
    stale = act(anim, step, "clause_delete", clause_id=v2_third["id"], version=99)
    assert stale["error"]["code"] == "conflict"
    deleted = act(
        anim, step, "clause_delete", clause_id=v2_third["id"], version=v2_third["version"]
    )
    assert deleted["ok"]
    assert of_type(alice.events(), "charte.clause_deleted")[-1]["clause_id"] == v2_third["id"]
    assert third["text"] == "Respect."
