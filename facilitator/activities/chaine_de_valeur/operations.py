"""Live verbs and views of the ``chaine_de_valeur`` activity (docs/activities/
chaine_de_valeur.md). Chains belong to the cycle: they persist across ateliers.

Rights: every writer adds chains and items (an item says which structure contributes it);
participants edit and delete what they added while the chain is not validated; the
animateur does everything and validates. Edits carry the version they start from: a stale
one is refused with the fresh chain (``conflict``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from facilitator.activities.chaine_de_valeur.models import (
    CHAINE_EXTRA,
    CHAINE_SUBJECTS,
    CIBLES,
    ChaineItem,
    ChaineLink,
    ChaineValeur,
)
from facilitator.activities.chaine_de_valeur.settings import CHAINE_LEVELS
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Participant, Step, Structure
from facilitator.models.questions import QuestionEssentielle

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_ITEM = 300
LEVEL_ORDER = {key: index for index, key in enumerate(CHAINE_LEVELS)}


# --- views -----------------------------------------------------------------------------------


def item_dict(i: ChaineItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "level": i.level,
        "cible": i.cible,
        "text": i.text,
        "structure_id": i.structure_id,
        "version": i.version,
        "author_id": i.participant_id,
    }


def chaine_dict(c: ChaineValeur) -> dict[str, Any]:
    return {
        "id": c.id,
        "subject": c.subject,
        "title": c.title,
        "structure_id": c.structure_id,
        "question_ids": [q.id for q in c.questions],
        "validated": c.validated,
        "version": c.version,
        "author_id": c.participant_id,
        "items": [item_dict(i) for i in c.items],
        "links": [
            {"id": x.id, "source_id": x.source_id, "target_id": x.target_id} for x in c.links
        ],
    }


def load_chaines(cycle_id: int) -> list[ChaineValeur]:
    return list(
        db.session.scalars(
            select(ChaineValeur).where(ChaineValeur.cycle_id == cycle_id).order_by(ChaineValeur.id)
        )
    )


def structures(cycle_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Structure).where(Structure.cycle_id == cycle_id).order_by(Structure.name)
    )
    return [{"id": s.id, "name": s.name, "type": s.type} for s in rows]


def levels_of(step: Step) -> list[dict[str, str]]:
    """The links this step shows, in order (settings ``levels``; all five by default)."""
    configured = (step.settings or {}).get("levels") or [{"id": k} for k in CHAINE_LEVELS]
    return [
        {"id": lv["id"], "label": lv.get("label") or CHAINE_LEVELS[lv["id"]]} for lv in configured
    ]


def ecosystem(
    chaines: Iterable[dict[str, Any]],
    questions: list[dict[str, Any]],
    names: dict[int, str],
) -> list[dict[str, Any]]:
    """The chains aggregated by question essentielle (active ones, then « sans question »):
    for each, the chains that serve it and, per link of the chain, who contributes what."""
    chaines = list(chaines)
    groups: list[dict[str, Any]] = []
    active = [q for q in questions if q["active"]]
    known = {q["id"] for q in active}
    buckets: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]] = [
        (q, [c for c in chaines if q["id"] in c["question_ids"]]) for q in active
    ]
    loose = [c for c in chaines if not known.intersection(c["question_ids"])]
    if loose:
        buckets.append((None, loose))
    for question, members in buckets:
        by_level: dict[str, list[dict[str, Any]]] = {k: [] for k in [*CHAINE_LEVELS, "objectif"]}
        contributors: set[str] = set()
        for c in members:
            for item in c["items"]:
                if item["level"] not in by_level:
                    continue
                who = names.get(item["structure_id"] or c["structure_id"] or 0, "")
                if who:
                    contributors.add(who)
                by_level[item["level"]].append(
                    {"text": item["text"], "structure": who, "chaine": c["title"]}
                )
        groups.append(
            {
                "question": question,
                "chaine_ids": [c["id"] for c in members],
                "contributors": sorted(contributors, key=str.casefold),
                "levels": by_level,
            }
        )
    return groups


LABELS = {"levels": CHAINE_LEVELS, "extra": CHAINE_EXTRA, "cibles": CIBLES}


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    settings = step.settings or {}
    me = None
    if viewer.participant_id is not None:
        participant = db.session.get(Participant, viewer.participant_id)
        me = participant.structure_id if participant else None
    return {
        "questions": productions.questions_list(cycle_id),
        "chaines": [chaine_dict(c) for c in load_chaines(cycle_id)],
        "structures": structures(cycle_id),
        "levels": levels_of(step),
        "labels": {**LABELS, "subjects": CHAINE_SUBJECTS},
        "subject": settings.get("subject", "libre"),
        "view": settings.get("view", "chaine"),
        "my_structure_id": me,
    }


def record(atelier_id: int, chaine: ChaineValeur, seq: int | None = None) -> events.Event:
    db.session.flush()
    db.session.refresh(chaine, ["items", "links", "questions"])
    return events.record(atelier_id, "chaine.updated", {"chaine": chaine_dict(chaine)}, seq=seq)


# --- helpers ---------------------------------------------------------------------------------


def _chaine(step: Step, chaine_id: int) -> ChaineValeur:
    chaine = db.session.get(ChaineValeur, chaine_id)
    if chaine is None or chaine.cycle_id != step.atelier.cycle_id:
        raise NotFound("Cette chaîne de valeur n'existe plus.")
    return chaine


def _item(step: Step, item_id: int) -> ChaineItem:
    item = db.session.get(ChaineItem, item_id)
    if item is None:
        raise NotFound("Cet élément n'existe plus.")
    _chaine(step, item.chaine_id)
    return item


def _may_change(viewer: Viewer, chaine: ChaineValeur, author_id: int | None) -> None:
    if viewer.is_animateur:
        return
    if chaine.validated:
        raise Forbidden("Cette chaîne a été validée par l'animateur : lui seul peut la modifier.")
    if author_id != viewer.participant_id:
        raise Forbidden("Vous ne pouvez modifier ou supprimer que ce que vous avez ajouté.")


def _structure(step: Step, structure_id: int | None) -> int | None:
    if structure_id is None:
        return None
    structure = db.session.get(Structure, structure_id)
    if structure is None or structure.cycle_id != step.atelier.cycle_id:
        raise NotFound("Cette structure n'est pas dans le répertoire du cycle.")
    return structure.id


def _questions(step: Step, ids: list[int]) -> list[QuestionEssentielle]:
    return productions.active_questions(step.atelier.cycle_id, ids)


def _stale(chaine: ChaineValeur, version: int) -> None:
    if chaine.version != version:
        raise Conflict(
            "Cette chaîne a été modifiée entre-temps : voici sa version actuelle.",
            chaine=chaine_dict(chaine),
        )


def _my_structure(viewer: Viewer) -> int | None:
    if viewer.participant_id is None:
        return None
    participant = db.session.get(Participant, viewer.participant_id)
    return participant.structure_id if participant else None


# --- chains ----------------------------------------------------------------------------------


def chaine_add(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    cycle_id = step.atelier.cycle_id

    def find() -> ChaineValeur | None:
        return db.session.scalar(
            select(ChaineValeur).where(
                ChaineValeur.cycle_id == cycle_id, ChaineValeur.client_id == data.client_id
            )
        )

    existing = find()
    if existing is not None:
        if existing.participant_id != viewer.participant_id:
            raise InvalidInput("Identifiant déjà utilisé.", code="client_id_taken")
        seq = events.current_seq(viewer.atelier_id)
        return {"chaine": chaine_dict(existing), "duplicate": True, "seq": seq}
    structure_id = _structure(step, data.structure_id)
    title = " ".join((data.title or "").split())
    if data.subject == "structure":
        if structure_id is None:
            raise InvalidInput("Choisissez la structure dont c'est la chaîne de valeur.")
        structure = db.session.get(Structure, structure_id)
        assert structure is not None
        title = title or structure.name
    title = live_common.clean_text(title, MAX_TITLE, "Le nom de l'action")
    live_common.check_privacy(title, data.confirm_personal)
    questions = _questions(step, data.question_ids)
    seq = events.next_seq(viewer.atelier_id)
    chaine = ChaineValeur(
        cycle_id=cycle_id,
        client_id=data.client_id,
        subject=data.subject,
        title=title,
        structure_id=structure_id,
        participant_id=viewer.participant_id,
        atelier_id=viewer.atelier_id,
        version=1,
        validated=False,
        questions=questions,
    )
    again = live_common.insert_once(
        viewer,
        chaine,
        find,
        lambda c: c.participant_id == viewer.participant_id,
        lambda c: {"chaine": chaine_dict(c)},
    )
    if again is not None:
        return again
    event = record(viewer.atelier_id, chaine, seq)
    events.commit()
    log.info("chaine %s added to cycle %s", chaine.id, cycle_id)
    return {"chaine": event.payload["chaine"], "seq": event.seq}


def chaine_edit(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    chaine = _chaine(step, data.chaine_id)
    _stale(chaine, data.version)
    _may_change(viewer, chaine, chaine.participant_id)
    seq = events.next_seq(viewer.atelier_id)
    if data.title is not None:
        title = live_common.clean_text(data.title, MAX_TITLE, "Le nom de la chaîne")
        live_common.check_privacy(title, data.confirm_personal)
        chaine.title = title
    if "structure_id" in data.model_fields_set:
        structure_id = _structure(step, data.structure_id)
        if chaine.subject == "structure" and structure_id is None:
            raise InvalidInput("Une chaîne de structure garde sa structure.")
        chaine.structure_id = structure_id
    if data.question_ids is not None:
        chaine.questions = _questions(step, data.question_ids)
    chaine.version += 1
    event = record(viewer.atelier_id, chaine, seq)
    events.commit()
    return {"chaine": event.payload["chaine"], "seq": event.seq}


def chaine_delete(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    chaine = _chaine(step, data.chaine_id)
    _may_change(viewer, chaine, chaine.participant_id)
    seq = events.next_seq(viewer.atelier_id)
    db.session.delete(chaine)
    payload = {"chaine_id": data.chaine_id}
    event = events.record(viewer.atelier_id, "chaine.deleted", payload, seq=seq)
    events.commit()
    return {**payload, "seq": event.seq}


def chaine_validate(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur valide les chaînes de valeur.")
    step.atelier.require_open()
    chaine = _chaine(step, data.chaine_id)
    return live_common.set_validated(viewer, chaine, data.validated, record, "chaine")


# --- items and links -------------------------------------------------------------------------


def _level_and_cible(step: Step, level: str, cible: str) -> tuple[str, str]:
    shown = {lv["id"] for lv in levels_of(step)} | set(CHAINE_EXTRA)
    if level not in shown:
        raise InvalidInput("Maillon inconnu dans cette étape : choisissez-en un dans la liste.")
    if cible and cible not in CIBLES:
        raise InvalidInput("Cible inconnue : jeunes et familles, territoire ou structure.")
    if level == "objectif" and not cible:
        raise InvalidInput(
            "Un objectif a une cible : jeunes et familles, territoire ou structure.",
            code="cible",
        )
    return level, cible if level in CHAINE_EXTRA else ""


def item_add(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    chaine = _chaine(step, data.chaine_id)
    if chaine.validated and not viewer.is_animateur:
        raise Forbidden("Cette chaîne a été validée par l'animateur : lui seul peut la compléter.")
    existing = db.session.scalar(
        select(ChaineItem).where(
            ChaineItem.chaine_id == chaine.id, ChaineItem.client_id == data.client_id
        )
    )
    if existing is not None:
        seq = events.current_seq(viewer.atelier_id)
        return {
            "chaine": chaine_dict(chaine),
            "item_id": existing.id,
            "duplicate": True,
            "seq": seq,
        }
    level, cible = _level_and_cible(step, data.level, data.cible)
    text = live_common.clean_text(data.text, MAX_ITEM, "L'élément")
    live_common.check_privacy(text, data.confirm_personal)
    if "structure_id" in data.model_fields_set:
        structure_id = _structure(step, data.structure_id)
    else:
        mine = None if chaine.subject == "structure" else _my_structure(viewer)
        structure_id = mine or chaine.structure_id
    seq = events.next_seq(viewer.atelier_id)
    position = 1 + max((i.position for i in chaine.items if i.level == level), default=0)
    item = ChaineItem(
        chaine_id=chaine.id,
        client_id=data.client_id,
        level=level,
        cible=cible,
        text=text,
        position=position,
        structure_id=structure_id,
        participant_id=viewer.participant_id,
    )
    db.session.add(item)
    event = record(viewer.atelier_id, chaine, seq)
    events.commit()
    return {"chaine": event.payload["chaine"], "item_id": item.id, "seq": event.seq}


def item_edit(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    item = _item(step, data.item_id)
    chaine = _chaine(step, item.chaine_id)
    if item.version != data.version:
        raise Conflict(
            "Cet élément a été modifié entre-temps : voici la chaîne actuelle.",
            chaine=chaine_dict(chaine),
        )
    _may_change(viewer, chaine, item.participant_id)
    seq = events.next_seq(viewer.atelier_id)
    if data.text is not None:
        text = live_common.clean_text(data.text, MAX_ITEM, "L'élément")
        live_common.check_privacy(text, data.confirm_personal)
        item.text = text
    if data.level is not None or data.cible is not None:
        item.level, item.cible = _level_and_cible(
            step,
            data.level if data.level is not None else item.level,
            data.cible if data.cible is not None else item.cible,
        )
    if "structure_id" in data.model_fields_set:
        item.structure_id = _structure(step, data.structure_id)
    item.version += 1
    event = record(viewer.atelier_id, chaine, seq)
    events.commit()
    return {"chaine": event.payload["chaine"], "seq": event.seq}


def item_delete(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    item = _item(step, data.item_id)
    chaine = _chaine(step, item.chaine_id)
    _may_change(viewer, chaine, item.participant_id)
    seq = events.next_seq(viewer.atelier_id)
    db.session.delete(item)
    event = record(viewer.atelier_id, chaine, seq)
    events.commit()
    return {"chaine": event.payload["chaine"], "seq": event.seq}


def _link_allowed(source: ChaineItem, target: ChaineItem) -> bool:
    """Along the chain (an earlier link to a later one), or an item to its indicator."""
    if target.level == "indicateur":
        return source.level != "indicateur"
    if source.level in LEVEL_ORDER and target.level in LEVEL_ORDER:
        return LEVEL_ORDER[source.level] < LEVEL_ORDER[target.level]
    return source.level in LEVEL_ORDER and target.level == "objectif"


def link_add(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    source, target = _item(step, data.source_id), _item(step, data.target_id)
    if source.chaine_id != target.chaine_id:
        raise InvalidInput("Les deux éléments doivent appartenir à la même chaîne.")
    chaine = _chaine(step, source.chaine_id)
    if chaine.validated and not viewer.is_animateur:
        raise Forbidden("Cette chaîne a été validée par l'animateur : lui seul peut la compléter.")
    if not _link_allowed(source, target):
        raise InvalidInput(
            "Un lien va d'un maillon vers un maillon suivant (ressources → activités → "
            "réalisations → résultats → impacts), vers un objectif, ou vers l'indicateur qui "
            "le mesure.",
            code="bad_link",
        )
    existing = db.session.scalar(
        select(ChaineLink).where(
            ChaineLink.source_id == source.id, ChaineLink.target_id == target.id
        )
    )
    if existing is not None:
        seq = events.current_seq(viewer.atelier_id)
        return {
            "chaine": chaine_dict(chaine),
            "link_id": existing.id,
            "duplicate": True,
            "seq": seq,
        }
    seq = events.next_seq(viewer.atelier_id)
    link = ChaineLink(chaine_id=chaine.id, source_id=source.id, target_id=target.id)
    db.session.add(link)
    event = record(viewer.atelier_id, chaine, seq)
    events.commit()
    return {"chaine": event.payload["chaine"], "link_id": link.id, "seq": event.seq}


def link_delete(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    link = db.session.get(ChaineLink, data.link_id)
    if link is None:
        raise NotFound("Ce lien n'existe plus.")
    chaine = _chaine(step, link.chaine_id)
    _may_change(viewer, chaine, viewer.participant_id)
    seq = events.next_seq(viewer.atelier_id)
    db.session.delete(link)
    event = record(viewer.atelier_id, chaine, seq)
    events.commit()
    return {"chaine": event.payload["chaine"], "seq": event.seq}
