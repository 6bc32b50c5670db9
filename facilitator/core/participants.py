"""Joining an atelier without an account."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from facilitator.core import attendance, cycles, events, tokens
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Attendance, Participant, ParticipantKey, Structure

log = logging.getLogger(__name__)

MAX_NAME = 80


def structures(cycle_id: int) -> list[dict[str, Any]]:
    """The cycle's répertoire of structures, by name, as plain dicts."""
    rows = db.session.scalars(
        select(Structure).where(Structure.cycle_id == cycle_id).order_by(Structure.name)
    )
    return [{"id": s.id, "name": s.name, "type": s.type} for s in rows]


def atelier_by_code(code: str) -> Atelier:
    code = tokens.normalise_code(code)
    if len(code) != tokens.CODE_LENGTH:
        raise InvalidInput("Le code d'atelier compte 6 caractères.", code="bad_code")
    atelier = db.session.scalar(select(Atelier).where(Atelier.join_code == code))
    if atelier is None:
        raise NotFound(
            "Aucun atelier ouvert avec ce code. Vérifiez-le ou demandez le lien à l'animateur.",
            code="unknown_code",
        )
    return atelier


def atelier_by_link(link_token: str, *, allow_closed: bool = False) -> Atelier:
    """The atelier of a participant link. A closed atelier can still be read by those who
    took part (``allow_closed``), not joined."""
    atelier = db.session.scalar(select(Atelier).where(Atelier.link_token == link_token))
    if atelier is None:
        raise NotFound("Ce lien d'atelier n'est pas (ou plus) valide.", code="unknown_link")
    if atelier.state == "clos" and not allow_closed:
        raise InvalidInput("Cet atelier est clos.", code="closed")
    if atelier.cancelled and not allow_closed:  # issue 16: kept, but nobody joins it
        raise InvalidInput("Cet atelier a été annulé.", code="cancelled")
    return atelier


def participant_by_token(cycle_id: int, token: str | None) -> Participant | None:
    if not token:
        return None
    hashed = tokens.token_hash(token)
    participant = db.session.scalar(select(Participant).where(Participant.token_hash == hashed))
    if participant is None:  # another device of a returning or merged person (issue 16)
        participant = db.session.scalar(
            select(Participant)
            .join(ParticipantKey, ParticipantKey.participant_id == Participant.id)
            .where(ParticipantKey.token_hash == hashed)
        )
    if participant is None or participant.cycle_id != cycle_id:
        return None
    return participant


def record_attendance(participant: Participant, atelier: Atelier, where: str | None = None) -> None:
    """The participant is here; ``where`` (« salle » / « distance », hybride ateliers) says
    whether from a distance (``attendance.remote_for``), kept as it was when not given."""
    remote = attendance.remote_for(atelier, where)
    row = db.session.scalar(
        select(Attendance).where(
            Attendance.participant_id == participant.id, Attendance.atelier_id == atelier.id
        )
    )
    if row is None:
        db.session.add(
            Attendance(participant_id=participant.id, atelier_id=atelier.id, remote=remote)
        )
    elif where or atelier.mode != "hybride":
        row.remote = remote


def join(
    atelier: Atelier,
    display_name: str,
    *,
    structure_id: int | None = None,
    new_structure: str = "",
    new_structure_type: str = "",
    existing: Participant | None = None,
    where: str | None = None,
) -> tuple[Participant, str | None]:
    """Create (or update) the participant; return it and its new secret token, if any."""
    if atelier.state == "clos":
        raise InvalidInput("Cet atelier est clos.", code="closed")
    if atelier.cancelled:
        raise InvalidInput("Cet atelier a été annulé.", code="cancelled")
    name = " ".join(display_name.split())
    if not name:
        raise InvalidInput("Indiquez le nom sous lequel vous apparaîtrez.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Le nom affiché fait {MAX_NAME} caractères au plus.")
    with events.transaction():  # a new structure and the participant, together
        structure: Structure | None
        if new_structure.strip():
            structure = cycles.add_structure(atelier.cycle_id, new_structure, new_structure_type)
        elif structure_id is not None:
            structure = next((s for s in atelier.cycle.structures if s.id == structure_id), None)
            if structure is None:
                raise InvalidInput("Structure inconnue dans ce cycle.")
        else:
            raise InvalidInput("Choisissez votre structure dans la liste ou ajoutez-la.")
        token = None
        participant = existing
        if participant is None:
            token = tokens.new_token()
            participant = Participant(
                cycle_id=atelier.cycle_id, token_hash=tokens.token_hash(token), display_name=name
            )
            db.session.add(participant)
        participant.display_name = name
        participant.structure_id = structure.id
        db.session.flush()
        record_attendance(participant, atelier, where)
    log.info("participant %s joined atelier %s", participant.id, atelier.id)
    return participant, token
