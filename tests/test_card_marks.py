"""The animateur marks cards as a décision, « à reprendre » or a question ouverte: everyone
sees the mark live, and the compte rendu routes the card into its sections."""

from __future__ import annotations

from typing import Any

from facilitator.documents import storage
from facilitator.extensions import db
from facilitator.models import Atelier


def _add(sock: Any, step_id: int, client_id: str, text: str) -> dict[str, Any]:
    ack = sock.call(
        "card_add", {"step_id": step_id, "client_id": client_id, "text": text, "column": "a"}
    )
    assert ack["ok"], ack
    return ack["card"]


def test_marks_are_broadcast_and_reach_the_compte_rendu(live_atelier: dict[str, Any]) -> None:
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    step_id = live_atelier["steps"]["idees"]
    kept = _add(a, step_id, "mark-0001", "Un comité de suivi trimestriel")
    later = _add(a, step_id, "mark-0002", "Associer les parents au comité")
    plain = _add(a, step_id, "mark-0003", "Une idée sans suite")
    assert kept["marks"] == []
    b.received()

    ack = anim.call("card_mark", {"card_id": kept["id"], "mark": "decision", "on": True})
    assert ack["ok"] and ack["card"]["marks"] == ["decision"], ack
    seen = [e for e in b.events() if e["type"] == "card.updated"]
    assert [e["data"]["card"]["marks"] for e in seen] == [["decision"]]
    assert seen[0]["seq"] == ack["seq"]

    # setting a mark twice changes nothing and records no event
    again = anim.call("card_mark", {"card_id": kept["id"], "mark": "decision", "on": True})
    assert again["ok"] and again.get("unchanged") and again["seq"] == ack["seq"]

    assert anim.call("card_mark", {"card_id": later["id"], "mark": "carry_over", "on": True})["ok"]
    assert anim.call("card_mark", {"card_id": plain["id"], "mark": "open_question", "on": True})[
        "ok"
    ]
    off = anim.call("card_mark", {"card_id": plain["id"], "mark": "open_question", "on": False})
    assert off["ok"] and off["card"]["marks"] == []

    # marking after the atelier is closed: the animateur sorts the conclusions out then
    assert anim.call("atelier_close", {})["ok"]
    late = anim.call("card_mark", {"card_id": later["id"], "mark": "decision", "on": True})
    assert late["ok"] and late["card"]["marks"] == ["decision", "carry_over"], late

    # the compte rendu written at the close was written again with the late mark
    db.session.rollback()
    atelier = db.session.get(Atelier, live_atelier["atelier"].id)
    assert storage.manifest(atelier.id) is not None
    text = storage.fetch_compte_rendu(atelier, "md").content.decode()
    decisions = text.split("Décisions et priorités", 1)[1].split("\n#", 1)[0]
    assert "Un comité de suivi trimestriel" in decisions
    assert "Associer les parents au comité" in decisions
    assert "Une idée sans suite" not in decisions
    following = text.split("À reprendre au prochain atelier", 1)[1]
    assert "Associer les parents au comité" in following


def test_marks_are_the_animateurs_and_validated(live_atelier: dict[str, Any]) -> None:
    anim, a = live_atelier["anim"], live_atelier["a"]
    card = _add(a, live_atelier["steps"]["idees"], "mark-0101", "Une idée")
    refused = a.call("card_mark", {"card_id": card["id"], "mark": "decision", "on": True})
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    assert "animateur" in refused["error"]["message_fr"]
    unknown = anim.call("card_mark", {"card_id": card["id"], "mark": "urgent", "on": True})
    assert unknown["ok"] is False and unknown["error"]["code"] == "invalid"
    missing = anim.call("card_mark", {"card_id": 999_999, "mark": "decision", "on": True})
    assert missing["ok"] is False and missing["error"]["code"] == "not_found"
