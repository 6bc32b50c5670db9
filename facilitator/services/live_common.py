"""Helpers shared by the live services of activity types (questions essentielles,
cartographie): who may write, personal data, the step's runtime state, idempotent adds."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from facilitator.errors import Forbidden, InvalidInput
from facilitator.extensions import db
from facilitator.models import Participant, Step, StepState
from facilitator.privacy import detect, warning_fr
from facilitator.services import events
from facilitator.services.events import Viewer

T = TypeVar("T")


def require_writer(viewer: Viewer, step: Step) -> None:
    """Animateurs write to any step of an open atelier; participants to the current,
    unlocked step of a started atelier; read-only links never."""
    if viewer.role == "viewer":
        raise Forbidden("Ce lien est en lecture seule.")
    if viewer.is_animateur:
        step.atelier.require_open()
    else:
        step.require_writable()


def require_animateur(viewer: Viewer, what: str = "Réservé à l'animateur.") -> None:
    if not viewer.is_animateur:
        raise Forbidden(what)


def clean_text(text: str, limit: int, what: str = "Le texte") -> str:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(f"{what} est vide : écrivez quelque chose.", code="empty")
    if len(text) > limit:
        raise InvalidInput(
            f"{what} fait {len(text)} caractères : {limit} au plus.", code="too_long"
        )
    return text


def check_privacy(text: str, confirmed: bool) -> list[str]:
    """Refuse likely personal data unless the author confirmed; return the kinds found."""
    findings = detect(text)
    if findings and not confirmed:
        raise InvalidInput(
            warning_fr(findings),
            code="personal_data",
            findings=[f.to_dict() for f in findings],
        )
    return [f.kind for f in findings]


def step_state(step: Step, default_phase: str = "") -> StepState:
    """The step's runtime state row (created on first use, flushed)."""
    state = db.session.scalar(select(StepState).where(StepState.step_id == step.id))
    if state is None:
        state = StepState(step_id=step.id, phase=default_phase, data={})
        db.session.add(state)
        db.session.flush()
    return state


def phase_of(step: Step, default: str) -> str:
    phase = db.session.scalar(select(StepState.phase).where(StepState.step_id == step.id))
    return phase or default


def server_client_id(prefix: str) -> str:
    """A client id for rows the server creates itself (merges…)."""
    return f"{prefix}-{secrets.token_hex(12)}"


def participant_names(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = db.session.scalars(select(Participant).where(Participant.id.in_(ids))).all()
    return {p.id: p.public_dict() for p in rows}


def insert_once(
    viewer: Viewer,
    row: T,
    find: Callable[[], T | None],
    same_author: Callable[[T], bool],
    duplicate: Callable[[T], dict[str, Any]],
) -> dict[str, Any] | None:
    """Flush a new row carrying a client id; when that id is already taken (a retry), roll
    back and answer like the first time (``duplicate``), or refuse another author's id.
    Returns None when the row was inserted."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        events.rollback()
        existing = find()
        if existing is None:
            raise
        if not same_author(existing):
            raise InvalidInput("Identifiant déjà utilisé.", code="client_id_taken") from None
        return {
            **duplicate(existing),
            "duplicate": True,
            "seq": events.current_seq(viewer.atelier_id),
        }
    return None
