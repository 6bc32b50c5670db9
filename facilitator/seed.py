"""The demo cycle seeded on first run (``make run``)."""

from __future__ import annotations

import json
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Cycle
from facilitator.scripts import load_script
from facilitator.services import accounts, cycles

DEMO_EMAIL = "animateur@demo.crpv.fr"
DEMO_TITLE = "Prévenir le décrochage scolaire"
DEMO_STRUCTURES = [
    ("Collège Jean-Moulin", "education_nationale"),
    ("Circonscription Éducation nationale Val-de-Lys", "education_nationale"),
    ("Programme de réussite éducative — Ville de Val-de-Lys", "collectivite"),
    ("Service jeunesse — Ville de Val-de-Lys", "collectivite"),
    ("Délégué du préfet", "etat"),
    ("CAF du département", "caf"),
    ("Centre social Les Tilleuls", "association"),
    ("Association Trait d'Union (accompagnement à la scolarité)", "association"),
    ("Club de prévention spécialisée", "association"),
]


def _credentials_file() -> Path:
    return Path(current_app.config.get("INSTANCE_PATH") or current_app.instance_path) / "demo.json"


def seed_demo() -> dict[str, Any]:
    """Create the demo animateur, cycle, structures and first atelier once."""
    creds = _credentials_file()
    existing = db.session.scalar(select(Animateur).where(Animateur.email == DEMO_EMAIL))
    if existing is not None and creds.exists():
        return {**json.loads(creds.read_text()), "created": False}
    password = secrets.token_urlsafe(9)
    if existing is None:
        animateur = accounts.create_animateur(DEMO_EMAIL, "Animatrice de démonstration", password)
    else:  # credentials file lost: issue a new password
        animateur = existing
        animateur.set_password(password)
        db.session.commit()
    cycle = db.session.scalar(select(Cycle).where(Cycle.title == DEMO_TITLE))
    if cycle is None:
        cycle = cycles.create_cycle(
            animateur,
            DEMO_TITLE,
            theme="Construire une communauté d'action contre le décrochage scolaire : "
            "9 demi-journées d'ateliers et une restitution publique.",
            territoire="Val-de-Lys — quartiers prioritaires Les Tilleuls et La Roseraie",
        )
        for name, type_ in DEMO_STRUCTURES:
            cycles.add_structure(cycle.id, name, type_, "Val-de-Lys")
        db.session.commit()
        script = load_script(
            Path(current_app.config["SCRIPTS_DIR"]) / "lancement-interconnaissance.yaml"
        )
        cycles.add_atelier(
            cycle,
            script,
            when=date.today() + timedelta(days=7),
            mode="presentiel",
            lieu="Centre social Les Tilleuls, salle polyvalente",
        )
    info = {"email": DEMO_EMAIL, "password": password, "cycle_id": cycle.id}
    creds.write_text(json.dumps(info))
    creds.chmod(0o600)
    return {**info, "created": True}


def demo_atelier() -> Atelier | None:
    cycle = db.session.scalar(select(Cycle).where(Cycle.title == DEMO_TITLE))
    if cycle is None or not cycle.ateliers:
        return None
    open_ones = [a for a in cycle.ateliers if a.state != "clos"]
    return (open_ones or cycle.ateliers)[0]
