"""The ``sync`` message of a joining client, encoded from parts encoded once.

500 people joining a board of 300 cards each get a snapshot of ~100 KB that differs only a
little from viewer to viewer (their own cards, their votes, ``me``): python-socketio would
JSON-encode each one whole. ``core.snapshot`` already builds the shared part once per
atelier and ``seq`` and hands every viewer the *same* objects for the cards (the room's
list and the animateurs' list, whole), steps and tallies everyone sees; here each of those
objects is encoded once too (remembered by
identity, as long as that shared part is the current one), and a viewer's message is the
concatenation of those strings and the few parts of its own. The wire format is unchanged
(docs/protocol.md, ``sync``): the same JSON as ``emit("sync", data)`` would write."""

from __future__ import annotations

from typing import Any

from engineio import packet as eio_packet
from flask import current_app

from facilitator.core.snapshot import Shared
from facilitator.realtime.wire import wire


class _Encodings:
    """Encodings of the objects of one shared snapshot part. It keeps that part alive, so
    that the ``id`` of one of its objects cannot be reused while this lives."""

    __slots__ = ("shared", "ids", "texts")

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        # the room's and the animateurs' card lists are encoded whole, once
        whole = (shared.steps, shared.tallies_all, shared.tallies_public)
        self.ids = {id(value) for value in (*whole, shared.full_cards, shared.public_cards)}
        for full, public in shared.cards:
            self.ids.add(id(full))
            if public is not None:
                self.ids.add(id(public))
        self.texts: dict[int, str] = {}


def _memo(atelier_id: int) -> _Encodings | None:
    cache: dict[int, Shared] = current_app.extensions.get("facilitator.snapshots", {})
    memos: dict[int, _Encodings] = current_app.extensions.setdefault("facilitator.encodings", {})
    for other in [a for a, m in memos.items() if cache.get(a) is not m.shared]:
        del memos[other]  # expired with the shared part it encoded
    shared = cache.get(atelier_id)
    if shared is None:
        return None
    memo = memos.get(atelier_id)
    if memo is None or memo.shared is not shared:
        memo = memos[atelier_id] = _Encodings(shared)
    return memo


def encode_sync(data: dict[str, Any]) -> str:
    """The Socket.IO text of the event ``["sync", data]`` (default namespace), the parts of
    ``data["snapshot"]`` shared with other viewers encoded once."""
    dumps = wire.server.packet_class.json.dumps

    def enc(value: Any) -> str:
        return str(dumps(value, separators=(",", ":")))

    memo = _memo(data["snapshot"]["atelier"]["id"]) if data.get("mode") == "snapshot" else None
    if memo is None:
        return "2" + enc(["sync", data])
    texts, ids = memo.texts, memo.ids

    def part(value: Any) -> str:
        key = id(value)
        if key not in ids:
            return enc(value)  # this viewer's own: its cards, votes, ``me``…
        text = texts.get(key)
        if text is None:
            text = texts[key] = enc(value)
        return text

    pieces = []
    for key, value in data["snapshot"].items():
        if key == "cards" and id(value) not in ids:  # a participant's with their own cards
            body = "[" + ",".join(map(part, value)) + "]"
        else:
            body = part(value)
        pieces.append(enc(key) + ":" + body)
    rest = enc({k: v for k, v in data.items() if k != "snapshot"})
    return '2["sync",' + rest[:-1] + ',"snapshot":{' + ",".join(pieces) + "}}]"


def send_sync(eio_sid: str, data: dict[str, Any]) -> None:
    """Queue the ``sync`` message to one connection (as ``emit(..., ignore_queue=True)``)."""
    text = encode_sync(data)
    wire.server._send_eio_packet(eio_sid, eio_packet.Packet(eio_packet.MESSAGE, text))
