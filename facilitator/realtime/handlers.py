"""Socket.IO handlers. Each one: identify the caller (from the connection, never from the
payload), validate the payload, call one service, return the ack (docs/protocol.md)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import join_room
from pydantic import BaseModel, ValidationError

from facilitator import activities, dblock
from facilitator.core import (
    attendance,
    bulk,
    cycles,
    events,
    marks,
    moderation,
    steering,
    votes,
)
from facilitator.core import cards as board
from facilitator.core.events import Viewer
from facilitator.errors import DomainError, Forbidden, InvalidInput
from facilitator.extensions import socketio
from facilitator.models import Event
from facilitator.realtime import schemas
from facilitator.realtime.joining import (
    REMOVED,
    claims_of,
    mine_for,
    refusal,
    sync_data,
    viewer_from_token,
)
from facilitator.realtime.presence_feed import announce_presence
from facilitator.realtime.relay import published, relay
from facilitator.realtime.rooms import room_anim, room_owner, room_pub, room_view
from facilitator.realtime.snapshots import send_sync
from facilitator.realtime.state import (
    TOO_MANY,
    ProcessState,
    close,
    count_admitting,
    is_full,
    join_slot,
    over_person_cap,
    refused,
    server_full,
    sid,
    state,
)
from facilitator.realtime.wire import wire
from facilitator.validation import first_error_fr

log = logging.getLogger(__name__)


SERVER_ERROR = (
    "Erreur du serveur : l'action n'a pas été enregistrée. Réessayez ; votre saisie est conservée."
)


def error(code: str, message_fr: str, **details: Any) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message_fr": message_fr, **details}}


# --- identity ---------------------------------------------------------------------------


def _admit(current: ProcessState, viewer: Viewer | None, auth: dict) -> dict[str, Any]:
    """Refuse, or take the connection in (presence, rooms) and read its ``sync`` data; the
    database connection goes back to the pool before the snapshot is encoded and sent."""
    if viewer is None:
        raise refused("unauthenticated", refusal(auth.get("token")))
    if not viewer.is_animateur and is_full(current, animateur=False):
        raise server_full()
    if over_person_cap(current, viewer.participant_id):  # no yield since: no race
        raise refused("too_many_connections", TOO_MANY)
    current.presence.add(sid(), viewer)
    try:
        atelier_id = viewer.atelier_id
        if not relay.tracks(atelier_id):  # before joining: see Relay.track
            relay.track(atelier_id, events.current_seq(atelier_id))
        join_room(
            room_anim(viewer.atelier_id) if viewer.is_animateur else room_pub(viewer.atelier_id)
        )
        if viewer.role == "viewer":
            join_room(room_view(viewer.atelier_id))  # a sub-group's events reach the wall
        if viewer.participant_id is not None:
            join_room(room_owner(viewer.atelier_id, viewer.participant_id))
        # in the room, no yield since: every event after this seq reaches the connection,
        # and every event up to it was committed before (realtime/joining.py)
        seq = relay.covered(atelier_id)
        assert seq is not None  # tracked above
        last_seq = auth.get("last_seq")
        last_seq = last_seq if isinstance(last_seq, int) and 0 <= last_seq < 2**31 else 0
        data = sync_data(viewer, last_seq, seq, mine_for(viewer, seq))
    except Exception:
        # the database failed (pool timed out under load…): a connection that never
        # completes gets no disconnect handler, so its presence goes now; refused as a
        # full server (the client retries after retry_ms), python-socketio leaves the rooms
        current.presence.remove(sid())
        with contextlib.suppress(Exception):
            events.rollback()
        log.exception("join of atelier %s failed", viewer.atelier_id)
        raise server_full() from None
    events.rollback()  # read only: ends the transaction, the connection goes back to the pool
    return data


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    current = state()
    if is_full(current, animateur=True):  # no place left at all: refused before any query
        raise server_full()
    auth = auth if isinstance(auth, dict) else {}
    claims = claims_of(auth.get("token"))
    if claims is None:  # before waiting for a join turn, where it would hold a place
        raise refused("unauthenticated", refusal(auth.get("token")))
    if is_full(current, animateur=False) and claims.get("r") != "animateur":
        raise server_full()  # the participants' places are taken: refused before any query
    person = claims.get("p") if claims.get("r") == "participant" else None
    person = person if isinstance(person, int) else None
    if over_person_cap(current, person):  # connected or waiting for a turn
        raise refused("too_many_connections", TOO_MANY)
    count_admitting(current, person, 1)  # authentication may wait (other greenlets run)
    admitting = True
    try:
        with join_slot(current):
            try:
                viewer = viewer_from_token(auth.get("token"), claims)
            except Exception:
                # the database failed: python-socketio keeps a connect that raised half
                # connected for ever (its rooms, no disconnect); refused, retried later
                with contextlib.suppress(Exception):
                    events.rollback()
                log.exception("authentication of a connection failed")
                raise server_full() from None
            count_admitting(current, person, -1)  # no yield from here to presence.add
            admitting = False
            data = _admit(current, viewer, auth)
    finally:
        if admitting:
            count_admitting(current, person, -1)
    assert viewer is not None  # _admit refused it otherwise
    eio_sid = socketio.server.manager.eio_sid_from_sid(sid(), "/")
    if eio_sid not in socketio.server.environ:
        # gone while this connect waited: python-socketio skipped its disconnect handler
        # and would mark it connected now, its place taken for good. No yield from here.
        current.presence.remove(sid())
        announce_presence(viewer.atelier_id)
        raise refused("unauthenticated", "Connexion fermée pendant son ouverture.")
    # to this connection only: no need to cross the message queue
    # the shared parts of a snapshot encoded once for everyone (realtime/snapshots.py)
    send_sync(eio_sid, data)
    announce_presence(viewer.atelier_id)
    wire.attach(sid(), request.environ)  # last: CONNECT and sync are queued before


@socketio.on("disconnect")
def on_disconnect(*_: Any) -> None:
    wire.detach(sid())
    viewer = state().presence.remove(sid())
    state().per_connection.forget(sid())
    state().per_animateur.forget(sid())
    if viewer is not None:
        announce_presence(viewer.atelier_id)


# --- broadcast of stored events ------------------------------------------------------------


def broadcast(atelier_id: int, event: Event) -> None:
    """In seq order, each message framed once, tallies coalesced, shared through Redis when
    configured: facilitator/realtime/relay.py. Animateurs get ``payload``; the author gets
    ``owner`` first, then everyone in the public room gets ``public``."""
    relay.publish(published(event))


# --- client → server events ----------------------------------------------------------------


def action(name: str, schema: type[BaseModel]) -> Callable:
    """Register ``fn(viewer, payload) -> dict`` as the handler of event ``name``."""

    def register(fn: Callable[[Viewer, Any], dict[str, Any]]) -> Callable:
        def handler(*args: Any) -> dict[str, Any]:
            current = state()
            viewer = current.presence.viewers.get(sid())
            if viewer is None:
                return error("unauthenticated", "Connexion non identifiée : rechargez la page.")
            if viewer.is_animateur:
                limited = not current.per_animateur.allow(sid())
            else:
                limited = not current.per_connection.allow(sid()) or (
                    viewer.participant_id is not None
                    and not current.per_participant.allow(viewer.participant_id)
                )
            if limited:
                return error(
                    "rate_limited", "Trop d'actions en peu de temps : patientez quelques secondes."
                )
            if len(args) > 1:
                return error("invalid", "Un seul objet de données est attendu.")
            try:
                payload = schema.model_validate(args[0] if args else {})
            except ValidationError as exc:
                return error("invalid", "Données invalides — " + first_error_fr(exc))
            if viewer.is_animateur and cycles.role_in_atelier(
                viewer.animateur_id, viewer.atelier_id
            ) not in ("owner", "co"):  # left the team (or observes) since connecting
                close(sid())
                return error("forbidden", REMOVED)
            acting = events.actor.set(viewer.animateur_id)  # who did it (issue 16)
            try:
                result = dblock.run(fn, viewer, payload)
            except DomainError as exc:
                events.rollback()
                return {"ok": False, "error": exc.to_dict()}
            except Exception:
                events.rollback()
                log.exception("event %s failed", name)
                return error("server_error", SERVER_ERROR)
            finally:
                events.actor.reset(acting)
            return {"ok": True, **result}

        handler.__name__ = f"on_{name}"
        socketio.on_event(name, handler)
        return fn

    return register


@action("sync", schemas.Sync)
def on_sync(viewer: Viewer, p: schemas.Sync) -> dict[str, Any]:
    return sync_data(viewer, p.last_seq)


@action("card_add", schemas.CardAdd)
def on_card_add(viewer: Viewer, p: schemas.CardAdd) -> dict[str, Any]:
    return board.add_card(
        viewer, p.step_id, p.client_id, p.text, p.column, confirm_personal=p.confirm_personal
    )


@action("card_edit", schemas.CardEdit)
def on_card_edit(viewer: Viewer, p: schemas.CardEdit) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if "cluster" in p.model_fields_set:
        extra["cluster"] = p.cluster
    return board.edit_card(
        viewer,
        p.card_id,
        p.version,
        text=p.text,
        column=p.column,
        position=p.position,
        confirm_personal=p.confirm_personal,
        **extra,
    )


def forward(name: str, schema: type[BaseModel], verb: Callable[..., Any], *fields: str) -> None:
    """Register event ``name`` as ``verb(viewer, *payload fields)``: the handlers that only
    pass their payload on to one service."""

    def fn(viewer: Viewer, p: Any) -> dict[str, Any]:
        result: dict[str, Any] = verb(viewer, *(getattr(p, field) for field in fields))
        return result

    fn.__name__ = f"on_{name}"
    action(name, schema)(fn)


forward("card_mask", schemas.CardMask, board.mask_card, "card_id", "masked")
forward("card_mark", schemas.CardMark, marks.mark_card, "card_id", "mark", "on")
forward("card_accept", schemas.CardAccept, moderation.accept, "card_id", "version")
forward("card_reject", schemas.CardReject, moderation.reject, "card_id", "reason", "version")
forward("card_delete", schemas.CardDelete, board.delete_card, "card_id")
forward("card_accept_all", schemas.CardAcceptAll, bulk.accept_all, "step_id")
forward("card_cluster", schemas.CardCluster, bulk.cluster, "card_ids", "cluster")
forward("vote", schemas.VoteCast, votes.vote, "card_id", "delta", "expect")
forward("step_goto", schemas.StepGoto, steering.goto_step, "step_id")
forward("timer", schemas.Timer, steering.timer, "action", "seconds")
forward("atelier_start", schemas.Empty, steering.start)
forward("atelier_close", schemas.Empty, steering.close)


@action("attendance_remote", schemas.AttendanceRemote)
def on_attendance_remote(viewer: Viewer, p: schemas.AttendanceRemote) -> dict[str, Any]:
    """In the room or at a distance (issue 18): the console's presence list follows."""
    result = attendance.set_remote(viewer, p.remote)
    announce_presence(viewer.atelier_id)
    return result


@action("step_flags", schemas.StepFlags)
def on_step_flags(viewer: Viewer, p: schemas.StepFlags) -> dict[str, Any]:
    flags = p.model_dump(exclude={"step_id"}, exclude_none=True)
    return steering.set_flags(viewer, p.step_id, flags)


@action("step_action", schemas.StepAction)
def on_step_action(viewer: Viewer, p: schemas.StepAction) -> dict[str, Any]:
    """Activity-specific actions: the step's activity type declares them (ActionSpec)."""
    step = board.step_of(viewer, p.step_id)
    spec = activities.get(step.type).actions.get(p.action)
    if spec is None:
        raise InvalidInput(f"Action inconnue « {p.action[:40]} » pour cette étape.")
    if viewer.role not in spec.roles:
        raise Forbidden("Cette action n'est pas permise avec ce rôle.")
    try:
        data = spec.schema.model_validate(p.data)
    except ValidationError as exc:
        raise InvalidInput("Données invalides — " + first_error_fr(exc)) from None
    return spec.handler(viewer, step, data)


@socketio.on("*")
def on_unknown(event: str, *args: Any) -> dict[str, Any]:
    return error("unknown_event", f"Événement inconnu « {str(event)[:40]} ».")
