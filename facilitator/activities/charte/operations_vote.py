"""The adoption vote of a frozen version of the charte.

Rules (from the step's settings, copied into the version when the vote opens so the
result can always be read against them): one ballot per structure — its first
representative to vote — or per participant; gradients of agreement, each counting
« pour », « contre » or « abstention »; a quorum (share of the electors who voted) and a
threshold (the share of « pour » must be *more* than it). A ballot can be changed by its
author until the vote is closed; another representative of a structure that voted is told
so. The result is recorded with the version: « adoptée », « non adoptée » or « quorum non
atteint »; when adopted, the structures whose representatives voted « pour » (a majority
of their ballots) become signatories."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte.models import CharteBallot, CharteSignatory, CharteVersion
from facilitator.activities.charte.operations_common import (
    current,
    require_animateur,
    require_voter,
)
from facilitator.activities.charte.schemas import Ballot
from facilitator.activities.charte.views import phase, record_version
from facilitator.activities.charte.views_vote import (
    OUTCOME_LABELS,
    ballot_of,
    participation,
    record_ballot,
    structure_ballot,
)
from facilitator.core import events
from facilitator.core.events import Viewer
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import Participant, Step, Structure
from facilitator.models._types import utcnow
from facilitator.validation import Empty

log = logging.getLogger(__name__)


def open_vote(
    change: events.LiveChange, viewer: Viewer, step: Step, version: CharteVersion | None
) -> None:
    """Called when the step enters the « vote » phase (its events follow the phase's)."""
    if version is None:
        raise InvalidInput("La charte n'a pas encore de version à voter.", code="no_version")
    if version.status == "brouillon":
        raise InvalidInput(
            f"La version {version.number} n'est pas gelée : gelez-la d'abord (phase « Gel »), "
            "plus personne ne pourra la modifier pendant le vote.",
            code="not_frozen",
        )
    if version.vote_state:  # already open, or closed: the phase shows it
        return
    version.vote_state = "ouvert"
    version.vote_opened_at = utcnow()
    version.vote_atelier_id = viewer.atelier_id
    version.vote_rules = charte_views.rules(step)
    record_version(change, version)


def _open_version(step: Step) -> CharteVersion:
    version = current(step)
    if version.vote_state != "ouvert" or phase(step) != "vote":
        if version.vote_state == "clos":
            raise InvalidInput(
                f"Le vote sur la version {version.number} est clos : le résultat est enregistré.",
                code="vote_closed",
            )
        raise InvalidInput("Le vote d'adoption n'est pas ouvert.", code="no_vote")
    return version


def cast(viewer: Viewer, step: Step, data: Ballot) -> dict[str, Any]:
    voter_id = require_voter(viewer, step)
    version = _open_version(step)
    rules = version.vote_rules or {}
    gradients = {g["id"]: g for g in rules.get("gradients", [])}
    if data.gradient not in gradients:
        raise InvalidInput("Degré d'accord inconnu.", code="bad_gradient")
    me = db.session.get(Participant, voter_id)
    assert me is not None
    per_structure = rules.get("ballot") == "structure"
    if per_structure and me.structure_id is None:
        raise InvalidInput(
            "Le vote se fait par structure : indiquez votre structure en rejoignant l'atelier "
            "pour voter en son nom.",
            code="no_structure",
        )
    #: the structure the ballot speaks for, when the vote is by structure
    for_structure = me.structure_id if per_structure else None
    mine = ballot_of(version, voter_id)
    if mine is not None and mine.gradient == data.gradient:  # a retry: nothing to record
        return {
            "gradient": data.gradient,
            "unchanged": True,
            "seq": events.current_seq(viewer.atelier_id),
        }
    with events.live_change(viewer.atelier_id) as change:
        mine = ballot_of(version, voter_id)
        replaced = mine is not None
        if mine is None:
            if for_structure is not None and structure_ballot(version, for_structure) is not None:
                raise InvalidInput(
                    "Votre structure a déjà voté : un seul bulletin par structure. Seule la "
                    "personne qui l'a déposé peut le changer, jusqu'à la clôture du vote.",
                    code="already_voted",
                )
            db.session.add(
                CharteBallot(
                    version_id=version.id,
                    participant_id=voter_id,
                    structure_id=me.structure_id,
                    for_structure_id=for_structure,
                    gradient=data.gradient,
                )
            )
            try:
                db.session.flush()
            except IntegrityError:  # another representative voted at the same instant
                raise InvalidInput(
                    "Votre structure a déjà voté : un seul bulletin par structure.",
                    code="already_voted",
                ) from None
        else:
            mine.gradient = data.gradient
            mine.updated_at = utcnow()
        db.session.flush()
        event = record_ballot(change, version, step, voter_id)
    return {
        "gradient": data.gradient,
        "replaced": replaced,
        "participation": event.payload["participation"],
        "seq": event.seq,
    }


def compute_result(version: CharteVersion) -> tuple[dict[str, Any], set[int]]:
    """The vote's result (plain data) and the ids of the signatory structures."""
    rules = version.vote_rules or {}
    gradients = rules.get("gradients", [])
    counts_as = {g["id"]: g["counts_as"] for g in gradients}
    ballots = db.session.scalars(
        select(CharteBallot).where(CharteBallot.version_id == version.id)
    ).all()
    counts = {g["id"]: 0 for g in gradients}
    sides = {"pour": 0, "contre": 0, "abstention": 0}
    by_structure: dict[int, list[str]] = {}
    for b in ballots:
        counts[b.gradient] = counts.get(b.gradient, 0) + 1
        side = counts_as.get(b.gradient, "abstention")
        sides[side] += 1
        if b.structure_id is not None:
            by_structure.setdefault(b.structure_id, []).append(side)
    part = participation(version)
    total = part["electors"]
    cast = len(ballots)
    quorum = int(rules.get("quorum", 0))
    quorum_reached = cast > 0 and cast * 100 >= total * quorum
    base = sides["pour"] + sides["contre"]
    if rules.get("threshold_base") == "votants":
        base = cast
    threshold = int(rules.get("threshold", 50))
    share = round(sides["pour"] * 100 / base, 1) if base else 0.0
    threshold_reached = base > 0 and sides["pour"] * 100 > threshold * base
    if not quorum_reached:
        outcome = "quorum_non_atteint"
    elif threshold_reached:
        outcome = "adoptee"
    else:
        outcome = "non_adoptee"
    signers: set[int] = set()
    if outcome == "adoptee":
        for structure_id, sides_of in by_structure.items():
            if sides_of.count("pour") * 2 > len(sides_of):
                signers.add(structure_id)
    names = sorted(
        db.session.scalars(select(Structure.name).where(Structure.id.in_(signers))).all()
    )
    result = {
        "outcome": outcome,
        "outcome_label": OUTCOME_LABELS[outcome],
        "ballot": rules.get("ballot", "structure"),
        "electors": total,
        "ballots": cast,
        "gradients": [
            {
                "id": g["id"],
                "label": g["label"],
                "counts_as": g["counts_as"],
                "count": counts.get(g["id"], 0),
            }
            for g in gradients
        ],
        "pour": sides["pour"],
        "contre": sides["contre"],
        "abstention": sides["abstention"],
        "quorum": quorum,
        "quorum_base": rules.get("quorum_base", "cycle"),
        "quorum_needed": part["quorum_needed"],
        "quorum_reached": quorum_reached,
        "threshold": threshold,
        "threshold_base": rules.get("threshold_base", "exprimes"),
        "base": base,
        "share": share,
        "threshold_reached": threshold_reached,
        "signatories": names if outcome == "adoptee" else [],
        "closed_at": utcnow().isoformat(),
    }
    return result, signers


def close(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    require_animateur(viewer, step, "Seul l'animateur clôt le vote.")
    version = current(step)
    if version.vote_state != "ouvert":
        raise InvalidInput("Le vote d'adoption n'est pas ouvert.", code="no_vote")
    with events.live_change(viewer.atelier_id) as change:
        result, signers = compute_result(version)
        version.result = result
        version.vote_state = "clos"
        version.closed_at = utcnow()
        version.status = "adoptee" if result["outcome"] == "adoptee" else "non_adoptee"
        for structure_id in sorted(signers):
            db.session.add(CharteSignatory(version_id=version.id, structure_id=structure_id))
        db.session.flush()
        event = record_version(change, version)
    log.info("charte version %s: %s", version.number, result["outcome"])
    return {"version": event.payload["version"], "result": result, "seq": event.seq}
