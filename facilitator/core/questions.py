"""Questions essentielles of a cycle: validated in an atelier, then ordered, edited, removed
or restored — live (through the activities' actions) or between ateliers (HTTP pages).

These verbs flush; the caller commits (a live service records its events first, an HTTP
view commits at once). Every change writes a ``QuestionRevision``: the history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from facilitator import contract
from facilitator.errors import Conflict, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier
from facilitator.models.questions import QuestionEssentielle, QuestionRevision

#: longest question, in characters
MAX_QUESTION = 300
CHANGES = {
    "validee": "validée",
    "modifiee": "modifiée",
    "deplacee": "déplacée",
    "retiree": "retirée",
    "restauree": "restaurée",
}


def clean_question(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("La question est vide : écrivez-la avant d'enregistrer.", code="empty")
    if len(text) > MAX_QUESTION:
        raise InvalidInput(
            f"La question fait {len(text)} caractères : {MAX_QUESTION} au plus.", code="too_long"
        )
    return text


def ordered(cycle_id: int) -> list[QuestionEssentielle]:
    """Active questions in their order, then removed ones."""
    rows = db.session.scalars(
        select(QuestionEssentielle)
        .where(QuestionEssentielle.cycle_id == cycle_id)
        .order_by(QuestionEssentielle.position, QuestionEssentielle.id)
    ).all()
    return [q for q in rows if q.active] + [q for q in rows if not q.active]


def question_dict(q: QuestionEssentielle, number: int | None = None) -> dict[str, Any]:
    return {
        "id": q.id,
        #: 1, 2, 3… among active questions; None when removed
        "number": number,
        "text": q.text,
        "enjeu": q.enjeu,
        "status": q.status,
        "active": q.active,
        "version": q.version,
        "votes": q.votes,
        "validated_atelier_id": q.validated_atelier_id,
    }


def questions_list(cycle_id: int) -> list[dict[str, Any]]:
    out = []
    number = 0
    for q in ordered(cycle_id):
        if q.active:
            number += 1
        out.append(question_dict(q, number if q.active else None))
    return out


def get_question(cycle_id: int, question_id: int) -> QuestionEssentielle:
    question = db.session.get(QuestionEssentielle, question_id)
    if question is None or question.cycle_id != cycle_id:
        raise NotFound("Cette question essentielle n'existe pas dans ce cycle.")
    return question


REMOVED_QUESTION = "Cette question a été retirée : choisissez parmi les questions actuelles."


def active_question_id(cycle_id: int, question_id: int | None) -> int | None:
    """A question an action, a relation or a roadmap action may point to: of this cycle and
    not removed (None stays None: « transversale »)."""
    if question_id is None:
        return None
    question = get_question(cycle_id, question_id)
    if not question.active:
        raise InvalidInput(REMOVED_QUESTION, code="question_removed")
    return question.id


def active_questions(cycle_id: int, ids: list[int]) -> list[QuestionEssentielle]:
    """Several questions to link to (same rule as ``active_question_id``), in their order."""
    if not ids:
        return []
    rows = db.session.scalars(
        select(QuestionEssentielle).where(
            QuestionEssentielle.id.in_(ids), QuestionEssentielle.cycle_id == cycle_id
        )
    ).all()
    if len(rows) != len(set(ids)):
        raise NotFound("Une des questions essentielles choisies n'existe pas dans ce cycle.")
    if any(not q.active for q in rows):
        raise InvalidInput(
            "Une des questions choisies a été retirée : choisissez parmi les questions actuelles.",
            code="question_removed",
        )
    return sorted(rows, key=lambda q: q.position)


def _revise(
    q: QuestionEssentielle, change: str, atelier_id: int | None, animateur_id: int | None
) -> None:
    db.session.add(
        QuestionRevision(
            question_id=q.id,
            version=q.version,
            change=change,
            text=q.text,
            position=q.position,
            status=q.status,
            atelier_id=atelier_id,
            animateur_id=animateur_id,
        )
    )


def _renumber(cycle_id: int, active: list[QuestionEssentielle]) -> None:
    for index, q in enumerate(active, start=1):
        q.position = index


def _stale(q: QuestionEssentielle, version: int) -> None:
    if q.version != version:
        raise Conflict(
            "Cette question a été modifiée entre-temps : voici sa version actuelle.",
            question=question_dict(q),
        )


def create_question(
    cycle_id: int,
    text: str,
    *,
    enjeu: str = "",
    votes: int = 0,
    atelier_id: int | None = None,
    animateur_id: int | None = None,
) -> QuestionEssentielle:
    text = clean_question(text)
    last = db.session.scalar(
        select(func.max(QuestionEssentielle.position)).where(
            QuestionEssentielle.cycle_id == cycle_id, QuestionEssentielle.status == "validee"
        )
    )
    q = QuestionEssentielle(
        cycle_id=cycle_id,
        position=(last or 0) + 1,
        text=text,
        enjeu=enjeu[:200],
        votes=votes,
        validated_atelier_id=atelier_id,
        status="validee",
        version=1,
    )
    db.session.add(q)
    db.session.flush()
    _revise(q, "validee", atelier_id, animateur_id)
    return q


def edit_question(
    cycle_id: int,
    question_id: int,
    version: int,
    text: str,
    *,
    atelier_id: int | None = None,
    animateur_id: int | None = None,
) -> QuestionEssentielle:
    q = get_question(cycle_id, question_id)
    _stale(q, version)
    text = clean_question(text)
    if text == q.text:
        return q
    q.text = text
    q.version += 1
    db.session.flush()
    _revise(q, "modifiee", atelier_id, animateur_id)
    return q


def move_question(
    cycle_id: int,
    question_id: int,
    position: int,
    *,
    atelier_id: int | None = None,
    animateur_id: int | None = None,
) -> QuestionEssentielle:
    """Put an active question at ``position`` (1 = first); the others follow."""
    q = get_question(cycle_id, question_id)
    if not q.active:
        raise InvalidInput("Une question retirée n'a pas de place : restaurez-la d'abord.")
    active = [x for x in ordered(cycle_id) if x.active]
    position = max(1, min(position, len(active)))
    if active.index(q) + 1 == position:
        return q
    active.remove(q)
    active.insert(position - 1, q)
    _renumber(cycle_id, active)
    q.version += 1
    db.session.flush()
    _revise(q, "deplacee", atelier_id, animateur_id)
    return q


def affected_by(question_id: int) -> dict[str, Any]:
    """What points to a question (the activity types that refer to questions say it:
    ``Activity.question_references``): actions (with their actor) and relations."""
    out: dict[str, list[dict[str, Any]]] = {"actions": [], "relations": []}
    for entry in contract.REGISTRY.values():
        for kind, items in entry.question_references(question_id).items():
            out.setdefault(kind, []).extend(items)
    return out


def affected_text(affected: dict[str, Any]) -> str:
    """« 2 actions (Collège : …) et 1 relation restent liées à cette question… »"""
    actions, relations = affected["actions"], affected["relations"]
    if not actions and not relations:
        return "Aucune action ni relation n'y renvoyait."
    parts = []
    if actions:
        parts.append(f"{len(actions)} action{'s' if len(actions) > 1 else ''}")
    if relations:
        parts.append(f"{len(relations)} relation{'s' if len(relations) > 1 else ''}")
    return (
        " et ".join(parts) + " y renvoient encore : elles restent liées à la question retirée, "
        "signalée comme telle sur la carte (rien n'est supprimé)."
    )


def remove_question(
    cycle_id: int,
    question_id: int,
    version: int,
    *,
    atelier_id: int | None = None,
    animateur_id: int | None = None,
) -> tuple[QuestionEssentielle, dict[str, Any]]:
    """Withdraw a question; actions and relations keep their link (history)."""
    q = get_question(cycle_id, question_id)
    _stale(q, version)
    if not q.active:
        return q, affected_by(q.id)
    q.status = "retiree"
    q.version += 1
    db.session.flush()
    _revise(q, "retiree", atelier_id, animateur_id)
    _renumber(cycle_id, [x for x in ordered(cycle_id) if x.active])
    return q, affected_by(q.id)


def restore_question(
    cycle_id: int,
    question_id: int,
    *,
    atelier_id: int | None = None,
    animateur_id: int | None = None,
) -> QuestionEssentielle:
    q = get_question(cycle_id, question_id)
    if q.active:
        return q
    active = [x for x in ordered(cycle_id) if x.active]
    q.status = "validee"
    q.position = len(active) + 1
    q.version += 1
    db.session.flush()
    _revise(q, "restauree", atelier_id, animateur_id)
    return q


def history(cycle_id: int) -> dict[int, list[dict[str, Any]]]:
    """question id → its revisions, newest first, with the atelier and animateur names."""
    rows = db.session.execute(
        select(QuestionRevision, Atelier.title, Animateur.name)
        .join(QuestionEssentielle, QuestionEssentielle.id == QuestionRevision.question_id)
        .outerjoin(Atelier, Atelier.id == QuestionRevision.atelier_id)
        .outerjoin(Animateur, Animateur.id == QuestionRevision.animateur_id)
        .where(QuestionEssentielle.cycle_id == cycle_id)
        .order_by(QuestionRevision.id.desc())
    ).all()
    out: dict[int, list[dict[str, Any]]] = {}
    for rev, atelier, animateur in rows:
        out.setdefault(rev.question_id, []).append(
            {
                "version": rev.version,
                "change": CHANGES.get(rev.change, rev.change),
                "text": rev.text,
                "position": rev.position,
                "at": rev.created_at,
                "atelier": atelier or "",
                "animateur": animateur or "",
            }
        )
    return out


def links_count(cycle_id: int) -> dict[int, dict[str, int]]:
    """question id → number of actions and relations linked to it."""
    out: dict[int, dict[str, int]] = {}
    for entry in contract.REGISTRY.values():
        for qid, counts in entry.question_reference_counts(cycle_id).items():
            mine = out.setdefault(qid, {"actions": 0, "relations": 0})
            for kind, n in counts.items():
                mine[kind] = mine.get(kind, 0) + n
    return out
