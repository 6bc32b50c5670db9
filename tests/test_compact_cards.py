"""The public card on the wire is compact (docs/protocol.md, « Carte publique compacte »):
the fields at their default are left out and the author's id is given once; restoring the
defaults (what static/js/store.js ``normalCard`` does) gives back exactly what the visibility
rule lets the room see."""

from __future__ import annotations

from typing import Any

from facilitator.core.visibility import PUBLIC_DEFAULTS, card_public
from facilitator.extensions import db
from facilitator.models import Contribution, Step
from tests.socket_board_helpers import add


def normal(card: dict[str, Any]) -> dict[str, Any]:
    """The Python twin of store.js ``normalCard``."""
    out = {**PUBLIC_DEFAULTS, **card}
    if "author_id" not in out:
        out["author_id"] = out["author"]["id"] if out["author"] else None
    return out


def test_public_card_leaves_defaults_out_and_loses_nothing(
    live_atelier: dict[str, Any],
) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    step_id = live_atelier["steps"]["idees"]
    ack = add(a, step_id, "Une idée courte")
    [to_b] = b.events()
    [to_anim] = anim.events()
    wire = to_b["data"]["card"]
    assert set(wire) == {"id", "step_id", "text", "column", "position", "version", "author"}
    assert wire["author"]["id"] == live_atelier["alice"].id
    # the animateurs' copy is complete
    assert to_anim["data"]["card"]["author_id"] == live_atelier["alice"].id
    assert to_anim["data"]["card"]["client_id"] == ack["card"]["client_id"]
    step = db.session.get(Step, step_id)
    assert normal(wire) == card_public(to_anim["data"]["card"], step)


def test_a_field_away_from_its_default_is_sent(live_atelier: dict[str, Any]) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    step_id = live_atelier["steps"]["idees"]
    card = add(a, step_id, "À grouper")["card"]
    b.events()
    ack = anim.call(
        "card_edit", {"card_id": card["id"], "version": card["version"], "cluster": "G1"}
    )
    assert ack["ok"], ack
    [to_b] = b.events()
    assert to_b["data"]["card"]["cluster"] == "G1"
    anim.call("card_mask", {"card_id": card["id"], "masked": True})
    [masked] = b.events()
    assert masked["data"]["card"]["masked"] is True
    assert "author" not in masked["data"]["card"] and "author_id" not in masked["data"]["card"]
    stored = db.session.get(Contribution, card["id"])
    assert stored is not None and stored.masked
