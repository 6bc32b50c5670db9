"""Stored board events → this process's clients (and, with ``REDIS_URL``, the other
processes' clients), once committed.

- **In order, without holes.** Each atelier's events reach a client in ``seq`` order: a
  client keeps the first message of a seq and ignores older ones (docs/protocol.md §2), so
  an event overtaken by a later one would be lost to it. Overtaking happens as soon as
  commits yield (PostgreSQL under gevent) or come from several processes. An event that
  arrives early is held until the missing ones arrive; after ``HOLD`` seconds they are read
  from the event log (every seq below a committed one is committed: ``next_seq`` locks the
  atelier's row until commit).
- **One publication per event.** With a message queue, an event crosses Redis once, with
  every variant (animateur, author, public); each process fans out to its own clients.
  Redis pub/sub forgets what it could not deliver: once per ``POLL`` second each process
  compares its ateliers' seq with the log and replays what it missed (a Redis outage
  therefore degrades live updates between processes to that delay, and loses nothing).
- **Events about connections.** A few event types also change this process's connections
  (a merged participant's connections act as the kept one, a revoked participant's are
  closed): the realtime layer registers a ``hook`` for them, run on every process once the
  event is delivered there — the path that already crosses processes, in order.
- **Vote tallies coalesced.** ``vote.changed`` reaches animateurs at once; the public tally
  and the voter's own copy are batched for ``VOTE_WINDOW`` seconds (latest per card), and
  any other event first flushes the batch (order is kept).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from socketio import RedisManager
from sqlalchemy import select

from facilitator.core.events import actor_of
from facilitator.realtime.group_relay import GroupAudience
from facilitator.realtime.room_index import IndexedRooms
from facilitator.realtime.rooms import envelope, room_anim, room_owner, room_pub
from facilitator.realtime.wire import Message, RawFrame, wire

log = logging.getLogger(__name__)

HOLD = 0.05
POLL = 1.0
VOTE_WINDOW = 0.04  # under gevent; the in-process test client delivers at once


def published(event: Any) -> dict[str, Any]:
    """A stored ``Event`` as plain data (what crosses the message queue)."""
    return {
        "atelier_id": event.atelier_id,
        "seq": event.seq,
        "type": event.type,
        "payload": event.payload,
        "public_same": event.public_same,
        "public": event.public,
        "owner_id": event.owner_id,
        "owner": event.owner,
        "by": actor_of(event.actor_id),  # the animateurs' audience only
        "group_id": event.group_id,
    }


class Relay:
    def __init__(self) -> None:
        self.app: Any = None
        self.socketio: Any = None
        self.queue: RedisQueue | None = None
        self.window = 0.0
        #: event type -> fn(app, event), run here after the event is delivered
        self.hooks: dict[str, Callable[[Any, dict[str, Any]], None]] = {}
        self.reset()

    def reset(self) -> None:
        self.last: dict[int, int] = {}  # atelier -> last seq delivered here
        #: atelier -> the seq being delivered (a delivery may yield: ``covered``)
        self.delivering: dict[int, int] = {}
        self.held: dict[int, dict[int, dict[str, Any]]] = {}
        self.batches: dict[int, dict[tuple, tuple[int, str, dict]]] = {}
        self.timers: set[tuple[str, int]] = set()
        self.observed: dict[int, int] = {}
        #: sub-groups' members and delivery (issue 18)
        self.groups = GroupAudience(self)
        self.degraded = False
        self.polling = False

    def init_app(self, app: Any, socketio: Any, queue: RedisQueue | None) -> None:
        self.app, self.socketio, self.queue = app, socketio, queue
        self.reset()
        gevent = socketio.async_mode == "gevent"
        self.window = app.config.get("VOTE_COALESCE_MS", VOTE_WINDOW * 1000 if gevent else 0)
        self.window /= 1000
        wire.init_server(socketio.server, enabled=app.config.get("DIRECT_WRITES", True))
        if queue is not None:
            queue.relay = self

    # --- entry points ---------------------------------------------------------------------

    def publish(self, ev: dict[str, Any]) -> None:
        """Just committed here: deliver here, then to the other processes."""
        self.accept(ev)
        if self.queue is not None:
            self._set_degraded(not self.queue.publish_board(ev))

    def tracks(self, atelier_id: int) -> bool:
        return atelier_id in self.last

    def track(self, atelier_id: int, seq: int) -> None:
        """Before the first client of an atelier joins its room here (``seq`` read then)."""
        self.last.setdefault(atelier_id, seq)
        if self.queue is not None and not self.polling:
            self.polling = True
            self.socketio.start_background_task(self._poll_loop)

    def accept(self, ev: dict[str, Any]) -> None:
        a, seq = ev["atelier_id"], ev["seq"]
        if ev["type"] == "groups.changed":
            self.groups.learn(ev)  # even when nobody here follows the atelier right now
        elif ev["type"] == "participant.merged":
            self.groups.forget_merged(ev)
        last = self.last.get(a)
        if last is None:
            if not self._has_members(a):
                return  # nobody here; whoever connects reads the log first
            last = self.last[a] = seq - 1
        if seq <= last:
            return
        if seq > last + 1:
            self.held.setdefault(a, {})[seq] = ev
            self._later("hold", a, HOLD, self._repair_hold)
            return
        self._deliver(ev)
        self.last[a] = max(self.last[a], seq)  # a repair may have gone further meanwhile
        self._drain(a)

    # --- ordering -------------------------------------------------------------------------

    def _drain(self, a: int) -> None:
        held = self.held.get(a)
        while held and self.last[a] + 1 in held:
            seq = self.last[a] + 1
            self._deliver(held.pop(seq))
            self.last[a] = max(self.last[a], seq)

    def _repair_hold(self, a: int) -> None:
        held = self.held.get(a)
        if held:
            self.repair(a, min(held) - 1)

    def repair(self, a: int, upto: int) -> None:
        """Deliver events ``last+1 … upto`` from the event log (holes are skipped)."""
        from facilitator.extensions import db
        from facilitator.models import Event

        if a not in self.last or self.last[a] >= upto:
            return
        with self.app.app_context():
            rows = db.session.scalars(
                select(Event)
                .where(Event.atelier_id == a, Event.seq > self.last[a], Event.seq <= upto)
                .order_by(Event.seq)
            ).all()
            found = [published(row) for row in rows]
        log.info("atelier %s: %s event(s) up to %s read from the log", a, len(found), upto)
        for ev in found:  # events delivered meanwhile are skipped
            if ev["seq"] > self.last[a]:
                self._deliver(ev)
                self.last[a] = max(self.last[a], ev["seq"])
        self.last[a] = max(self.last[a], upto)
        held = self.held.get(a, {})
        for seq in [s for s in held if s <= self.last[a]]:
            del held[seq]
        self._drain(a)

    def _poll_loop(self) -> None:
        from facilitator.extensions import db
        from facilitator.models import Atelier

        while self.queue is not None:
            self.socketio.sleep(POLL)
            try:
                ids = [a for a in list(self.last) if self._has_members(a)]
                if not ids:
                    continue
                with self.app.app_context():
                    rows = db.session.execute(
                        select(Atelier.id, Atelier.seq).where(Atelier.id.in_(ids))
                    ).all()
                for a, seq in rows:
                    # only what was already committed one poll ago: not what is in flight
                    before, self.observed[a] = self.observed.get(a), seq
                    target = seq if self.degraded else before
                    if target is not None and self.last.get(a, target) < target:
                        self.repair(a, target)
            except Exception:
                log.exception("event log poll")

    def queue_back(self) -> None:
        log.warning("Redis de nouveau joignable : diffusion entre processus rétablie.")
        self._set_degraded(False, quiet=True)
        self.socketio.start_background_task(self._catch_up)

    def _catch_up(self) -> None:
        from facilitator.extensions import db
        from facilitator.models import Atelier

        ids = list(self.last)
        if not ids:
            return
        with self.app.app_context():
            rows = db.session.execute(select(Atelier.id, Atelier.seq).where(Atelier.id.in_(ids)))
            current = dict(rows.all())
        for a, seq in current.items():
            self.repair(a, seq)

    def _set_degraded(self, degraded: bool, quiet: bool = False) -> None:
        if degraded and not self.degraded:
            log.warning(
                "Redis injoignable : les événements sont enregistrés et diffusés aux clients de "
                "ce processus ; les autres processus les lisent dans le journal (≤ %s s).",
                POLL,
            )
        elif not degraded and self.degraded and not quiet:
            log.warning("Redis de nouveau joignable : diffusion entre processus rétablie.")
        self.degraded = degraded

    # --- fan-out ----------------------------------------------------------------------------

    def _has_members(self, a: int) -> bool:
        rooms = wire.server.manager.rooms.get("/", {}) if wire.server else {}
        return bool(rooms.get(room_anim(a)) or rooms.get(room_pub(a)))

    def covered(self, a: int) -> int | None:
        """The seq a connection joining the atelier's rooms now must be given everything up
        to (in its replay or snapshot): every event after it will still reach the rooms. The
        event being delivered counts as covered: its delivery may yield (a sub-group's
        members read from the database on PostgreSQL) after some rooms were sent to, and a
        connection that joined one of them meanwhile would get it neither live nor, with
        ``last``, in its sync. It is committed (published after the commit): the sync's
        reads hold it; its live copy, if it comes too, is older than the sync's seq."""
        last = self.last.get(a)
        delivering = self.delivering.get(a)
        if last is None or delivering is None:
            return last
        return max(last, delivering)

    def _deliver(self, ev: dict[str, Any]) -> None:
        a = ev["atelier_id"]
        self.delivering[a] = ev["seq"]
        try:
            self._deliver_now(ev)
        finally:
            if self.delivering.get(a) == ev["seq"]:
                del self.delivering[a]

    def _deliver_now(self, ev: dict[str, Any]) -> None:
        self._fan_out(ev)
        hook = self.hooks.get(ev["type"])
        if hook is not None:
            try:
                hook(self.app, ev)
            except Exception:
                log.exception("hook of %s (atelier %s)", ev["type"], ev["atelier_id"])

    def _fan_out(self, ev: dict[str, Any]) -> None:
        a, seq = ev["atelier_id"], ev["seq"]
        full = wire.message("event", envelope(ev, ev["payload"], ev.get("by")), seq)
        owner = ev["owner"] if ev["owner_id"] is not None else None
        public = ev["payload"] if ev["public_same"] else ev["public"]
        if ev["type"] == "groups.changed":
            self.groups.learn(ev)  # again: read from the log by ``repair``
        elif ev["type"] == "participant.merged":
            self.groups.forget_merged(ev)
        if ev.get("group_id") is not None:
            self.flush(a)
            self.groups.deliver(ev, full, public)
            return
        if ev["type"] == "vote.changed" and self.window > 0 and not ev["public_same"]:
            wire.send(wire.members(room_anim(a)), [full])
            batch = self.batches.setdefault(a, {})
            card = ev["payload"].get("card_id")
            if owner is not None:
                batch[("o", ev["owner_id"], card)] = (seq, room_owner(a, ev["owner_id"]), owner)
            if public is not None:
                batch[("p", card)] = (seq, room_pub(a), public)
            self._later("flush", a, self.window, self.flush)
            return
        self.flush(a)
        if ev["public_same"] and ev.get("by") is None:
            wire.send([*wire.members(room_anim(a)), *wire.members(room_pub(a))], [full])
            return
        wire.send(wire.members(room_anim(a)), [full])
        if ev["public_same"]:  # the same data without who did it
            wire.send(wire.members(room_pub(a)), [wire.message("event", envelope(ev, public), seq)])
            return
        if owner is not None:  # the author's version first
            own = wire.message("event", envelope(ev, owner), seq)
            wire.send(wire.members(room_owner(a, ev["owner_id"])), [own])
        if public is not None:
            pub = wire.message("event", envelope(ev, public), seq)
            wire.send(wire.members(room_pub(a)), [pub])

    def flush(self, a: int) -> None:
        """Send the batched vote messages, in seq order for every client."""
        batch = self.batches.pop(a, None)
        if not batch:
            return
        items = sorted(batch.values(), key=lambda item: item[0])
        pub_room = room_pub(a)
        public: list[Message] = []
        own: dict[str, list[Message]] = {}
        for seq, room, data in items:
            message = wire.message("event", {"seq": seq, "type": "vote.changed", "data": data}, seq)
            if room == pub_room:
                public.append(message)
            else:
                for sid in wire.members(room):
                    own.setdefault(sid, []).append(message)
        shared = RawFrame(b"".join(m.frame for m in public))
        for sid in wire.members(pub_room):
            mine = own.pop(sid, None)
            if mine:
                merged = sorted(public + mine, key=lambda m: m.seq)
                wire.write(sid, RawFrame(b"".join(m.frame for m in merged)), merged)
            elif public:
                wire.write(sid, shared, public)
        for sid, messages in own.items():
            wire.send([sid], messages)

    def _later(self, kind: str, a: int, delay: float, fn: Any) -> None:
        key = (kind, a)
        if key in self.timers:
            return
        self.timers.add(key)

        def run() -> None:
            self.socketio.sleep(delay)
            self.timers.discard(key)
            try:
                fn(a)
            except Exception:
                log.exception("%s of atelier %s", kind, a)

        self.socketio.start_background_task(run)


