"""The organiser's identity (models/organiser.py): read as plain data for documents and
pages, changed by the animateur's settings page — every field checked before anything is
written, so a refused logo leaves everything as it was."""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import delete, select

from facilitator.core import events, logo
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import CycleCoOrganiser, Organiser
from facilitator.rendering.model import plain

log = logging.getLogger(__name__)

MAX_NAME = 200
MAX_ADDRESS = 500
MAX_CO_ORGANISERS = 6
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
ROW_ID = 1


def identity() -> dict[str, Any]:
    """``{name, address, colour, logo, logo_type}`` ("" / None when not set)."""
    row = db.session.get(Organiser, ROW_ID)
    if row is None:
        return {"name": "", "address": "", "colour": "", "logo": None, "logo_type": ""}
    return {
        "name": row.name,
        "address": row.address,
        "colour": row.colour,
        "logo": row.logo,
        "logo_type": row.logo_type,
    }


def _text(value: str, limit: int, label: str) -> str:
    text = plain(value)
    if len(text) > limit:
        raise InvalidInput(f"{label} : {limit} caractères au plus.", code="too_long")
    return text


def save(
    *,
    name: str,
    address: str,
    colour: str,
    logo_data: bytes | None = None,
    remove_logo: bool = False,
) -> dict[str, Any]:
    """Check every field, then store them (``logo_data`` None: the logo is kept)."""
    name = _text(name, MAX_NAME, "Nom de la structure")
    address = _text(address, MAX_ADDRESS, "Adresse")
    colour = colour.strip()
    if colour and not _COLOUR.match(colour):
        raise InvalidInput("Couleur : au format #1f3b5c.", code="bad_colour")
    checked = logo.check(logo_data) if logo_data is not None else None
    with events.transaction():
        row = db.session.get(Organiser, ROW_ID)
        if row is None:
            row = Organiser(id=ROW_ID, name="", address="", colour="", logo_type="")
            db.session.add(row)
        row.name, row.address, row.colour = name, address, colour.lower()
        if checked is not None:
            row.logo, row.logo_type = checked
        elif remove_logo:
            row.logo, row.logo_type = None, ""
    log.info("organiser identity saved (logo: %s)", "new" if checked else "kept")
    return identity()


def co_organisers(cycle_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(CycleCoOrganiser.name)
            .where(CycleCoOrganiser.cycle_id == cycle_id)
            .order_by(CycleCoOrganiser.position, CycleCoOrganiser.id)
        )
    )


def set_co_organisers(cycle_id: int, names: list[str]) -> list[str]:
    """Replace the cycle's co-organisers (empty lines ignored, duplicates once)."""
    clean = list(dict.fromkeys(_text(n, MAX_NAME, "Co-organisateur") for n in names))
    clean = [n for n in clean if n]
    if len(clean) > MAX_CO_ORGANISERS:
        raise InvalidInput(
            f"{MAX_CO_ORGANISERS} structures co-organisatrices au plus.", code="too_many"
        )
    with events.transaction():
        db.session.execute(delete(CycleCoOrganiser).where(CycleCoOrganiser.cycle_id == cycle_id))
        for position, name in enumerate(clean):
            db.session.add(CycleCoOrganiser(cycle_id=cycle_id, name=name, position=position))
    return clean
