"""The ``sync`` of a joining client is encoded from parts shared by all viewers, encoded once
(realtime/snapshots.py): the message must be exactly what encoding it whole would give."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app

from facilitator.core.events import Viewer
from facilitator.realtime.handlers import sync_data
from facilitator.realtime.snapshots import encode_sync
from tests.socket_board_helpers import add


def test_spliced_sync_is_the_whole_encoding(live_atelier: dict[str, Any]) -> None:
    step = live_atelier["steps"]["idees"]
    add(live_atelier["a"], step, "Carte d'Alice")
    add(live_atelier["b"], step, "Carte de Bob")
    atelier_id = live_atelier["atelier"].id
    viewers = [
        Viewer("participant", atelier_id, participant_id=live_atelier["alice"].id),
        Viewer("participant", atelier_id, participant_id=live_atelier["bob"].id),
        Viewer("animateur", atelier_id, animateur_id=live_atelier["animateur"].id),
        Viewer("viewer", atelier_id),
    ]
    for viewer in viewers:
        data = sync_data(viewer, 0)
        text = encode_sync(data)
        assert text.startswith("2")
        assert json.loads(text[1:]) == ["sync", json.loads(json.dumps(data))]
    # Alice sees her own card whole (with its client id), Bob's as the room does
    alice = json.loads(encode_sync(sync_data(viewers[0], 0))[1:])[1]["snapshot"]["cards"]
    assert [("client_id" in c, c["text"]) for c in alice] == [
        (True, "Carte d'Alice"),
        (False, "Carte de Bob"),
    ]


def test_shared_parts_are_encoded_once(live_atelier: dict[str, Any]) -> None:
    step = live_atelier["steps"]["idees"]
    add(live_atelier["a"], step, "Une carte")
    atelier_id = live_atelier["atelier"].id
    bob = Viewer("participant", atelier_id, participant_id=live_atelier["bob"].id)
    encode_sync(sync_data(bob, 0))
    memo = current_app.extensions["facilitator.encodings"][atelier_id]
    first = dict(memo.texts)
    assert first  # the public card, the steps, the tallies
    encode_sync(sync_data(bob, 0))
    assert all(memo.texts[k] is v for k, v in first.items())
    # a new event makes a new shared part: encoded again, the old one let go
    add(live_atelier["a"], step, "Une autre")
    encode_sync(sync_data(bob, 0))
    assert current_app.extensions["facilitator.encodings"][atelier_id] is not memo
