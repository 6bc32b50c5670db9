"""Recognising a returning person across devices (issue 16): their personal code, the
people of a cycle a newcomer looks like (same name and structure), the proof (name,
structure and personal code — never the name alone) that adds this device to them, and the
cycle's likely duplicates shown to the animateur.

The personal code is random and stored (``Participant.personal_code``): the same on every
device, shown on the person's cycle page and sent by e-mail (both through
``personal_code``). It can be reset, by the person or by the animateur (``reset_code``):
the person's other devices then lose access (docs/security.md)."""

from __future__ import annotations

import hmac
import logging
import unicodedata
from typing import Any

from sqlalchemy import delete, func, select

from facilitator.core import cycles, events, participants, signals, tokens
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import (
    Atelier,
    Attendance,
    Contribution,
    Participant,
    ParticipantKey,
)
from facilitator.models.people import CODE_ALPHABET, new_personal_code

log = logging.getLogger(__name__)

ALPHABET = CODE_ALPHABET  # no 0/O, 1/I/L
CODE_LENGTH = 8

#: told to the connections of a person whose code was reset (``participant.revoked``)
REVOKED = (
    "Votre code personnel a été réinitialisé : cet appareil n'a plus accès à l'atelier en "
    "votre nom. Rechargez la page pour rejoindre l'atelier."
)


def normalise(name: str) -> str:
    """Lower case, no accents, words separated by one space: « Dominique  Martín » and
    « dominique martin » are the same."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def personal_code(participant: Participant) -> str:
    """The person's code in this cycle, « ABCD-EFGH » (what their cycle page shows and
    their e-mails carry)."""
    return participant.personal_code


def reset_code(participant: Participant) -> tuple[str, str]:
    """A new personal code and a new secret for the person; every other device stops
    working: the keys of their other devices are removed, their signed socket tokens name
    a secret that no longer exists, and their open connections are closed (the event
    ``participant.revoked`` in each atelier of the cycle not closed, so that every server
    process closes its own). Returns the new code and the new secret token (the cookie
    of the device that asked, when it is the person's)."""
    token = tokens.new_token()
    live = cycles.connectable_ateliers(participant.cycle_id)
    with events.live_batch(live) as batch:
        participant.personal_code = new_personal_code()
        participant.token_hash = tokens.token_hash(token)
        db.session.execute(
            delete(ParticipantKey).where(ParticipantKey.participant_id == participant.id)
        )
        db.session.flush()
        for atelier_id in sorted(live):
            batch.record(
                atelier_id,
                "participant.revoked",
                {"participant_id": participant.id},
                public=None,
                owner_id=participant.id,
                owner={"message_fr": REVOKED},
            )
    signals.participant_revoked.send(participant.id)
    log.info("personal code of participant %s reset", participant.id)
    return participant.personal_code, token


def _clean_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def look_alikes(cycle_id: int, name: str, structure_id: int | None) -> list[Participant]:
    """Participants of the cycle with this name and structure (a returning person?)."""
    if structure_id is None:
        return []
    wanted = normalise(name)
    if not wanted:
        return []
    rows = db.session.scalars(
        select(Participant).where(
            Participant.cycle_id == cycle_id, Participant.structure_id == structure_id
        )
    )
    return [p for p in rows if normalise(p.display_name) == wanted]


def recognise(
    atelier: Atelier, name: str, structure_id: int | None, code: str, where: str | None = None
) -> tuple[Participant, str]:
    """The look-alike whose personal code this is: this device becomes one of theirs (a new
    secret token, returned for its cookie) and their attendance is recorded."""
    given = _clean_code(code)
    if len(given) != CODE_LENGTH:
        raise InvalidInput(
            "Le code personnel compte 8 caractères (par exemple ABCD-EFGH) : il figure sur "
            "votre page du cycle."
        )
    found = next(
        (
            p
            for p in look_alikes(atelier.cycle_id, name, structure_id)
            if hmac.compare_digest(_clean_code(personal_code(p)), given)
        ),
        None,
    )
    if found is None:
        raise InvalidInput(
            "Ce code personnel ne correspond pas à ce nom et cette structure. Vérifiez-le, "
            "ou rejoignez l'atelier comme nouvelle personne.",
            code="bad_personal_code",
        )
    token = tokens.new_token()
    with events.transaction():
        db.session.add(ParticipantKey(participant_id=found.id, token_hash=tokens.token_hash(token)))
        participants.record_attendance(found, atelier, where)
    log.info("participant %s recognised on a new device", found.id)
    return found, token


def people(cycle_id: int) -> list[dict[str, Any]]:
    """The cycle's participants as plain data: structure, ateliers attended, cards."""
    rows = db.session.scalars(
        select(Participant)
        .where(Participant.cycle_id == cycle_id)
        .order_by(Participant.display_name, Participant.id)
    ).all()
    attended = dict(
        db.session.execute(
            select(Attendance.participant_id, func.count())
            .join(Participant, Participant.id == Attendance.participant_id)
            .where(Participant.cycle_id == cycle_id)
            .group_by(Attendance.participant_id)
        ).all()
    )
    cards = dict(
        db.session.execute(
            select(Contribution.participant_id, func.count())
            .join(Participant, Participant.id == Contribution.participant_id)
            .where(Participant.cycle_id == cycle_id, Contribution.deleted.is_(False))
            .group_by(Contribution.participant_id)
        ).all()
    )
    return [
        {
            "id": p.id,
            "name": p.display_name,
            "structure": p.structure.name if p.structure else "—",
            "structure_id": p.structure_id,
            "ateliers": attended.get(p.id, 0),
            "cards": cards.get(p.id, 0),
            "created_at": p.created_at,
        }
        for p in rows
    ]


def likely_duplicates(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pairs that are probably one person: the same name (accents and case aside), or the
    same first name in the same structure."""
    pairs = []
    for index, a in enumerate(listed):
        for b in listed[index + 1 :]:
            name_a, name_b = normalise(a["name"]), normalise(b["name"])
            if name_a and name_a == name_b:
                same = a["structure_id"] == b["structure_id"]
                reason = "même nom et même structure" if same else "même nom"
            elif (
                a["structure_id"] is not None
                and a["structure_id"] == b["structure_id"]
                and name_a.split()[:1] == name_b.split()[:1]
            ):
                reason = "même prénom, même structure"
            else:
                continue
            # the one who came first is the one usually kept
            keep, gone = sorted((a, b), key=lambda p: (p["created_at"], p["id"]))
            pairs.append({"keep": keep, "gone": gone, "reason": reason})
    return pairs
