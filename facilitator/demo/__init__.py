"""The demo cycle seeded on first run (``make run``, ``flask --app facilitator seed-demo``):
the model cycle « Prévenir le décrochage scolaire » built from the cycle template
``impact-collectif``, six ateliers held (attendance, cards, votes, questions essentielles,
map of actors, charte v1 then v2 frozen, évaluations, comptes rendus), the seventh ready to
run live. Idempotent: a second run only returns the credentials.

``SEED_DEMO_MINIMAL=1`` seeds the cycle as a blank canvas instead (its structures and one
« Lancement » atelier next week): the live-server tests (tests/live.py) build their own
ateliers in it."""

from __future__ import annotations

import json
import os
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from facilitator.core import accounts, cycles, events, retention
from facilitator.demo.data import DEMO_EMAIL, DEMO_TITLE, LIEU, STRUCTURES, TERRITOIRE, THEME
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Cycle
from facilitator.scripts import load_script

#: kept for callers of the former module
DEMO_STRUCTURES = STRUCTURES

__all__ = ["DEMO_EMAIL", "DEMO_STRUCTURES", "DEMO_TITLE", "demo_atelier", "seed_demo"]


def _credentials_file() -> Path:
    return Path(current_app.config.get("INSTANCE_PATH") or current_app.instance_path) / "demo.json"


def seed_demo() -> dict[str, Any]:
    """Create the demo animateur and cycle once; return the credentials, the cycle id and
    ``created`` (False when everything already existed)."""
    creds = _credentials_file()
    existing = db.session.scalar(select(Animateur).where(Animateur.email == DEMO_EMAIL))
    if existing is not None and creds.exists():
        return {**json.loads(creds.read_text()), "created": False}
    password = secrets.token_urlsafe(9)
    if existing is None:
        animateur = accounts.create_animateur(DEMO_EMAIL, "Animatrice de démonstration", password)
    else:  # credentials file lost: issue a new password
        animateur = existing
        with events.transaction():
            animateur.set_password(password)
    cycle = db.session.scalar(select(Cycle).where(Cycle.title == DEMO_TITLE))
    if cycle is None and os.environ.get("SEED_DEMO_MINIMAL") == "1":
        cycle = _blank_cycle(animateur)
    elif cycle is None:
        from facilitator.demo.build import Demo  # noqa: PLC0415

        demo = Demo(animateur)
        try:
            cycle = demo.build()
        except Exception:  # no half-built demo left behind: the next start tries again
            events.rollback()
            if getattr(demo, "cycle", None) is not None:
                retention.delete_cycle(demo.cycle.id)
            raise
    info = {"email": DEMO_EMAIL, "password": password, "cycle_id": cycle.id}
    creds.write_text(json.dumps(info))
    creds.chmod(0o600)
    return {**info, "created": True}


def _blank_cycle(animateur: Animateur) -> Cycle:
    cycle = cycles.create_cycle(animateur, DEMO_TITLE, theme=THEME, territoire=TERRITOIRE)
    with events.transaction():
        for name, type_ in STRUCTURES[:9]:
            cycles.add_structure(cycle.id, name, type_, "Val-de-Lys")
    script = load_script(
        Path(current_app.config["SCRIPTS_DIR"]) / "lancement-interconnaissance.yaml"
    )
    cycles.add_atelier(
        cycle, script, when=date.today() + timedelta(days=7), mode="presentiel", lieu=LIEU
    )
    return cycle


def demo_atelier() -> Atelier | None:
    """The atelier to run live: the first one not closed (else the first one)."""
    cycle = db.session.scalar(select(Cycle).where(Cycle.title == DEMO_TITLE))
    if cycle is None or not cycle.ateliers:
        return None
    open_ones = [a for a in cycle.ateliers if a.state != "clos"]
    return (open_ones or cycle.ateliers)[0]
