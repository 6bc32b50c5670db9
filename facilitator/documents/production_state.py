"""Where the cycle's productions stand, for the dashboard and the synthèse: questions
essentielles validated, the charte (latest version, adopted one, signatories), the feuille
de route's actions by état. Read from the database into plain data (``load``), then
composed into a neutral section (``compose``), like every document part."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from facilitator.activities.charte.models import VERSION_STATUSES, CharteSignatory, CharteVersion
from facilitator.activities.feuille_de_route.models import ETATS, RoadmapAction
from facilitator.extensions import db
from facilitator.models.questions import QuestionEssentielle
from facilitator.rendering import fr
from facilitator.rendering.model import Block, Section, bullets, note, para, plain, section, table

#: key of ``CycleContext.extra`` under which ``loaders.cycle_context`` puts the state
KEY = "production_state"


@dataclass(frozen=True)
class CharteState:
    number: int
    status: str
    #: the adopted version's number and signatory count, when there is one
    adopted: int | None
    signatories: int


@dataclass(frozen=True)
class ProductionState:
    questions: tuple[str, ...]
    charte: CharteState | None
    #: état → number of validated actions
    actions: dict[str, int]
    drafts: int
    without_pilote: int


def load(cycle_id: int) -> ProductionState:
    questions = db.session.scalars(
        select(QuestionEssentielle.text)
        .where(QuestionEssentielle.cycle_id == cycle_id, QuestionEssentielle.status == "validee")
        .order_by(QuestionEssentielle.position)
    ).all()
    versions = db.session.scalars(
        select(CharteVersion)
        .where(CharteVersion.cycle_id == cycle_id)
        .order_by(CharteVersion.number.desc())
    ).all()
    charte = None
    if versions:
        adopted = next((v for v in versions if v.status == "adoptee"), None)
        signatories = (
            db.session.scalar(
                select(func.count())
                .select_from(CharteSignatory)
                .where(CharteSignatory.version_id == adopted.id)
            )
            if adopted
            else 0
        )
        charte = CharteState(
            number=versions[0].number,
            status=versions[0].status,
            adopted=adopted.number if adopted else None,
            signatories=signatories or 0,
        )
    actions = db.session.execute(
        select(RoadmapAction.status, RoadmapAction.etat, RoadmapAction.pilote_id).where(
            RoadmapAction.cycle_id == cycle_id, RoadmapAction.etat != "abandonne"
        )
    ).all()
    abandoned = db.session.scalar(
        select(func.count())
        .select_from(RoadmapAction)
        .where(RoadmapAction.cycle_id == cycle_id, RoadmapAction.etat == "abandonne")
    )
    by_etat = Counter(etat for status, etat, _p in actions if status == "validee")
    if abandoned:
        by_etat["abandonne"] = abandoned
    return ProductionState(
        questions=tuple(plain(q) for q in questions),
        charte=charte,
        actions={etat: by_etat[etat] for etat in ETATS if by_etat[etat]},
        drafts=sum(1 for status, _e, _p in actions if status != "validee"),
        without_pilote=sum(1 for _s, _e, pilote in actions if pilote is None),
    )


def _charte_line(state: CharteState | None) -> str:
    if state is None:
        return "Charte : pas encore commencée."
    latest = f"version {state.number} ({VERSION_STATUSES.get(state.status, state.status).lower()})"
    if state.adopted is None:
        return f"Charte : pas encore adoptée ; dernière {latest}."
    signed = fr.count(state.signatories, "structure signataire", "structures signataires")
    if state.adopted == state.number:
        return f"Charte : version {state.adopted} adoptée, {signed}."
    return f"Charte : version {state.adopted} adoptée ({signed}) ; dernière {latest}."


def compose(state: ProductionState) -> Section:
    questions: list[Block]
    roadmap: list[Block]
    if state.questions:
        questions = [
            para(
                "Questions essentielles : "
                + fr.count(len(state.questions), "validée", "validées")
                + "."
            ),
            bullets(f"Q{i}. {text}" for i, text in enumerate(state.questions, 1)),
        ]
    else:
        questions = [para("Questions essentielles : aucune validée pour l'instant.")]
    if state.actions or state.drafts:
        roadmap = [
            table(
                "etat-feuille-de-route",
                "Actions validées de la feuille de route, par état",
                ["État", "Actions"],
                ((ETATS[etat], fr.number(n)) for etat, n in state.actions.items()),
                numeric=(1,),
            )
            if state.actions
            else note("Aucune action validée pour l'instant."),
            para(
                "Propositions en attente de validation : "
                + fr.number(state.drafts)
                + " ; actions sans pilote : "
                + fr.number(state.without_pilote)
                + "."
            ),
        ]
    else:
        roadmap = [para("Feuille de route : aucune action pour l'instant.")]
    return section("État des productions", *questions, para(_charte_line(state.charte)), *roadmap)
