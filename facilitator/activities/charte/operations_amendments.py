"""Amendments of the charte's draft: participants propose a new wording (or a new clause,
or a removal) with a reason; the animateur accepts — possibly adjusting the wording — or
rejects with a reason, or asks the room by a quick vote (pour / contre / abstention,
changeable until closed; more « pour » than « contre » accepts). Accepted amendments wait
for ``charte.consolidate`` to become the next numbered version."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte.models import (
    AMENDMENT_STATUSES,
    CharteAmendment,
    CharteAmendmentVote,
    CharteClause,
    CharteVersion,
)
from facilitator.activities.charte.operations_common import (
    MAX_CLAUSE,
    PENDING,
    current,
    require_animateur,
    require_draft,
    require_voter,
    section_of,
)
from facilitator.activities.charte.schemas import (
    AmendmentDecide,
    AmendmentPropose,
    AmendmentRef,
    QuickVote,
)
from facilitator.activities.charte.views import phase
from facilitator.activities.charte.views_amendments import (
    amendment_full,
    quick_tally,
    record_amendment,
)
from facilitator.core import events, group_rows, groups
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.errors import Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step

log = logging.getLogger(__name__)

MAX_REASON = 1000


def _amendment(step: Step, amendment_id: int, viewer: Viewer | None = None) -> CharteAmendment:
    a = db.session.get(CharteAmendment, amendment_id)
    version = charte_views.latest(step.atelier.cycle_id)
    if a is None or version is None or a.version_id != version.id:
        raise NotFound("Cet amendement n'existe pas sur la version en cours.")
    if viewer is not None:  # another group's amendment does not exist for a participant
        # while its groups work apart (issue 18), from whichever step of the atelier
        group_rows.require_sees(
            viewer,
            (a.data or {}).get("group_id"),
            None,
            "Cet amendement n'existe pas sur la version en cours.",
        )
    return a


def _same_author(viewer: Viewer, a: CharteAmendment) -> bool:
    return a.participant_id == viewer.participant_id and (
        viewer.participant_id is not None or a.animateur_id == viewer.animateur_id
    )


def _find(viewer: Viewer, client_id: str) -> CharteAmendment | None:
    return db.session.scalar(
        select(CharteAmendment).where(
            CharteAmendment.atelier_id == viewer.atelier_id,
            CharteAmendment.client_id == client_id,
        )
    )


def propose(viewer: Viewer, step: Step, data: AmendmentPropose) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    once = live_common.ClientAdd(
        viewer,
        lambda: _find(viewer, data.client_id),
        lambda a: _same_author(viewer, a),
        lambda a: {"amendment": amendment_full(a)},
    )
    if (again := once.retried()) is not None:
        return again
    version = current(step)
    require_draft(version)
    if not viewer.is_animateur and phase(step) != "amendements":
        raise InvalidInput(
            "Les amendements ne sont pas ouverts : l'animateur les ouvre dans la phase "
            "« Amendements ».",
            code="phase",
        )
    clause: CharteClause | None = None
    if data.kind in ("modification", "suppression"):
        if data.clause_id is None:
            raise InvalidInput("Choisissez la clause à amender.", code="bad_clause")
        clause = db.session.get(CharteClause, data.clause_id)
        if clause is None or clause.version_id != version.id:
            raise NotFound(
                f"Cette clause n'est pas dans la version en cours (version {version.number})."
            )
        section = clause.section
    else:
        section = section_of(step, data.section or "")["id"]
    text = ""
    if data.kind != "suppression":
        text = live_common.clean_text(data.text, MAX_CLAUSE, "La nouvelle rédaction")
        if clause is not None and text == clause.text:
            raise InvalidInput(
                "La nouvelle rédaction est identique à la clause actuelle.", code="unchanged"
            )
    reason = live_common.clean_text(data.reason, MAX_REASON, "La raison de l'amendement")
    privacy = live_common.check_privacy(f"{text}\n{reason}", data.confirm_personal)
    extra: dict[str, Any] = {"privacy": privacy} if privacy else {}
    group_id = groups.group_for_new(viewer, step) if step.groups else None
    if group_id is not None:
        extra["group_id"] = group_id  # the sub-group it was written in (issue 18)
    with events.live_change(viewer.atelier_id) as change:
        amendment = CharteAmendment(
            version_id=version.id,
            clause_id=clause.id if clause else None,
            atelier_id=viewer.atelier_id,
            client_id=data.client_id,
            section=section,
            kind=data.kind,
            text=text,
            reason=reason,
            base_text=clause.text if clause else "",
            participant_id=viewer.participant_id,
            animateur_id=viewer.animateur_id,
            data=extra,
        )
        # a retry that lost the race with its first try: rolled back, answered like it
        again = once.insert(amendment)
        if again is None:
            ack = _ack(record_amendment(change, amendment, step))
    if again is not None:
        return again
    log.info("amendment %s proposed on charte version %s", amendment.id, version.number)
    return ack


def _ack(event: events.Event) -> dict[str, Any]:
    return {"amendment": event.payload["amendment"], "seq": event.seq}


def _settle(
    change: events.LiveChange, a: CharteAmendment, step: Step, status: str
) -> dict[str, Any]:
    """Move the amendment to ``status`` and announce it; returns the ack."""
    a.set_status(status)
    return _ack(record_amendment(change, a, step))


def withdraw(viewer: Viewer, step: Step, data: AmendmentRef) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    a = _amendment(step, data.amendment_id, viewer)
    if not viewer.is_animateur and a.participant_id != viewer.participant_id:
        raise Forbidden("Vous ne pouvez retirer que vos propres amendements.")
    if a.status != "proposee":
        raise InvalidInput(
            f"Cet amendement est « {AMENDMENT_STATUSES[a.status].lower()} » : "
            "il ne se retire plus.",
            code="decided",
        )
    with events.live_change(viewer.atelier_id) as change:
        ack = _settle(change, a, step, "retiree")
    return ack


def _check_acceptable(a: CharteAmendment) -> None:
    """Two accepted amendments on one clause cannot both be consolidated."""
    if a.clause_id is None and a.kind != "ajout":
        raise InvalidInput("La clause visée par cet amendement n'existe plus.", code="bad_clause")
    if a.clause_id is None:
        return
    other = db.session.scalar(
        select(CharteAmendment.id).where(
            CharteAmendment.version_id == a.version_id,
            CharteAmendment.clause_id == a.clause_id,
            CharteAmendment.status == "acceptee",
            CharteAmendment.id != a.id,
        )
    )
    if other is not None:
        raise InvalidInput(
            "Un autre amendement de cette clause est déjà accepté : rejetez l'un des deux, "
            "ou reprenez les deux idées dans une seule rédaction.",
            code="amendment_conflict",
        )


def _open(a: CharteAmendment, decided_too: bool = False) -> None:
    version = db.session.get(CharteVersion, a.version_id)
    assert version is not None
    require_draft(version)
    allowed = ("proposee", "en_vote", "acceptee", "rejetee") if decided_too else PENDING
    if a.status not in allowed:
        label = AMENDMENT_STATUSES.get(a.status, a.status).lower()
        raise InvalidInput(f"Cet amendement est déjà « {label} ».", code="decided")


def decide(viewer: Viewer, step: Step, data: AmendmentDecide) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur accepte ou rejette un amendement.")
    a = _amendment(step, data.amendment_id)
    _open(a, decided_too=True)  # a decision can be changed until consolidation
    text = None
    if data.decision == "accepter":
        _check_acceptable(a)
        if data.text is not None and a.kind != "suppression":
            text = live_common.clean_text(data.text, MAX_CLAUSE, "La rédaction retenue")
    reason = " ".join((data.reason or "").split())[:MAX_REASON]
    with events.live_change(viewer.atelier_id) as change:
        if text is not None:
            a.text = text
        a.decision_reason = reason if data.decision == "rejeter" else ""
        ack = _settle(change, a, step, "acceptee" if data.decision == "accepter" else "rejetee")
    return ack


def quick_open(viewer: Viewer, step: Step, data: AmendmentRef) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur ouvre un vote rapide.")
    a = _amendment(step, data.amendment_id)
    _open(a)
    if a.status == "en_vote":
        raise InvalidInput("Le vote rapide est déjà ouvert sur cet amendement.", code="decided")
    _check_acceptable(a)
    with events.live_change(viewer.atelier_id) as change:
        ack = _settle(change, a, step, "en_vote")
    return ack


def _in_quick_vote(step: Step, amendment_id: int, viewer: Viewer | None = None) -> CharteAmendment:
    a = _amendment(step, amendment_id, viewer)
    if a.status != "en_vote":
        raise InvalidInput("Le vote rapide n'est pas ouvert sur cet amendement.", code="no_vote")
    return a


def quick_vote(viewer: Viewer, step: Step, data: QuickVote) -> dict[str, Any]:
    """A participant's choice; voting again replaces it until the vote is closed."""
    voter_id = require_voter(viewer, step)
    a = _in_quick_vote(step, data.amendment_id, viewer)
    with events.live_change(viewer.atelier_id) as change:
        row = db.session.scalar(
            select(CharteAmendmentVote).where(
                CharteAmendmentVote.amendment_id == a.id,
                CharteAmendmentVote.participant_id == voter_id,
            )
        )
        replaced = row is not None and row.choice != data.choice
        if row is None:
            db.session.add(
                CharteAmendmentVote(amendment_id=a.id, participant_id=voter_id, choice=data.choice)
            )
        else:
            row.choice = data.choice
        db.session.flush()
        mine = {"amendment_id": a.id, "choice": data.choice}
        event = change.record(
            "charte.quick_vote",
            {"amendment_id": a.id, "tally": quick_tally(a.id)},
            public=None,
            owner_id=voter_id,
            owner=mine,
            # a group's amendment: its quick vote is heard by that group's audience only
            group_id=group_rows.audience(step.atelier_id, (a.data or {}).get("group_id")),
        )
    return {**mine, "replaced": replaced, "seq": event.seq}


def quick_close(viewer: Viewer, step: Step, data: AmendmentRef) -> dict[str, Any]:
    """Close the quick vote: more « pour » than « contre » accepts the amendment."""
    require_animateur(viewer, step, "Seul l'animateur clôt un vote rapide.")
    a = _in_quick_vote(step, data.amendment_id)
    tally = quick_tally(a.id)
    accepted = tally["pour"] > tally["contre"]
    if accepted:
        _check_acceptable(a)
    with events.live_change(viewer.atelier_id) as change:
        a.decision_reason = "" if accepted else "Rejeté par le vote rapide."
        a.data = {**(a.data or {}), "quick": tally}
        ack = _settle(change, a, step, "acceptee" if accepted else "rejetee")
    return {**ack, "tally": tally}
