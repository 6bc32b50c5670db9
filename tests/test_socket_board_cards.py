"""Socket.IO integration, the board's cards: acks, what the others in the room receive,
idempotent retries, bad or refused cards, editing with a version check, clusters, hidden and
anonymous steps, personal data and masking."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.extensions import db
from facilitator.models import Contribution, Event
from tests.socket_board_helpers import add


def test_card_is_acknowledged_then_broadcast_with_seq(live_atelier: dict[str, Any]) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    ack = add(a, live_atelier["steps"]["idees"], "  Mieux connaître les dispositifs  ")
    assert ack["ok"] is True
    assert ack["card"]["text"] == "Mieux connaître les dispositifs"
    assert ack["card"]["author"]["name"] == "Alice"
    seq = ack["seq"]
    [seen_by_b] = b.events()
    [seen_by_anim] = anim.events()
    assert seen_by_b == {
        "seq": seq,
        "type": "card.added",
        "data": {"card": seen_by_b["data"]["card"]},
    }
    assert seen_by_b["data"]["card"]["text"] == "Mieux connaître les dispositifs"
    assert "client_id" not in seen_by_b["data"]["card"]
    assert seen_by_anim["seq"] == seq
    # stored before it was acknowledged
    assert db.session.get(Contribution, ack["card"]["id"]) is not None
    assert db.session.query(Event).filter_by(seq=seq).one().type == "card.added"


def test_retried_add_does_not_duplicate(live_atelier: dict[str, Any]) -> None:
    a, b = live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["idees"]
    first = add(a, step, "Une seule fois", cid="retry-123456")
    again = add(a, step, "Une seule fois", cid="retry-123456")
    assert again["ok"] and again["duplicate"] is True
    assert again["card"]["id"] == first["card"]["id"]
    assert len(b.events()) == 1
    assert db.session.query(Contribution).count() == 1
    # someone else reusing the id is refused
    stolen = add(live_atelier["b"], step, "Autre", cid="retry-123456")
    assert stolen["error"]["code"] == "client_id_taken"


@pytest.mark.parametrize(
    ("text", "column", "code"),
    [("   ", "a", "empty"), ("x" * 501, "a", "too_long"), ("ok", "zz", "bad_column")],
)
def test_bad_cards_are_refused_in_french(
    live_atelier: dict[str, Any], text: str, column: str, code: str
) -> None:
    ack = add(live_atelier["a"], live_atelier["steps"]["idees"], text, column)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert ack["error"]["message_fr"]
    assert live_atelier["b"].events() == []
    assert db.session.query(Contribution).count() == 0


def test_card_of_exactly_500_characters_is_accepted(live_atelier: dict[str, Any]) -> None:
    assert add(live_atelier["a"], live_atelier["steps"]["idees"], "é" * 500)["ok"]


def test_only_the_current_step_takes_participant_cards(live_atelier: dict[str, Any]) -> None:
    ack = add(live_atelier["a"], live_atelier["steps"]["vote"], "trop tôt")
    assert ack["error"]["code"] == "step_not_current"


def test_locked_step_refuses_cards(live_atelier: dict[str, Any]) -> None:
    step = live_atelier["steps"]["idees"]
    assert live_atelier["anim"].call("step_flags", {"step_id": step, "locked": True})["ok"]
    [event] = live_atelier["a"].events()
    assert event["type"] == "step.updated" and event["data"]["step"]["locked"] is True
    ack = add(live_atelier["a"], step, "après verrouillage")
    assert ack["error"]["code"] == "locked"
    assert "verrouillées" in ack["error"]["message_fr"]


def test_edit_own_card_with_version_check(live_atelier: dict[str, Any]) -> None:
    a, b = live_atelier["a"], live_atelier["b"]
    card = add(a, live_atelier["steps"]["idees"], "premier jet")["card"]
    b.events()
    ok = a.call(
        "card_edit", {"card_id": card["id"], "version": 1, "text": "version 2", "column": "b"}
    )
    assert ok["ok"] and ok["card"]["version"] == 2 and ok["card"]["column"] == "b"
    [event] = b.events()
    assert event["type"] == "card.updated" and event["data"]["card"]["text"] == "version 2"
    stale = a.call("card_edit", {"card_id": card["id"], "version": 1, "text": "écrase ?"})
    assert stale["error"]["code"] == "conflict"
    assert stale["error"]["card"]["text"] == "version 2"


def test_cannot_edit_or_delete_someone_elses_card(live_atelier: dict[str, Any]) -> None:
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "carte originale")["card"]
    b = live_atelier["b"]
    edit = b.call("card_edit", {"card_id": card["id"], "version": 1, "text": "piraté"})
    delete = b.call("card_delete", {"card_id": card["id"]})
    assert edit["error"]["code"] == "forbidden"
    assert delete["error"]["code"] == "forbidden"
    assert db.session.get(Contribution, card["id"]).text == "carte originale"


def test_participant_cannot_cluster(live_atelier: dict[str, Any]) -> None:
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "x")["card"]
    ack = live_atelier["a"].call("card_edit", {"card_id": card["id"], "version": 1, "cluster": "G"})
    assert ack["error"]["code"] == "forbidden"


def test_animateur_clusters_moves_and_deletes_any_card(live_atelier: dict[str, Any]) -> None:
    anim, b = live_atelier["anim"], live_atelier["b"]
    card = add(live_atelier["a"], live_atelier["steps"]["idees"], "à ranger")["card"]
    b.events()
    ack = anim.call(
        "card_edit", {"card_id": card["id"], "version": 1, "cluster": "Parents", "column": "b"}
    )
    assert ack["ok"] and ack["card"]["cluster"] == "Parents" and ack["card"]["column"] == "b"
    ack = anim.call("card_edit", {"card_id": card["id"], "version": 2, "cluster": None})
    assert ack["card"]["cluster"] is None
    assert anim.call("card_delete", {"card_id": card["id"]})["ok"]
    types = [e["type"] for e in b.events()]
    assert types == ["card.updated", "card.updated", "card.deleted"]
    again = live_atelier["a"].call("card_delete", {"card_id": card["id"]})
    assert again["error"]["code"] == "not_found"


def test_hidden_cards_are_face_down_until_revealed(live_atelier: dict[str, Any]) -> None:
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["secret"]
    anim.call("step_goto", {"step_id": step})
    for s in (anim, a, b):
        s.received()
    ack = add(a, step, "Mon idée secrète")
    assert ack["card"]["text"] == "Mon idée secrète"
    [to_b] = b.events()
    assert to_b["data"]["card"]["face_down"] is True
    # compact public card: no author means no "author" field (docs/protocol.md)
    assert to_b["data"]["card"]["text"] is None and "author" not in to_b["data"]["card"]
    [to_anim] = anim.events()
    assert to_anim["data"]["card"]["text"] == "Mon idée secrète"
    own = a.events()
    assert own[0]["data"]["card"]["text"] == "Mon idée secrète"  # own version first, same seq
    assert {e["seq"] for e in own} == {ack["seq"]}
    anim.call("step_flags", {"step_id": step, "cards_visible": True})
    [reveal] = b.events()
    assert [c["text"] for c in reveal["data"]["cards"]] == ["Mon idée secrète"]


def test_anonymous_step_hides_authors(live_atelier: dict[str, Any]) -> None:
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["idees"]
    anim.call("step_flags", {"step_id": step, "anonymous": True})
    b.received()
    add(a, step, "anonyme")
    [event] = b.events()
    assert "author" not in event["data"]["card"] and "author_id" not in event["data"]["card"]
    assert event["data"]["card"]["text"] == "anonyme"


def test_personal_data_asks_the_author_first(live_atelier: dict[str, Any]) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    step = live_atelier["steps"]["idees"]
    payload = {
        "step_id": step,
        "client_id": "privacy-card-1",
        "text": "Kevin, 12 ans, ne vient plus",
        "column": "a",
    }
    refused = a.call("card_add", payload)
    assert refused["error"]["code"] == "personal_data"
    assert refused["error"]["findings"][0]["kind"] == "name_age"
    assert "reformulez" in refused["error"]["message_fr"]
    assert b.events() == [] and db.session.query(Contribution).count() == 0
    confirmed = a.call("card_add", {**payload, "confirm_personal": True})
    assert confirmed["ok"] and confirmed["card"]["privacy"] == ["name_age"]
    [to_anim] = anim.events()
    assert to_anim["data"]["card"]["privacy"] == ["name_age"]
    [to_b] = b.events()
    assert "privacy" not in to_b["data"]["card"]


def test_animateur_masks_a_card(live_atelier: dict[str, Any]) -> None:
    a, b, anim = live_atelier["a"], live_atelier["b"], live_atelier["anim"]
    card = add(a, live_atelier["steps"]["idees"], "à masquer")["card"]
    b.events()
    assert a.call("card_mask", {"card_id": card["id"], "masked": True})["error"]["code"] == (
        "forbidden"
    )
    ack = anim.call("card_mask", {"card_id": card["id"], "masked": True})
    assert ack["ok"] and ack["card"]["masked"] is True and ack["card"]["text"] == "à masquer"
    [to_b] = b.events()
    assert to_b["data"]["card"]["masked"] is True
    assert to_b["data"]["card"]["text"] is None and "author" not in to_b["data"]["card"]
    assert (
        anim.call("card_mask", {"card_id": card["id"], "masked": False})["card"]["masked"] is False
    )
