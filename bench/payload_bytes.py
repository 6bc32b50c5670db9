"""Bytes of one delivery, per audience: ``python -m bench.payload_bytes``.

A fresh instance in a temporary folder (the bench's atelier, two participants and the
animateur, in-process Socket.IO test clients): participant A adds a card as the fan-out
bench does (``fb <id> <time>``), edits it, and votes on it; every envelope each client
receives is framed as the server writes it (``wire.message``: a WebSocket text frame
holding the Socket.IO packet) and its size printed, per event type and audience. The
public audience (everyone but the author and the animateurs) is what a room's fan-out
multiplies by N."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from typing import Any

TEXT = "fb fbbzbzfbedfd bcdefghkbcd"  # what the fan-out adapter writes (digits as letters)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    folder = tempfile.mkdtemp(prefix="payload-bytes-")
    os.environ.setdefault("FACILITATOR_INSTANCE", folder)
    os.environ.setdefault("SEED_DEMO", "0")
    from bench.setup import build
    from facilitator import create_app, db_migrate
    from facilitator.extensions import socketio
    from facilitator.realtime.wire import wire

    app = create_app(
        {
            "SOCKETIO_ASYNC_MODE": "threading",
            "INSTANCE_PATH": folder,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "VOTE_COALESCE_MS": 0,
        }
    )
    with app.app_context():
        db_migrate.upgrade()
        data = build(1, 2, 0)["ateliers"][0]
    step = data["steps"]["idees"]

    def client(token: str) -> Any:
        return socketio.test_client(app, auth={"token": token, "last_seq": 0})

    anim = client(data["anim"])
    author = client(data["participants"][0]["token"])
    other = client(data["participants"][1]["token"])
    for c in (anim, author, other):
        c.get_received()
    sizes: dict[str, dict[str, int]] = {}

    def collect() -> None:
        for name, c in (("animateur", anim), ("author", author), ("public", other)):
            for m in c.get_received():
                if m["name"] != "event":
                    continue
                env = m["args"][0]
                size = len(wire.message("event", env, env["seq"]).frame)
                sizes.setdefault(env["type"], {})[name] = size

    ack = author.emit(
        "card_add",
        {"step_id": step, "client_id": "fbbzbzfbedfd", "text": TEXT, "column": "idees"},
        callback=True,
    )
    collect()
    card = ack["card"]
    author.emit(
        "card_edit",
        {"card_id": card["id"], "version": card["version"], "text": TEXT + "y"},
        callback=True,
    )
    collect()
    anim.emit("step_goto", {"step_id": step}, callback=True)  # the follow-me change
    collect()
    for c in (anim, author, other):
        c.disconnect()
    with app.app_context():
        sizes["step.changed per shipped script (public)"] = step_changed_sizes(wire)
    json.dump(sizes, sys.stdout, indent=1, sort_keys=True)
    print()


def step_changed_sizes(wire: Any) -> dict[str, int]:
    """The framed step.changed of a move to the second step, for each shipped script: it
    carries every step's description, so it grows with the script."""
    from pathlib import Path

    from sqlalchemy import select

    from facilitator.core import cycles, steering
    from facilitator.core.events import Viewer
    from facilitator.extensions import db
    from facilitator.models import Atelier, Event
    from facilitator.scripts import load_script_text

    out = {}
    cycle_id = db.session.scalar(select(Atelier.cycle_id).limit(1))
    anim_id = db.session.scalar(select(Event.actor_id).where(Event.actor_id.is_not(None)).limit(1))
    from facilitator.models import Cycle

    cycle = db.session.get(Cycle, cycle_id)
    for path in sorted(Path("workshop_scripts").glob("*.yaml")):
        atelier = cycles.add_atelier(cycle, load_script_text(path.read_text()), title=path.stem)
        viewer = Viewer("animateur", atelier.id, animateur_id=anim_id)
        steering.start(viewer)
        seq = steering.goto_step(viewer, atelier.steps[min(1, len(atelier.steps) - 1)].id)["seq"]
        event = db.session.scalar(
            select(Event).where(Event.atelier_id == atelier.id, Event.seq == seq)
        )
        env = event.envelope(event.view("viewer"))
        out[f"{path.stem} ({len(atelier.steps)} steps)"] = len(
            wire.message("event", env, seq).frame
        )
    return out


if __name__ == "__main__":
    main()
