"""``questions_essentielles`` in documents: in the compte rendu, the proposals ranked by votes
and the questions validated in the step; in the synthèse, the cycle's questions as they are
now, with how each was changed since its validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from facilitator.activities.questions_essentielles.models import ProposalVote, QuestionProposal
from facilitator.contract import ProductionCount
from facilitator.core import questions as productions
from facilitator.core.document_facts import counts, per_atelier
from facilitator.extensions import db
from facilitator.models import Atelier, Participant, QuestionEssentielle, Structure
from facilitator.rendering import fr
from facilitator.rendering.cards import ranked, ranking_table
from facilitator.rendering.groups import groups_blocks
from facilitator.rendering.model import (
    Block,
    Inline,
    Section,
    bullets,
    inline,
    note,
    para,
    section,
    table,
)
from facilitator.rendering.model import plain as clean
from facilitator.rendering.sections import ActivityDocuments, StepSection

if TYPE_CHECKING:
    from facilitator.rendering.context import CycleContext, StepData


@dataclass(frozen=True)
class Proposal:
    text: str
    enjeu: str
    author: str
    votes: int
    merged: int
    #: the number of the question essentielle it became (None: not validated, or withdrawn)
    question: int | None
    question_text: str = ""


def _author(name: str | None, structure: str | None, by_animateur: bool) -> str:
    if by_animateur:
        return "animateur"
    if not name:
        return ""
    return f"{clean(name)} ({clean(structure)})" if structure else clean(name)


class QuestionsDocuments(ActivityDocuments):
    type_id = "questions_essentielles"

    @classmethod
    def load_steps(cls, step_ids: list[int]) -> dict[int, Any]:
        if not step_ids:
            return {}
        votes = dict(
            db.session.execute(
                select(ProposalVote.proposal_id, func.sum(ProposalVote.weight))
                .where(ProposalVote.step_id.in_(step_ids))
                .group_by(ProposalVote.proposal_id)
            ).all()
        )
        rows = db.session.execute(
            select(QuestionProposal, Participant.display_name, Structure.name)
            .outerjoin(Participant, Participant.id == QuestionProposal.participant_id)
            .outerjoin(Structure, Structure.id == Participant.structure_id)
            .where(
                QuestionProposal.step_id.in_(step_ids),
                QuestionProposal.status.in_(("active", "validated")),
            )
            .order_by(QuestionProposal.id)
        ).all()
        numbers: dict[int, tuple[int, str]] = {}
        cycles = {p.atelier_id for p, _n, _s in rows}
        for atelier_id in cycles:
            atelier = db.session.get(Atelier, atelier_id)
            if atelier is None:
                continue
            for q in productions.questions_list(atelier.cycle_id):
                if q["active"]:
                    numbers[q["id"]] = (q["number"], q["text"])
        out: dict[int, list[Proposal]] = {sid: [] for sid in step_ids}
        for p, name, structure in rows:
            number, text = numbers.get(p.question_id, (None, "")) if p.question_id else (None, "")
            out[p.step_id].append(
                Proposal(
                    text=clean(p.text),
                    enjeu=clean(p.enjeu),
                    author=_author(name, structure, p.animateur_id is not None),
                    votes=int(votes.get(p.id, 0)),
                    merged=len((p.data or {}).get("merged_from", [])),
                    question=number if p.status == "validated" else None,
                    question_text=clean(text),
                )
            )
        return out

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        proposals: list[Proposal] = list(step.extra or [])
        validated = sorted((p for p in proposals if p.question), key=lambda p: p.question or 0)
        total = sum(p.votes for p in proposals)
        summary = fr.join(
            [
                fr.count(len(proposals), "proposition"),
                fr.count(total, "vote"),
                fr.count(len(validated), "question validée", "questions validées"),
            ]
        )
        # a step that ran in sub-groups: the groups and what each proposed first (issue 18)
        blocks: list[Block | Section] = groups_blocks(step)
        if not proposals:
            blocks.append(note("Aucune proposition de question à cette étape."))
            return StepSection(blocks=tuple(blocks), summary=summary)
        blocks.append(para(summary.capitalize() + ".", style="lead"))
        decided: list[Inline] = [
            inline(f"Question essentielle {p.question} : {fr.quoted(p.question_text or p.text)}")
            for p in validated
        ]
        if decided:
            blocks.append(section("Questions essentielles validées", bullets(decided)))
        anonymous = step.anonymous or not any(p.author for p in proposals)
        header = ["Rang", "Proposition", "Enjeu"]
        widths = [7, 43, 20]
        if not anonymous:
            header.append("Proposée par")
            widths.append(15)
        header += ["Votes", "Suite"]
        widths += [7, 8] if not anonymous else [10, 20]
        rows = []
        for rank, p in ranked(proposals):
            row = [str(rank), p.text, p.enjeu or "—"]
            if not anonymous:
                row.append(p.author or "—")
            suite = f"Q{p.question}" if p.question else ""
            if p.merged:
                suite = (
                    fr.join([suite, f"fusion de {p.merged}"]) if suite else f"fusion de {p.merged}"
                )
            row += [fr.number(p.votes), suite or "—"]
            rows.append(row)
        what = "Propositions de questions"
        blocks.append(
            ranking_table("propositions", what, step, header, rows, widths, len(header) - 2)
        )
        return StepSection(
            blocks=tuple(blocks),
            decisions=tuple(decided),
            summary=summary,
        )

    @classmethod
    def load_cycle(cls, cycle_id: int) -> Any:
        questions = productions.questions_list(cycle_id)
        if not questions:
            return None
        history = productions.history(cycle_id)
        return [
            {
                **q,
                "text": clean(q["text"]),
                "changes": [
                    (h["at"], h["change"], clean(h["text"]), clean(h["atelier"]))
                    for h in reversed(history.get(q["id"], []))
                ],
            }
            for q in questions
        ]

    @classmethod
    def cycle_sections(cls, data: Any, ctx: CycleContext) -> tuple[Section, ...]:
        if not data:
            return ()
        active = [q for q in data if q["active"]]
        removed = [q for q in data if not q["active"]]
        children: list[Block | Section] = [
            para(
                f"{fr.count(len(active), 'question essentielle', 'questions essentielles')} "
                "organisent la cartographie, les actions et la feuille de route.",
                style="lead",
            ),
            bullets(inline(f"Q{q['number']}. {q['text']}") for q in active),
        ]
        changed = [q for q in data if len(q["changes"]) > 1]
        if changed:
            rows = [
                (
                    q["text"],
                    fr.date_medium(at.date()),
                    change,
                    text,
                    atelier or "entre deux ateliers",
                )
                for q in changed
                for at, change, text, atelier in q["changes"]
            ]
            children.append(
                table(
                    "questions-historique",
                    "Évolution des questions essentielles",
                    ["Question (aujourd'hui)", "Date", "Changement", "Formulation", "Où"],
                    rows,
                    widths=(30, 12, 12, 30, 16),
                )
            )
        if removed:
            children.append(
                para("Questions retirées : " + "; ".join(fr.quoted(q["text"]) for q in removed))
            )
        return (section("Questions essentielles", children),)


def production_counts(cycle_id: int) -> list[ProductionCount]:
    """Proposals, question votes (points given) and questions validated, per atelier."""
    return [
        *counts(
            per_atelier(cycle_id, QuestionProposal.atelier_id),
            "proposition de question",
            "propositions de questions",
        ),
        *counts(
            per_atelier(cycle_id, None, total=ProposalVote.weight, via_step=ProposalVote.step_id),
            "vote sur les questions",
            "votes sur les questions",
            vote=True,
        ),
        *counts(
            per_atelier(cycle_id, QuestionEssentielle.validated_atelier_id),
            "question validée",
            "questions validées",
        ),
    ]
