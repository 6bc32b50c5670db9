"""Limits that fit the work (issue 16): an animateur's ordinary work is never answered
``rate_limited`` (clustering 50 cards, validating 40 in a row, as fast as a script can),
participants keep their limits, and the bulk actions (validate all, cluster a selection)
change many cards in one live change."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_moderation import SCRIPT


@pytest.fixture
def room(
    make_animateur: Any, make_atelier: Any, make_participant: Any, connect: Any
) -> dict[str, Any]:
    animateur = make_animateur()
    atelier = make_atelier(animateur, script=SCRIPT)
    people = [make_participant(atelier, f"Personne {i}") for i in range(5)]
    anim = connect("animateur", atelier, animateur)
    assert anim.call("atelier_start", {})["ok"]
    socks = [connect("participant", atelier, p) for p in people]
    steps = {s.key: s.id for s in atelier.steps}
    return {"atelier": atelier, "anim": anim, "socks": socks, "steps": steps}


def _cards(room: dict[str, Any], step: str, count: int) -> list[dict[str, Any]]:
    """``count`` cards written by the participants in turn (each under their own limit)."""
    anim = room["anim"]
    assert anim.call("step_goto", {"step_id": room["steps"][step]})["ok"]
    cards = []
    for i in range(count):
        sock = room["socks"][i % len(room["socks"])]
        payload = {
            "step_id": room["steps"][step],
            "client_id": f"bulk-card-{step}-{i:03d}",
            "text": f"Idée {i}",
            "column": "a",
        }
        ack = sock.call("card_add", payload)
        assert ack["ok"], ack
        cards.append(ack["card"])
    return cards


def test_an_animateur_clusters_50_cards_and_validates_40_in_a_row(room: dict[str, Any]) -> None:
    cards = _cards(room, "idees", 50)
    anim = room["anim"]
    anim.received()
    for card in cards[:40]:  # one by one, as fast as the client can
        ack = anim.call("card_accept", {"card_id": card["id"]})
        assert ack["ok"], ack
    for card in cards:
        ack = anim.call(
            "card_edit",
            {
                "card_id": card["id"],
                "version": 2 if card in cards[:40] else 1,
                "cluster": "Groupe A",
            },
        )
        assert ack["ok"], ack
    refused = [m for m in anim.received() if m["name"] == "error"]
    assert refused == []


def test_participants_keep_their_limits(room: dict[str, Any]) -> None:
    sock, step = room["socks"][0], room["steps"]["libre"]
    assert room["anim"].call("step_goto", {"step_id": step})["ok"]
    codes = []
    for i in range(40):
        payload = {"step_id": step, "client_id": f"flood-{i:04d}", "text": "x", "column": "a"}
        ack = sock.call("card_add", payload)
        codes.append("ok" if ack["ok"] else ack["error"]["code"])
    assert "rate_limited" in codes
    assert codes[:20] == ["ok"] * 20


def test_validate_all_accepts_every_waiting_card_at_once(room: dict[str, Any]) -> None:
    cards = _cards(room, "idees", 12)
    anim, watcher = room["anim"], room["socks"][1]
    assert anim.call("card_reject", {"card_id": cards[0]["id"], "reason": "hors sujet"})["ok"]
    anim.received()
    watcher.received()
    ack = anim.call("card_accept_all", {"step_id": room["steps"]["idees"]})
    assert ack["ok"] and ack["count"] == 11  # the refused one stays refused
    seen = [e for e in watcher.events() if e["type"] == "card.updated"]
    # the author also gets their own version of their cards: count cards, not messages
    assert len({e["data"]["card"]["id"] for e in seen}) == 11
    assert all(not e["data"]["card"].get("withheld") for e in seen)
    again = anim.call("card_accept_all", {"step_id": room["steps"]["idees"]})
    assert again["ok"] and again["count"] == 0


def test_cluster_a_selection_or_nothing(room: dict[str, Any]) -> None:
    cards = _cards(room, "libre", 30)
    anim = room["anim"]
    ids = [c["id"] for c in cards]
    ack = anim.call("card_cluster", {"card_ids": ids, "cluster": "  Mobilité  "})
    assert ack["ok"] and ack["count"] == 30
    events = [e for e in anim.events() if e["type"] == "card.updated"]
    assert {e["data"]["card"]["cluster"] for e in events} == {"Mobilité"}
    # one card of another step in the selection: refused, nothing changed
    other = _cards(room, "idees", 1)[0]
    bad = anim.call("card_cluster", {"card_ids": [ids[0], other["id"]], "cluster": "Autre"})
    assert bad["ok"] is False and "même étape" in bad["error"]["message_fr"]
    unknown = anim.call("card_cluster", {"card_ids": [ids[0], 999999], "cluster": "Autre"})
    assert unknown["ok"] is False and unknown["error"]["code"] == "not_found"
    out = anim.call("card_cluster", {"card_ids": ids[:5], "cluster": None})
    assert out["ok"] and out["count"] == 5
    participant = room["socks"][0].call("card_cluster", {"card_ids": ids[:1], "cluster": "X"})
    assert participant["ok"] is False and participant["error"]["code"] == "forbidden"
