"""Caches on the hot paths (docs/performance.md): the shared part of a snapshot per atelier
and ``seq`` (facilitator/core/visibility.py) and parsed workshop scripts per file
(facilitator/scripts/loader.py). Each must give exactly what the uncached code gave."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from facilitator.core import cards as board
from facilitator.core import events, moderation, snapshot, steering, votes
from facilitator.core import visibility as views
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Participant, Step
from facilitator.scripts import ScriptError, load_script

SCRIPT = """
format: 1
id: test-caches
title: Atelier des caches
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      moderation: true
      columns: [{id: a, label: A}]
      votes: {budget: 3, max_per_card: 2}
  - id: secret
    type: cartes
    title: Cartes retournées
    consigne: Écrivez seul.
    settings:
      hidden: true
      anonymous: true
      columns: [{id: a, label: A}]
      votes: {budget: 3, max_per_card: 2}
"""


def reference_snapshot(atelier: Atelier, viewer: Viewer, seq: int) -> dict[str, Any]:
    """The snapshot as built before the cache (one card at a time, per viewer)."""
    steps = list(atelier.steps)
    by_id = {s.id: s for s in steps}
    rows = db.session.execute(
        select(Contribution, Participant)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .where(Contribution.atelier_id == atelier.id, Contribution.deleted.is_(False))
        .order_by(Contribution.position, Contribution.id)
    ).all()
    seen = (views.card_for(viewer, views.card_full(c, a), by_id[c.step_id]) for c, a in rows)
    visible = [s.id for s in steps if viewer.is_animateur or s.results_visible]
    data: dict[str, Any] = {
        "seq": seq,
        "role": viewer.role,
        "atelier": views.atelier_dict(atelier),
        "steps": [views.step_dict(s) for s in steps],
        "cards": [c for c in seen if not c.get("withheld")],
        "tallies": {str(k): v for k, v in views.tallies(visible).items()},
        "my_votes": {},
        "me": None,
        "activity": {},
        "groups": {},  # no step in sub-groups here (tests/test_groups*.py)
    }
    if viewer.participant_id is not None:
        data["me"] = views.author_dict(db.session.get(Participant, viewer.participant_id))
        data["my_votes"] = {str(k): v for k, v in views.my_votes(viewer.participant_id).items()}
    return data


def _comparable(snap: dict[str, Any]) -> dict[str, Any]:
    out = dict(snap)
    out["atelier"] = {**snap["atelier"], "timer": {**snap["atelier"]["timer"], "server_time": 0}}
    return out


@pytest.fixture
def board_state(make_animateur: Any, make_atelier: Any, make_participant: Any) -> dict[str, Any]:
    """Cards of every kind: accepted, pending, rejected, masked, by the animateur, face
    down and anonymous; votes with results hidden in one step and shown in the other."""
    animateur = make_animateur()
    atelier = make_atelier(animateur, script=SCRIPT)
    anim = Viewer("animateur", atelier.id, animateur_id=animateur.id)
    alice, bob, carla = (make_participant(atelier, n) for n in ("Alice", "Bob", "Carla"))
    va, vb, vc = (
        Viewer("participant", atelier.id, participant_id=p.id) for p in (alice, bob, carla)
    )
    steering.start(anim)
    steps = {s.key: s.id for s in atelier.steps}
    idees, secret = steps["idees"], steps["secret"]
    ok = board.add_card(va, idees, "c1", "Accepted", "a")["card"]
    moderation.accept(anim, ok["id"], ok["version"])
    board.add_card(va, idees, "c2", "Pending of Alice", "a")
    refused = board.add_card(vb, idees, "c3", "Refused of Bob", "a")["card"]
    moderation.reject(anim, refused["id"], "Hors sujet", refused["version"])
    masked = board.add_card(anim, idees, "c4", "Masked", "a")["card"]
    board.mask_card(anim, masked["id"], True)
    open_card = board.add_card(anim, idees, "c5", "By the animateur", "a")["card"]
    votes.vote(vb, ok["id"], 1)
    votes.vote(vc, open_card["id"], 1)
    votes.vote(vc, ok["id"], 1)
    steering.goto_step(anim, secret)
    hidden = board.add_card(vc, secret, "c6", "Face down of Carla", "a")["card"]
    board.add_card(va, secret, "c7", "Face down of Alice", "a")
    votes.vote(va, hidden["id"], 1)
    steering.set_flags(anim, idees, {"results_visible": True})
    return {"atelier": atelier, "viewers": [anim, va, vb, vc, Viewer("viewer", atelier.id)]}


def test_snapshot_is_what_it_was_for_every_viewer(board_state: dict[str, Any]) -> None:
    atelier = board_state["atelier"]
    seq = events.current_seq(atelier.id)
    for _ in range(2):  # built, then from the cache
        for viewer in board_state["viewers"]:
            got = snapshot.snapshot(atelier, viewer, seq)
            assert _comparable(got) == _comparable(reference_snapshot(atelier, viewer, seq)), viewer
    anim, alice, bob = board_state["viewers"][:3]
    texts = {c["text"] for c in snapshot.snapshot(atelier, alice, seq)["cards"]}
    assert "Pending of Alice" in texts and "Refused of Bob" not in texts
    assert "Face down of Alice" in texts and "Face down of Carla" not in texts
    assert "Masked" not in texts
    bob_cards = snapshot.snapshot(atelier, bob, seq)["cards"]
    assert {c["text"] for c in bob_cards} >= {"Refused of Bob"}
    assert "Pending of Alice" not in {c["text"] for c in bob_cards}
    # the shared dicts are not handed out to be changed: the owner's version is a copy
    mine = next(c for c in bob_cards if c["text"] == "Refused of Bob")
    mine["text"] = "changed"
    again = snapshot.snapshot(atelier, bob, seq)["cards"]
    assert "Refused of Bob" in {c["text"] for c in again}


def test_any_event_invalidates_the_cached_snapshot(board_state: dict[str, Any]) -> None:
    atelier = board_state["atelier"]
    anim, alice = board_state["viewers"][:2]
    before = snapshot.snapshot(atelier, alice, events.current_seq(atelier.id))
    step = db.session.scalar(select(Step).filter_by(atelier_id=atelier.id, key="secret"))
    steering.set_flags(anim, step.id, {"cards_visible": True})
    seq = events.current_seq(atelier.id)
    after = snapshot.snapshot(atelier, alice, seq)
    assert after["seq"] == seq
    assert "Face down of Carla" in {c["text"] for c in after["cards"]}
    assert "Face down of Carla" not in {c["text"] for c in before["cards"]}
    assert _comparable(after) == _comparable(reference_snapshot(atelier, alice, seq))


def test_a_change_without_event_shows_within_the_cache_delay(
    board_state: dict[str, Any],
) -> None:
    current_app.config["SNAPSHOT_CACHE_SECONDS"] = 0.2
    atelier = board_state["atelier"]
    viewer = board_state["viewers"][1]
    seq = events.current_seq(atelier.id)
    assert snapshot.snapshot(atelier, viewer, seq)["atelier"]["title"] != "Nouveau titre"
    atelier.title = "Nouveau titre"  # edited in the console: no event
    db.session.commit()
    time.sleep(0.25)
    assert snapshot.snapshot(atelier, viewer, seq)["atelier"]["title"] == "Nouveau titre"
    current_app.config["SNAPSHOT_CACHE_SECONDS"] = 0
    atelier.title = "Sans cache"
    db.session.commit()
    assert snapshot.snapshot(atelier, viewer, seq)["atelier"]["title"] == "Sans cache"


def test_sync_over_the_socket_uses_the_cache_per_viewer(
    live_atelier: dict[str, Any], connect: Any
) -> None:
    a = live_atelier["a"]
    step = live_atelier["steps"]["idees"]
    assert a.call(
        "card_add", {"step_id": step, "client_id": "sync-card-000001", "text": "Un", "column": "a"}
    )["ok"]
    seq = a.call("sync", {"last_seq": 0})["seq"]
    late = connect("participant", live_atelier["atelier"], live_atelier["bob"])
    [sync] = [m["args"][0] for m in late.received() if m["name"] == "sync"]
    assert sync["seq"] == seq and [c["text"] for c in sync["snapshot"]["cards"]] == ["Un"]
    assert sync["snapshot"]["me"]["name"] == "Bob"


# --- workshop scripts --------------------------------------------------------------------

GOOD = """
format: 1
id: cache
title: Un déroulé
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns: [{id: a, label: A}]
"""


def test_scripts_are_parsed_once_per_version_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.yaml"
    path.write_text(GOOD, encoding="utf-8")
    first = load_script(path)
    second = load_script(path)
    assert first == second and first is not second
    first.steps[0]["title"] = "changé par un appelant"
    assert load_script(path).steps[0]["title"] == "Idées"  # callers get their own copy
    path.write_text(GOOD.replace("Un déroulé", "Un autre déroulé"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_script(path).title == "Un autre déroulé"
    path.write_text(GOOD.replace("type: cartes", "type: inconnu"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000))
    for _ in range(2):  # an invalid file: the same complete error every time
        with pytest.raises(ScriptError) as err:
            load_script(path)
        assert "type d'activité inconnu" in str(err.value)
    path.unlink()
    with pytest.raises(ScriptError):
        load_script(path)
