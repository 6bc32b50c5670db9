"""Live verbs of the ``questions_essentielles`` activity: participants propose wordings of
questions from the enjeux, the animateur merges and edits them, everyone votes, the
animateur validates — validated questions become cycle productions (core/questions).

Phases of the step (``StepState.phase``): formulation → vote → validation. Each verb
validates and authorises, then changes and records its events in one live change
(docs/activities/questions_essentielles.md lists payloads, acks and envelopes)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, select

from facilitator.activities.questions_essentielles import schemas
from facilitator.activities.questions_essentielles import views as question_views
from facilitator.activities.questions_essentielles.models import ProposalVote, QuestionProposal
from facilitator.activities.questions_essentielles.views import (
    PHASES,
    phase,
    proposal_full,
    record_proposal,
    tallies,
)
from facilitator.core import events, groups, visibility
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.core.questions_live import record_questions
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.models.questions import QuestionEssentielle
from facilitator.validation import Empty

log = logging.getLogger(__name__)

#: longest proposal, in characters (a question essentielle is one sentence)
MAX_PROPOSAL = productions.MAX_QUESTION
MAX_MERGE = 20


def _proposal(viewer: Viewer, step: Step, proposal_id: int) -> QuestionProposal:
    proposal = db.session.get(QuestionProposal, proposal_id)
    if proposal is None or proposal.step_id != step.id or proposal.status in ("deleted", "merged"):
        raise NotFound("Cette proposition n'existe plus (supprimée ou fusionnée).")
    if step.groups:  # another group's proposal does not exist for a participant (issue 18)
        try:
            groups.require_sees(viewer, step, (proposal.data or {}).get("group_id"))
        except NotFound:
            raise NotFound("Cette proposition n'existe plus (supprimée ou fusionnée).") from None
    return proposal


def _vote_rules(step: Step) -> tuple[int, int]:
    votes = (step.settings or {}).get("votes") or {}
    return int(votes.get("budget", 4)), int(votes.get("max_per_card", 1))


def _clean_enjeu(enjeu: str) -> str:
    return " ".join(enjeu.split())[:200]


def propose(viewer: Viewer, step: Step, data: schemas.Propose) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    if not viewer.is_animateur and phase(step) != "formulation":
        raise InvalidInput(
            "La formulation est close : l'animateur est passé à l'étape suivante.", code="phase"
        )

    def find() -> QuestionProposal | None:
        return db.session.scalar(
            select(QuestionProposal).where(
                QuestionProposal.atelier_id == viewer.atelier_id,
                QuestionProposal.client_id == data.client_id,
            )
        )

    once = live_common.ClientAdd(
        viewer, find, lambda p: _same_author(viewer, p), lambda p: {"proposal": proposal_full(p)}
    )
    if (again := once.retried()) is not None:
        return again
    text = live_common.clean_text(data.text, MAX_PROPOSAL, "La proposition")
    privacy = live_common.check_privacy(text, data.confirm_personal)
    extra: dict[str, Any] = {"privacy": privacy} if privacy else {}
    group_id = groups.group_for_new(viewer, step) if step.groups else None
    if group_id is not None:
        extra["group_id"] = group_id
    with events.live_change(viewer.atelier_id) as change:
        proposal = QuestionProposal(
            atelier_id=viewer.atelier_id,
            step_id=step.id,
            client_id=data.client_id,
            participant_id=viewer.participant_id,
            animateur_id=viewer.animateur_id,
            text=text,
            enjeu=_clean_enjeu(data.enjeu),
            data=extra,
        )
        again = once.insert(proposal)
        if again is not None:
            return again
        event = record_proposal(change, proposal, step)
    log.info("proposal %s added to step %s", proposal.id, step.id)
    return {"proposal": event.payload["proposal"], "seq": event.seq}


def _merged_data(merged_from: list[str], sources: list[QuestionProposal]) -> dict[str, Any]:
    """A merge keeps the sources' group when they share one (issue 18)."""
    data: dict[str, Any] = {"merged_from": merged_from[:50]}
    found = {(p.data or {}).get("group_id") for p in sources}
    if len(found) == 1 and None not in found:
        data["group_id"] = found.pop()
    return data


def _same_author(viewer: Viewer, p: QuestionProposal) -> bool:
    return (p.participant_id, p.animateur_id) == (viewer.participant_id, viewer.animateur_id)


