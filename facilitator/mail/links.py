"""The links a message carries: the person's own link (their cycle page, their consent)
and the one-click unsubscribe link. They are signed with the app's SECRET_KEY and name the
contact and its ``link_key``: nothing secret is stored, and changing the key (a new
address) or erasing the contact kills every link sent before."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.mail.models import MailContact
from facilitator.models import Participant

#: the cookie a personal link sets on a device: the participant of that cycle
COOKIE_PREFIX = "fac_m"
COOKIE_MAX_AGE = 400 * 24 * 3600


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"mail-{purpose}")


def sign(purpose: str, data: dict[str, Any]) -> str:
    return str(_serializer(purpose).dumps(data))


def read(purpose: str, token: str) -> dict[str, Any] | None:
    if not token or len(token) > 300:
        return None
    try:
        data = _serializer(purpose).loads(token)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def _generation(participant: Participant) -> str:
    """Changes when the person's personal code is reset (their secret changes with it): a
    personal link or a device opened by one before the reset opens nothing after it."""
    return hashlib.sha256(participant.token_hash.encode()).hexdigest()[:16]


def contact_token(contact: MailContact) -> str:
    data: dict[str, Any] = {"i": contact.id, "k": contact.link_key}
    participant = (
        db.session.get(Participant, contact.participant_id) if contact.participant_id else None
    )
    if participant is not None:
        data["g"] = _generation(participant)
    return sign("contact", data)


def opens_device(token: str) -> Participant | None:
    """The participant whose device a personal link may open: the link is valid and was
    sent since their last code reset (the link's other uses — their choices, unsubscribing
    — do not depend on it)."""
    data = read("contact", token)
    if not data or not isinstance(data.get("i"), int):
        return None
    contact = db.session.get(MailContact, data["i"])
    if contact is None or contact.link_key != data.get("k") or contact.participant_id is None:
        return None
    participant = db.session.get(Participant, contact.participant_id)
    if participant is None or data.get("g") != _generation(participant):
        return None
    return participant


def contact_by_token(token: str) -> MailContact:
    data = read("contact", token)
    contact = (
        db.session.get(MailContact, data["i"]) if data and isinstance(data.get("i"), int) else None
    )
    if contact is None or data is None or data.get("k") != contact.link_key:
        raise NotFound(
            "Ce lien n'est pas (ou plus) valide : l'adresse a été retirée ou changée.",
            code="unknown_link",
        )
    return contact


def cookie_name(cycle_id: int) -> str:
    return f"{COOKIE_PREFIX}{cycle_id}"


def participant_from_cookie(cycle_id: int, value: str | None) -> Participant | None:
    """The participant a personal link opened this device for (``web.public`` asks when the
    participant cookie names no one)."""
    participant = opens_device(value or "")
    if participant is None or participant.cycle_id != cycle_id:
        return None
    return participant


def structure_token(structure_id: int, consent_at: str) -> str:
    """Unsubscribe link of a structure's répertoire contact (dead once the contact is
    withdrawn: ``consent_at`` changes)."""
    return sign("structure", {"i": structure_id, "t": consent_at})


def animateur_token(animateur_id: int, cycle_id: int) -> str:
    return sign("animateur", {"i": animateur_id, "c": cycle_id})
