"""Who connects (from the signed token) and what their ``sync`` holds (docs/protocol.md §3).

A participant's connect reads one row set (``core/joiner.py``: the participant, their
structure, their votes); the ``seq`` of their snapshot is the last one this process has
delivered to the atelier's room (``relay.covered``), read right after the connection joined
that room: every later event reaches it, and everything up to that ``seq`` was committed
before the snapshot's data were read — what was read earlier (the participant's votes, by
authentication) is read again when an event was delivered in between. The shared part of
the snapshot is then usually in memory already (``core/snapshot.py``): no other query."""

from __future__ import annotations

from typing import Any

from flask import current_app, g

from facilitator.core import cycles, events, groups, joiner, snapshot, tokens
from facilitator.core import visibility as views
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.realtime.relay import relay

REMOVED = "Vous ne faites plus partie de l'équipe de ce cycle : cette page n'est plus accessible."

#: ``g`` key: (the seq this process had delivered before the read, what was read)
_READ = "facilitator_joiner"


def claims_of(token: object) -> dict[str, Any] | None:
    """What the signed token says (no query); None: forged, expired or not a token."""
    if not isinstance(token, str) or len(token) > 1000:
        return None
    return tokens.read_socket_token(token)


def viewer_from_token(token: object, claims: dict[str, Any] | None = None) -> Viewer | None:
    """The viewer the token names, checked against the database; ``claims``: the token
    already read (``claims_of``)."""
    data = claims if claims is not None else claims_of(token)
    if data is None:
        return None
    role, atelier_id = data.get("r"), data.get("a")
    if not isinstance(atelier_id, int):
        return None
    if role == "participant":
        pid = data.get("p")
        if not isinstance(pid, int):
            return None
        seen = relay.covered(atelier_id)  # before the read: see ``mine_for``
        found = joiner.read(atelier_id, pid)
        if found is None or not tokens.participant_key_matches(data, found.token_hash):
            return None  # not of this cycle, or a token of a deleted participant
        g.setdefault(_READ, {})[pid] = (seen, found.mine)
        return Viewer("participant", atelier_id, participant_id=pid)
    atelier = db.session.get(Atelier, atelier_id)
    if atelier is None:
        return None
    if role == "animateur":
        if not cycles.can_run(data.get("u"), atelier.cycle_id):
            return None
        return Viewer("animateur", atelier.id, animateur_id=data["u"])
    if role == "viewer" and data.get("k") == atelier.read_token[:12]:
        if "u" in data:  # an observateur's read-only console: while in the team
            if cycles.role_in(data["u"], atelier.cycle_id) is None:
                return None
            return Viewer("viewer", atelier.id, animateur_id=data["u"])
        return Viewer("viewer", atelier.id)
    return None


def mine_for(viewer: Viewer, seq: int) -> snapshot.Mine | None:
    """What authentication read of this participant, when it is at least as new as
    ``seq``: nothing was delivered here between that read and ``seq`` (else None: the
    snapshot reads it again)."""
    if viewer.participant_id is None:
        return None
    seen, mine = g.get(_READ, {}).pop(viewer.participant_id, (None, None))
    return mine if seen is not None and seen == seq else None


def refusal(token: object) -> str:
    """Why a connection is refused, in French."""
    data = claims_of(token)
    if data is not None and "u" in data:  # signed for a team member who left since
        return REMOVED
    return "Lien expiré ou invalide : rechargez la page."


def sync_data(
    viewer: Viewer,
    last_seq: int,
    seq: int | None = None,
    mine: snapshot.Mine | None = None,
) -> dict[str, Any]:
    """Missed events since ``last_seq`` or, when that is not possible, a snapshot.
    ``server_time`` (ms) lets the client correct its clock: the ``server_time`` inside
    replayed timer events is the time they were recorded. ``seq``: the snapshot's, known
    by the caller (read from the database otherwise); ``mine``: see ``snapshot_of``."""
    now = views.timer_dict_now()
    if seq is None:  # read before anything else: see ``events.missed``
        seq = events.current_seq(viewer.atelier_id)
    if last_seq > 0:
        mine_groups = groups.member_groups(viewer.atelier_id, viewer.participant_id)
        limit = current_app.config["REPLAY_LIMIT"]
        replay = events.missed(viewer, last_seq, seq, limit, mine_groups)
        if replay is not None:
            return {"mode": "replay", "events": replay, "seq": seq, "server_time": now}
    whole = snapshot.snapshot_of(viewer.atelier_id, viewer, seq, mine)
    return {"mode": "snapshot", "snapshot": whole, "seq": seq, "server_time": now}