def _may_change(viewer: Viewer, step: Step, proposal: QuestionProposal) -> None:
    live_common.require_writer(viewer, step)
    if viewer.is_animateur:
        return
    if proposal.participant_id != viewer.participant_id:
        raise Forbidden("Vous ne pouvez modifier que vos propres propositions.")
    if phase(step) != "formulation" or proposal.status != "active":
        raise InvalidInput(
            "La formulation est close : seules les propositions en cours d'écriture se modifient.",
            code="phase",
        )


def edit(viewer: Viewer, step: Step, data: schemas.Edit) -> dict[str, Any]:
    proposal = _proposal(viewer, step, data.proposal_id)
    _may_change(viewer, step, proposal)
    if proposal.version != data.version:
        raise Conflict(
            "Cette proposition a été modifiée entre-temps : voici sa version actuelle.",
            proposal=_for_viewer(viewer, proposal, step),
        )
    text = None
    if data.text is not None:
        text = live_common.clean_text(data.text, MAX_PROPOSAL, "La proposition")
        privacy = live_common.check_privacy(text, data.confirm_personal)
    with events.live_change(viewer.atelier_id) as change:
        if text is not None:
            proposal.text = text
            proposal.data = {**(proposal.data or {}), "privacy": privacy}
        if data.enjeu is not None:
            proposal.enjeu = _clean_enjeu(data.enjeu)
        proposal.version += 1
        event = record_proposal(change, proposal, step)
    return {"proposal": event.payload["proposal"], "seq": event.seq}


def _for_viewer(viewer: Viewer, proposal: QuestionProposal, step: Step) -> dict[str, Any]:
    return visibility.proposal_for(viewer, proposal_full(proposal), step)


def remove(viewer: Viewer, step: Step, data: schemas.ProposalRef) -> dict[str, Any]:
    proposal = _proposal(viewer, step, data.proposal_id)
    _may_change(viewer, step, proposal)
    if proposal.status == "validated":
        raise InvalidInput(
            "Cette proposition est devenue une question essentielle : retirez la question.",
            code="validated",
        )
    with events.live_change(viewer.atelier_id) as change:
        proposal.status = "deleted"
        proposal.version += 1
        db.session.execute(delete(ProposalVote).where(ProposalVote.proposal_id == proposal.id))
        event = record_proposal(change, proposal, step)
    return {"proposal_id": proposal.id, "seq": event.seq}


def merge(viewer: Viewer, step: Step, data: schemas.Merge) -> dict[str, Any]:
    """Several proposals become one (new text by the animateur); the votes given to the
    merged ones return to their voters."""
    live_common.require_animateur(viewer, "Seul l'animateur fusionne les propositions.")
    live_common.require_writer(viewer, step)
    ids = list(dict.fromkeys(data.proposal_ids))
    if not 2 <= len(ids) <= MAX_MERGE:
        raise InvalidInput(f"Choisissez de 2 à {MAX_MERGE} propositions à fusionner.")
    sources = [_proposal(viewer, step, pid) for pid in ids]
    if any(p.status != "active" for p in sources):
        raise InvalidInput("Une proposition déjà validée ne se fusionne pas.", code="validated")
    text = live_common.clean_text(data.text, MAX_PROPOSAL, "La proposition")
    with events.live_change(viewer.atelier_id) as change:
        merged_from: list[str] = []
        for p in sources:
            merged_from += [p.text, *(p.data or {}).get("merged_from", [])]
        returned = db.session.scalar(
            select(func.coalesce(func.sum(ProposalVote.weight), 0)).where(
                ProposalVote.proposal_id.in_(ids)
            )
        )
        db.session.execute(delete(ProposalVote).where(ProposalVote.proposal_id.in_(ids)))
        target = QuestionProposal(
            atelier_id=viewer.atelier_id,
            step_id=step.id,
            client_id=live_common.server_client_id("merge"),
            animateur_id=viewer.animateur_id,
            text=text,
            enjeu=_clean_enjeu(data.enjeu if data.enjeu is not None else sources[0].enjeu),
            data=_merged_data(merged_from, sources),
        )
        db.session.add(target)
        db.session.flush()
        record_proposal(change, target, step)
        for p in sources:
            p.status = "merged"
            p.version += 1
            record_proposal(change, p, step)
    log.info("proposals %s merged into %s", ids, target.id)
    return {
        "proposal": proposal_full(target),
        "merged": ids,
        "votes_returned": int(returned or 0),
        "seq": change.seq,
    }


