"""One visibility rule (core/visibility.py ``visible_to``): what the read-only viewer gets
in a snapshot and what the compte rendu prints follow it, card by card — a masked, a
withheld, a refused, a deleted, a face-down, an animateur's and an anonymous card — and a
change of the rule changes both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from facilitator.core import events, snapshot, visibility
from facilitator.core.events import Viewer
from facilitator.documents import compile_document
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Contribution, Participant

#: (text, step key, facts): every case the rule knows
CASES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("Carte lisible", "idees", {}),
    ("Carte masquée", "idees", {"masked": True}),
    ("Carte en attente", "idees", {"data": {"moderation": "pending"}}),
    ("Carte refusée", "idees", {"data": {"moderation": "rejected"}}),
    ("Carte acceptée", "idees", {"data": {"moderation": "accepted"}}),
    ("Carte supprimée", "idees", {"deleted": True}),
    ("Carte anonyme", "vote", {}),
    ("Carte retournée", "secret", {}),
    ("Carte de l'animateur", "secret", {"by_animateur": True}),
)


@pytest.fixture
def board(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
) -> dict[str, Any]:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    alice = make_participant(atelier, "Alice")
    steps = {s.key: s for s in atelier.steps}
    steps["vote"].anonymous = True
    cards = {}
    for n, (text, key, facts) in enumerate(CASES):
        by_animateur = facts.get("by_animateur", False)
        card = Contribution(
            atelier_id=atelier.id,
            step_id=steps[key].id,
            client_id=f"vis-{n:07d}",
            participant_id=None if by_animateur else alice.id,
            animateur_id=animateur.id if by_animateur else None,
            text=text,
            column="a",
            data=facts.get("data", {}),
            deleted=facts.get("deleted", False),
            masked=facts.get("masked", False),
        )
        db.session.add(card)
        cards[text] = card
    db.session.commit()
    assert not steps["secret"].cards_visible and steps["idees"].cards_visible
    return {"atelier": atelier, "alice": alice, "cards": cards, "steps": steps}


def _viewer_snapshot(atelier: Atelier) -> dict[int, dict[str, Any]]:
    viewer = Viewer("viewer", atelier.id)
    snap = snapshot.snapshot(atelier, viewer, events.current_seq(atelier.id))
    return {card["id"]: card for card in snap["cards"]}


def _compte_rendu(atelier: Atelier) -> str:
    return compile_document("compte-rendu", atelier.id, "md").content.decode()


def _check(board: dict[str, Any]) -> None:
    """The snapshot and the compte rendu say, card by card, what the rule says."""
    atelier = board["atelier"]
    shown = _viewer_snapshot(atelier)
    report = _compte_rendu(atelier)
    alice = board["alice"].display_name
    for text, card in board["cards"].items():
        step = board["steps"][next(k for t, k, _f in CASES if t == text)]
        facts = visibility.card_facts(
            deleted=card.deleted, masked=card.masked, data=card.data, animateur_id=card.animateur_id
        )
        live = visibility.visible_to(visibility.PUBLIC, facts, step)
        record = visibility.visible_to(visibility.RECORD, facts, step)
        seen = shown.get(card.id)
        assert (seen is not None) is live.listed, text
        if seen is not None:
            assert (seen["text"] == text) is live.text, text
            assert (seen["author"] is not None) is (live.author and not facts["by_animateur"]), text
            assert bool(seen.get("face_down")) is live.face_down, text
        assert (text in report) is (record.listed and record.text), text
        line = next((ln for ln in report.splitlines() if text in ln), "")
        assert (alice in line) is (record.listed and record.author and not facts["by_animateur"])


def test_snapshot_and_compte_rendu_follow_the_rule(board: dict[str, Any]) -> None:
    _check(board)
    # what the rule decides today, spelt out
    shown = _viewer_snapshot(board["atelier"])
    report = _compte_rendu(board["atelier"])
    cards = board["cards"]
    for text in ("Carte masquée", "Carte en attente", "Carte refusée", "Carte supprimée"):
        assert text not in report
    for text in ("Carte en attente", "Carte refusée", "Carte supprimée"):
        assert cards[text].id not in shown
    assert shown[cards["Carte masquée"].id]["text"] is None
    assert shown[cards["Carte retournée"].id]["face_down"] is True
    assert shown[cards["Carte de l'animateur"].id]["text"] == "Carte de l'animateur"
    assert shown[cards["Carte anonyme"].id]["author"] is None
    for text in ("Carte lisible", "Carte acceptée", "Carte anonyme", "Carte retournée"):
        assert text in report
    assert board["alice"].display_name not in next(
        ln for ln in report.splitlines() if "Carte anonyme" in ln
    )


@pytest.mark.parametrize(
    "changed",
    [
        # masked cards shown in full to everyone
        lambda sight, audience, card: (
            visibility.Sight(listed=not card["deleted"]) if card["masked"] else sight
        ),
        # nothing of an anonymous step named, even to a document; face-down read everywhere
        lambda sight, audience, card: visibility.Sight(
            listed=sight.listed, withheld=sight.withheld, text=sight.listed, author=False
        ),
    ],
    ids=["masked-shown", "no-author-face-up"],
)
def test_a_change_of_the_rule_changes_both(
    app: Flask,
    board: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    changed: Callable[..., visibility.Sight],
) -> None:
    app.config["SNAPSHOT_CACHE_SECONDS"] = 0
    rule = visibility.visible_to

    def other(audience: str, card: Any, step: Any) -> visibility.Sight:
        return changed(rule(audience, card, step), audience, card)

    monkeypatch.setattr(visibility, "visible_to", other)
    _check(board)
