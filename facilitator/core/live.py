"""Helpers shared by the live services of activity types (questions essentielles,
cartographie): who may write, personal data, the step's runtime state, idempotent adds."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from facilitator.core import events
from facilitator.core.events import Viewer
from facilitator.errors import Forbidden, InvalidInput
from facilitator.extensions import db
from facilitator.models import Participant, Step
from facilitator.models.questions import StepState
from facilitator.privacy import detect, warning_fr

T = TypeVar("T")


def require_writer(viewer: Viewer, step: Step) -> None:
    """Animateurs write to any step of an open atelier; participants to the current,
    unlocked step of a started atelier; read-only links never."""
    if viewer.role == "viewer":
        raise Forbidden("Ce lien est en lecture seule.")
    if viewer.is_animateur:
        if not step.async_open:  # an asynchronous step stays writable between ateliers
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


def dot_vote(
    viewer: Viewer,
    step: Step,
    *,
    model: Any,
    target: str,
    target_id: int,
    delta: int,
    rules: tuple[int, int],
    event_type: str,
    what: str,
    tallies: Callable[[Step], dict[int, int]],
) -> dict[str, Any]:
    """One participant's dot on (``delta`` 1) or off (-1) a target of ``step`` — a
    proposal, an action…: ``model`` has ``step_id``, ``participant_id``, ``weight`` and the
    ``target`` foreign key. Budget and per-target cap from ``rules``; records ``event_type``
    (full for animateurs, the voter's own figures for the voter, nothing for the others: the
    activity reveals tallies itself) and commits. The caller has checked the role, the step
    and the phase."""
    budget, cap = rules
    pid = viewer.participant_id
    seq = events.next_seq(viewer.atelier_id)
    used = db.session.scalar(
        select(func.coalesce(func.sum(model.weight), 0)).where(
            model.participant_id == pid, model.step_id == step.id
        )
    )
    column = getattr(model, target)
    row = db.session.scalar(
        select(model).where(
            model.step_id == step.id, model.participant_id == pid, column == target_id
        )
    )
    weight = row.weight if row else 0
    if delta == 1 and used >= budget:
        raise InvalidInput(
            f"Vous avez utilisé tous vos votes ({used} sur {budget}).", code="budget"
        )
    if delta == 1 and weight >= cap:
        raise InvalidInput(f"Pas plus de {cap} vote(s) sur {what}.", code="cap")
    if delta == -1 and weight == 0:
        raise InvalidInput("Vous n'avez pas de vote à retirer ici.", code="no_vote_here")
    weight += delta
    used += delta
    if row is None:
        db.session.add(model(step_id=step.id, participant_id=pid, weight=1, **{target: target_id}))
    elif weight == 0:
        db.session.delete(row)
    else:
        row.weight = weight
    db.session.flush()
    total = tallies(step).get(target_id, 0)
    key = target.removesuffix("_id") + "_id"
    base = {"step_id": step.id, key: target_id}
    owner = {**base, "weight": weight, "used": used}
    event = events.record(
        viewer.atelier_id,
        event_type,
        {**base, "total": total, "participant_id": pid, "weight": weight, "used": used},
        public=None,
        owner_id=pid,
        owner=owner,
        seq=seq,
    )
    events.commit()
    return {**owner, "remaining": budget - used, "seq": event.seq}


def set_validated(
    viewer: Viewer,
    row: Any,
    validated: bool,
    record: Callable[[int, Any, int], Any],
    key: str,
) -> dict[str, Any]:
    """The animateur's « valider » / « dévalider » of a production row (actor, relation,
    chaîne…): flag, version, the row's event (``record(atelier_id, row, seq)``), commit; the
    ack carries the row's payload under ``key``. The caller checks the rights."""
    seq = events.next_seq(viewer.atelier_id)
    row.validated = validated
    row.version += 1
    event = record(viewer.atelier_id, row, seq)
    events.commit()
    return {key: event.payload[key], "seq": event.seq}