def vote(viewer: Viewer, step: Step, data: schemas.Vote) -> dict[str, Any]:
    live_common.require_vote_open(viewer, step, PHASES[0], "Le vote n'est pas ouvert.")
    proposal = _proposal(viewer, step, data.proposal_id)
    if proposal.status != "active":
        raise InvalidInput("Cette proposition n'est plus soumise au vote.", code="validated")
    return live_common.dot_vote(
        viewer,
        step,
        model=ProposalVote,
        target="proposal_id",
        target_id=proposal.id,
        delta=data.delta,
        rules=_vote_rules(step),
        event_type="qe.vote",
        what="une même question",
        tallies=tallies,
        group_id=(proposal.data or {}).get("group_id"),
    )


def set_phase(viewer: Viewer, step: Step, data: schemas.Phase) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur change de phase.")
    step.atelier.require_open()
    if data.phase not in PHASES:
        raise InvalidInput("Phase inconnue.")
    return live_common.set_phase(viewer, step, data.phase, PHASES[0], "qe.phase", tallies)


def validate(viewer: Viewer, step: Step, data: schemas.Validate) -> dict[str, Any]:
    """A proposal becomes a question essentielle of the cycle (at the end of the list)."""
    live_common.require_animateur(viewer, "Seul l'animateur valide les questions.")
    step.atelier.require_open()
    if phase(step) != "validation":
        raise InvalidInput(
            "Passez d'abord à la phase « Validation » pour valider des questions.", code="phase"
        )
    proposal = _proposal(viewer, step, data.proposal_id)
    if proposal.status == "validated":
        raise InvalidInput("Cette proposition est déjà une question essentielle.", code="validated")
    text = productions.clean_question(data.text if data.text is not None else proposal.text)
    with events.live_change(viewer.atelier_id) as change:
        question = _question_of(viewer, step, proposal, text)
        proposal.status = "validated"
        proposal.question_id = question.id
        proposal.version += 1
        record_proposal(change, proposal, step)
        record_questions(change, step.atelier.cycle_id)
    return {
        "question": productions.question_dict(question),
        "proposal": proposal_full(proposal),
        "seq": change.seq,
    }


def _question_of(
    viewer: Viewer, step: Step, proposal: QuestionProposal, text: str
) -> QuestionEssentielle:
    """The question a validated proposal becomes: a new one at the end of the list, or the
    one it became before (withdrawn since), brought back with the text validated now."""
    cycle_id = step.atelier.cycle_id
    who = {"atelier_id": viewer.atelier_id, "animateur_id": viewer.animateur_id}
    if proposal.question_id is None:
        votes = tallies(step).get(proposal.id, 0)
        return productions.create_question(cycle_id, text, enjeu=proposal.enjeu, votes=votes, **who)
    question = productions.restore_question(cycle_id, proposal.question_id, **who)
    if question.text != text:
        question = productions.edit_question(cycle_id, question.id, question.version, text, **who)
    return question


def unvalidate(viewer: Viewer, step: Step, data: schemas.ProposalRef) -> dict[str, Any]:
    """Undo a validation made in this step: the question is withdrawn (kept in history) and
    the proposal is back on the board."""
    live_common.require_animateur(viewer, "Seul l'animateur valide les questions.")
    step.atelier.require_open()
    proposal = _proposal(viewer, step, data.proposal_id)
    if proposal.status != "validated" or proposal.question_id is None:
        raise InvalidInput("Cette proposition n'est pas validée.")
    cycle_id = step.atelier.cycle_id
    question = productions.get_question(cycle_id, proposal.question_id)
    with events.live_change(viewer.atelier_id) as change:
        _question, affected = productions.remove_question(
            cycle_id,
            question.id,
            question.version,
            atelier_id=viewer.atelier_id,
            animateur_id=viewer.animateur_id,
        )
        proposal.status = "active"
        proposal.version += 1
        record_proposal(change, proposal, step)
        record_questions(change, cycle_id)
    return {
        "proposal": proposal_full(proposal),
        "affected": affected,
        "message_fr": productions.affected_text(affected),
        "seq": change.seq,
    }


def refresh(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    """The step's state as ``viewer`` may see it now, with the sequence number it is as of:
    clients ask when the step is shown (the enjeux keep changing in the earlier step until
    it is left) and when anonymity is switched."""
    return {"state": question_views.state(step, viewer), "seq": events.current_seq(step.atelier_id)}
