"""Helpers shared by the live services of activity types (questions essentielles,
cartographie): who may write, personal data, the step's runtime state, idempotent adds."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from facilitator.core import events, group_ops, groups
from facilitator.core.events import Viewer
from facilitator.errors import Forbidden, InvalidInput
from facilitator.extensions import db
from facilitator.models import Participant, Step
from facilitator.models.questions import StepState
from facilitator.models.rows import CycleRow
from facilitator.privacy import detect, warning_fr
from facilitator.validation import is_visually_empty, strip_controls

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


def clean_text(
    text: str,
    limit: int,
    what: str = "Le texte",
    *,
    empty: str | None = None,
    collapse: bool = True,
) -> str:
    """The text as stored: control characters removed, spaces collapsed into one
    (``collapse=False``: only the ends trimmed, line breaks kept); refused when it shows
    nothing (``empty``: the message) or is too long."""
    text = strip_controls(text)
    text = " ".join(text.split()) if collapse else text.strip()
    if is_visually_empty(text):
        raise InvalidInput(empty or f"{what} est vide : écrivez quelque chose.", code="empty")
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


@dataclass(frozen=True)
class ClientAdd(Generic[T]):
    """An add carrying the client's id, made once: a retry (the id already used by the same
    author) is answered like the first time — ``answer`` the row's payload, ``duplicate``,
    the atelier's current seq, no event — and another author's id is refused. ``find`` the
    row with that id, ``same_author`` tells whether the caller added it."""

    viewer: Viewer
    find: Callable[[], T | None]
    same_author: Callable[[T], bool]
    answer: Callable[[T], dict[str, Any]]

    def _retry(self, existing: T) -> dict[str, Any]:
        if not self.same_author(existing):
            raise InvalidInput("Identifiant déjà utilisé.", code="client_id_taken")
        return {
            **self.answer(existing),
            "duplicate": True,
            "seq": events.current_seq(self.viewer.atelier_id),
        }

    def retried(self) -> dict[str, Any] | None:
        """The answer to a retry, checked before anything is written; None for a new id."""
        existing = self.find()
        return None if existing is None else self._retry(existing)

    def insert(self, row: T) -> dict[str, Any] | None:
        """Flush the new row; when its id was taken meanwhile (a retry that raced the first
        try), roll back and answer like the first time. None when the row was inserted."""
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            events.rollback()
            existing = self.find()
            if existing is None:
                raise
        else:
            return None
        return self._retry(existing)


R = TypeVar("R", bound=CycleRow)


def cycle_add(
    viewer: Viewer,
    model: type[R],
    cycle_id: int,
    client_id: str,
    answer: Callable[[R], dict[str, Any]],
) -> ClientAdd[R]:
    """The ``ClientAdd`` of a production of the cycle (an actor, a chaîne, an action…): found
    by the cycle and the client's id, added by the calling participant."""

    def find() -> R | None:
        return db.session.scalar(
            select(model).where(model.cycle_id == cycle_id, model.client_id == client_id)
        )

    return ClientAdd(viewer, find, lambda row: row.participant_id == viewer.participant_id, answer)


def require_vote_open(viewer: Viewer, step: Step, default: str, closed: str) -> None:
    """Only participants vote, in a step open to writing whose phase (``default``: its
    first) is « vote », else the ``closed`` message."""
    if viewer.role != "participant" or viewer.participant_id is None:
        raise Forbidden("Seuls les participants votent.")
    step.require_writable()
    if phase_of(step, default) != "vote":
        raise InvalidInput(closed, code="phase")


def set_phase(
    viewer: Viewer,
    step: Step,
    phase: str,
    default: str,
    event_type: str,
    tallies: Callable[[Step], dict[int, int]],
) -> dict[str, Any]:
    """The animateur moves a voting step to ``phase`` (``default``: the step's first), in one
    live change recording ``event_type``: the tallies for the animateurs, for everyone from
    the validation phase on. The caller checks the rights and the phase's name."""
    apart = groups.separate(step)
    with events.live_change(viewer.atelier_id) as change:
        step_state(step, default).phase = phase
        payload: dict[str, Any] = {"step_id": step.id, "phase": phase}
        full = {**payload, "tallies": {str(k): v for k, v in tallies(step).items()}}
        # results public from validation; in a step in groups each group's own totals, by a
        # resync (its state leaves the other groups' out), never one payload for all
        public = full if phase == "validation" and not apart else payload
        event = change.record(event_type, full, public=public)
        if phase == "validation" and apart:
            group_ops.announce(change, step)
    return {"phase": phase, "seq": event.seq}


def check_dot(
    delta: int, used: int, weight: int, rules: tuple[int, int], what: str, here: str
) -> None:
    """Refuse a dot over the ``budget`` (``used`` so far), over the ``cap`` on one target
    (``weight`` on it: « sur ``what`` »), or taken back from a target without one (« à
    retirer ``here`` »)."""
    budget, cap = rules
    if delta == 1 and used >= budget:
        raise InvalidInput(
            f"Vous avez utilisé tous vos votes ({used} sur {budget}).", code="budget"
        )
    if delta == 1 and weight >= cap:
        raise InvalidInput(f"Pas plus de {cap} vote(s) sur {what}.", code="cap")
    if delta == -1 and weight == 0:
        raise InvalidInput(f"Vous n'avez pas de vote à retirer {here}.", code="no_vote_here")


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
    group_id: int | None = None,
) -> dict[str, Any]:
    """One participant's dot on (``delta`` 1) or off (-1) a target of ``step`` — a
    proposal, an action…: ``model`` has ``step_id``, ``participant_id``, ``weight`` and the
    ``target`` foreign key. Budget and per-target cap from ``rules``; records ``event_type``
    (full for animateurs, the voter's own figures for the voter, nothing for the others: the
    activity reveals tallies itself), in one live change. The caller has checked the role,
    the step and the phase. ``group_id``: the target's sub-group (a group vote is heard by
    that group's audience only, core/groups.py)."""
    budget = rules[0]
    pid = viewer.participant_id
    with events.live_change(viewer.atelier_id) as change:
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
        check_dot(delta, used, weight, rules, what, "ici")
        weight += delta
        used += delta
        if row is None:
            db.session.add(
                model(step_id=step.id, participant_id=pid, weight=1, **{target: target_id})
            )
        elif weight == 0:
            db.session.delete(row)
        else:
            row.weight = weight
        db.session.flush()
        total = tallies(step).get(target_id, 0)
        key = target.removesuffix("_id") + "_id"
        base = {"step_id": step.id, key: target_id}
        owner = {**base, "weight": weight, "used": used}
        event = change.record(
            event_type,
            {**base, "total": total, "participant_id": pid, "weight": weight, "used": used},
            public=None,
            owner_id=pid,
            owner=owner,
            group_id=groups.event_group(step, group_id) if step.groups else None,
        )
    return {**owner, "remaining": budget - used, "seq": event.seq}


def set_validated(
    viewer: Viewer,
    row: Any,
    validated: bool,
    record: Callable[[events.LiveChange, Any], events.Event],
    key: str,
) -> dict[str, Any]:
    """The animateur's « valider » / « dévalider » of a production row (actor, relation,
    chaîne…): flag, version and the row's event (``record(change, row)``), in one live
    change; the ack carries the row's payload under ``key``. The caller checks the rights."""
    with events.live_change(viewer.atelier_id) as change:
        row.validated = validated
        row.version += 1
        event = record(change, row)
    return {key: event.payload[key], "seq": event.seq}