class RedisQueue(IndexedRooms, RedisManager):
    """Flask-SocketIO's Redis message queue, plus board events as one message each (see
    ``Relay``); reconnects every ≤ 2 s after an outage and then has the relay catch up."""

    METHOD = "facilitator.board"

    def __init__(self, url: str, channel: str = "flask-socketio") -> None:
        super().__init__(url, channel=channel)
        self.relay: Relay | None = None

    def publish_board(self, ev: dict[str, Any]) -> bool:
        message = {"method": self.METHOD, "event": ev, "host_id": self.host_id}
        return self._publish(message) is not None

    def _listen(self) -> Iterator[Any]:
        for message in super()._listen():
            data = message
            if not isinstance(data, dict):
                try:
                    data = self.json.loads(message)
                except ValueError:
                    continue
            if data.get("method") != self.METHOD:
                yield data
            elif data.get("host_id") != self.host_id and self.relay is not None:
                try:
                    self.relay.accept(data["event"])
                except Exception:
                    log.exception("board event from the queue")

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        retry, subscribed, lost = 0.25, False, False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed, retry = True, 0.25
                    if lost and self.relay is not None:
                        lost = False
                        self.relay.queue_back()
                yield from self.pubsub.listen()
            except Exception as exc:  # noqa: BLE001 (any failure: reconnect)
                if not lost:
                    log.warning("Redis : réception interrompue (%s) ; nouvel essai.", exc)
                    if self.relay is not None:
                        self.relay._set_degraded(True)
                subscribed, lost = False, True
                time.sleep(retry)
                retry = min(retry * 2, 2.0)


relay = Relay()
