"""Feuille de route (document kind ``feuille-de-route``): the cycle's actions by question
essentielle, with pilote, contributeurs, échéance, état and indicators, and a CSV export
(one row per action). Structures only, never a participant's name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from facilitator.activities.feuille_de_route.models import ETATS, ROADMAP_STATUSES, RoadmapAction
from facilitator.activities.feuille_de_route.views import flags
from facilitator.core import questions as productions
from facilitator.core.document_facts import cycle_info
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.models import Cycle, Structure
from facilitator.models._types import utcnow
from facilitator.rendering import fr
from facilitator.rendering.common import colophon, cycle_facts, slug
from facilitator.rendering.context import CycleInfo
from facilitator.rendering.kinds import CsvExport, DocumentKind
from facilitator.rendering.model import (
    Block,
    Document,
    Section,
    bullets,
    note,
    para,
    plain,
    section,
    table,
)

KIND = "feuille-de-route"
HEADER = [
    "Action",
    "Pilote",
    "Contributeurs",
    "Échéance",
    "État",
    "Statut",
    "Indicateurs d'effectivité",
    "Indicateurs de résultat",
]
NO_QUESTION = "Actions sans question essentielle"


@dataclass(frozen=True)
class ActionData:
    intitule: str
    question_id: int | None
    pilote: str
    contributeurs: tuple[str, ...]
    echeance: date | None
    etat: str
    status: str
    moyens: str
    effectivite: str
    resultat: str
    charte_ref: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RoadmapContext:
    cycle: CycleInfo
    questions: tuple[tuple[int, int, str], ...]  # id, number, text (active ones)
    actions: tuple[ActionData, ...]
    generated_at: datetime
    today: date = field(default_factory=date.today)


def load(cycle_id: int, validated_only: bool = False) -> RoadmapContext:
    """The cycle's feuille de route; ``validated_only`` keeps only the validated actions (the
    restitution publique: a « proposée » action is not yet a commitment of the cycle)."""
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("Cycle introuvable.")
    info = cycle_info(cycle)
    names = dict(
        db.session.execute(
            select(Structure.id, Structure.name).where(Structure.cycle_id == cycle_id)
        ).all()
    )
    query = select(RoadmapAction).where(RoadmapAction.cycle_id == cycle_id)
    if validated_only:
        query = query.where(RoadmapAction.status == "validee")
    rows = db.session.scalars(query.order_by(RoadmapAction.id)).all()
    actions = tuple(
        ActionData(
            intitule=plain(a.intitule),
            question_id=a.question_id,
            pilote=plain(names.get(a.pilote_id or 0, "")),
            contributeurs=tuple(sorted((plain(s.name) for s in a.contributeurs), key=str.casefold)),
            echeance=a.echeance,
            etat=a.etat,
            status=a.status,
            moyens=plain(a.moyens),
            effectivite=plain(a.indicateurs_effectivite),
            resultat=plain(a.indicateurs_resultat),
            charte_ref=plain(a.charte_ref),
            flags=tuple(flags(a)),
        )
        for a in rows
    )
    questions = tuple(
        (q["id"], q["number"], plain(q["text"]))
        for q in productions.questions_list(cycle_id)
        if q["active"]
    )
    return RoadmapContext(info, questions, actions, utcnow())


def _row(a: ActionData) -> tuple[str, ...]:
    title = a.intitule
    if "sans_pilote" in a.flags:
        title += " (sans pilote)"
    if "en_retard" in a.flags:
        title += " (en retard)"
    return (
        title,
        a.pilote or "—",
        ", ".join(a.contributeurs) or "—",
        fr.date_medium(a.echeance, "—") if a.echeance else "—",
        ETATS.get(a.etat, a.etat),
        ROADMAP_STATUSES.get(a.status, a.status),
        a.effectivite or "—",
        a.resultat or "—",
    )


def _details(a: ActionData) -> list[Block]:
    lines = []
    if a.moyens:
        lines.append(f"Moyens : {a.moyens}")
    if a.charte_ref:
        lines.append(f"Engagements de la charte : {a.charte_ref}")
    return [para(a.intitule + " — ", "; ".join(lines))] if lines else []


def compose(ctx: RoadmapContext) -> Document:
    groups: list[tuple[str, list[ActionData]]] = []
    known = {qid for qid, _n, _t in ctx.questions}
    for qid, number, text in ctx.questions:
        members = [a for a in ctx.actions if a.question_id == qid]
        groups.append((f"Question {number} — {text}", members))
    loose = [a for a in ctx.actions if a.question_id not in known]
    if loose:
        groups.append((NO_QUESTION, loose))
    sections: list[Section] = []
    if not ctx.actions:
        sections.append(
            section(
                "Actions",
                note(
                    "Aucune action dans la feuille de route pour l'instant : elles sont "
                    "proposées et validées pendant l'atelier « Feuille de route »."
                ),
            )
        )
    for title, members in groups:
        if not members:
            sections.append(section(title, note("Aucune action pour cette question.")))
            continue
        details = [b for a in members for b in _details(a)]
        sections.append(
            section(
                title,
                para(fr.count(len(members), "action") + ".", style="lead"),
                table(
                    "actions",
                    f"Actions — {title}",
                    HEADER,
                    (_row(a) for a in members),
                    widths=(22, 12, 16, 10, 8, 8, 12, 12),
                    context=title,
                ),
                details or None,
            )
        )
    if ctx.actions:
        counts = {key: sum(1 for a in ctx.actions if a.etat == key) for key in ETATS}
        summary = [f"{label} : {fr.number(counts[key])}" for key, label in ETATS.items()]
        no_pilot = [a.intitule for a in ctx.actions if "sans_pilote" in a.flags]
        late = [a.intitule for a in ctx.actions if "en_retard" in a.flags]
        blocks: list[Block] = [bullets(summary)]
        if no_pilot:
            blocks.append(note("Sans pilote : " + fr.join(no_pilot) + "."))
        if late:
            blocks.append(note("Échéance dépassée : " + fr.join(late) + "."))
        sections.append(section("Où en est la feuille de route", blocks))
    facts = cycle_facts(ctx.cycle)
    facts.append(("Actions", fr.number(len(ctx.actions))))
    validated = sum(1 for a in ctx.actions if a.status == "validee")
    facts.append(("Validées", fr.number(validated)))
    return Document(
        kind=KIND,
        title="Feuille de route",
        subtitle=ctx.cycle.title,
        facts=tuple(facts),
        sections=tuple(sections),
        filename=f"feuille-de-route-{slug(ctx.cycle.title)}",
        colophon=colophon(ctx.generated_at, "des actions de la feuille de route du cycle"),
    )


KIND_FEUILLE = DocumentKind(
    id=KIND,
    label="Feuille de route",
    scope="cycle",
    load=load,
    compose=compose,
    csv=CsvExport("actions", "Question essentielle", tuple(HEADER)),
)
