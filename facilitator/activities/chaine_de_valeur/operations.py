"""Live verbs of the ``chaine_de_valeur`` activity (docs/activities/
chaine_de_valeur.md). Chains belong to the cycle: they persist across ateliers.

Rights: every writer adds chains and items (an item says which structure contributes it);
participants edit and delete what they added while the chain is not validated; the
animateur does everything and validates. Edits carry the version they start from: a stale
one is refused with the fresh chain (``conflict``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from facilitator.activities.chaine_de_valeur import schemas
from facilitator.activities.chaine_de_valeur.models import (
    CHAINE_EXTRA,
    CIBLES,
    ChaineItem,
    ChaineLink,
    ChaineValeur,
)
from facilitator.activities.chaine_de_valeur.settings import CHAINE_LEVELS
from facilitator.activities.chaine_de_valeur.views import chaine_dict, levels_of, my_structure
from facilitator.core import events, group_rows
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step, Structure
from facilitator.models.questions import QuestionEssentielle

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_ITEM = 300
LEVEL_ORDER = {key: index for index, key in enumerate(CHAINE_LEVELS)}


# --- helpers ---------------------------------------------------------------------------------


def _record(change: events.LiveChange, chaine: ChaineValeur) -> events.Event:
    """The chain's ``chaine.updated`` event (the whole chain, the same for everyone who
    may see it: a sub-group's chain reaches that group, the animateurs and the wall)."""
    db.session.flush()
    db.session.refresh(chaine, ["items", "links", "questions"])
    return change.record(
        "chaine.updated",
        {"chaine": chaine_dict(chaine)},
        group_id=group_rows.audience(change.atelier_id, chaine.group_id),
    )


def _answer(event: events.Event, **extra: Any) -> dict[str, Any]:
    """The ack of a change of a chain: the fresh chain, what was added, the seq."""
    return {"chaine": event.payload["chaine"], **extra, "seq": event.seq}


def _changed(viewer: Viewer, chaine: ChaineValeur, apply: Callable[[], object]) -> dict[str, Any]:
    """One live change of a chain: ``apply`` changes it (validation errors roll back), then
    the chain's event is recorded and committed; the ack."""
    with events.live_change(viewer.atelier_id) as change:
        apply()
        event = _record(change, chaine)
    return _answer(event)


GONE = "Cette chaîne de valeur n'existe plus."


def _chaine(viewer: Viewer, step: Step, chaine_id: int) -> ChaineValeur:
    """A chain of the step's cycle that ``viewer`` may see: another sub-group's chain does
    not exist for a participant while the groups work apart (issue 18)."""
    chaine = db.session.get(ChaineValeur, chaine_id)
    if chaine is None or chaine.cycle_id != step.atelier.cycle_id:
        raise NotFound(GONE)
    group_rows.require_sees(viewer, chaine.group_id, chaine.participant_id, GONE)
    if chaine.group_id is None and group_rows.working_apart(viewer, step):
        # its items have no group: what a group added would reach every other group
        raise InvalidInput(PLENARY_APART, code="groups_apart")
    return chaine


PLENARY_APART = (
    "Les chaînes de la plénière se complètent après la mise en commun : pendant le travail "
    "en groupes, complétez celles de votre groupe."
)


def _item(viewer: Viewer, step: Step, item_id: int) -> tuple[ChaineItem, ChaineValeur]:
    """An item of a chain of the step's cycle, and its chain."""
    item = db.session.get(ChaineItem, item_id)
    if item is None:
        raise NotFound("Cet élément n'existe plus.")
    return item, _chaine(viewer, step, item.chaine_id)


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


def _text(text: str, limit: int, what: str, confirmed: bool) -> str:
    """A cleaned text (not empty, ``limit`` at most) without unconfirmed personal data."""
    text = live_common.clean_text(text, limit, what)
    live_common.check_privacy(text, confirmed)
    return text


def _stale(chaine: ChaineValeur, version: int) -> None:
    if chaine.version != version:
        raise Conflict(
            "Cette chaîne a été modifiée entre-temps : voici sa version actuelle.",
            chaine=chaine_dict(chaine),
        )


def _may_complete(viewer: Viewer, chaine: ChaineValeur) -> None:
    if chaine.validated and not viewer.is_animateur:
        raise Forbidden("Cette chaîne a été validée par l'animateur : lui seul peut la compléter.")


def _already(viewer: Viewer, chaine: ChaineValeur, key: str, row_id: int) -> dict[str, Any]:
    """The answer to a retried add (an item or a link already there): no new event."""
    return {
        "chaine": chaine_dict(chaine),
        key: row_id,
        "duplicate": True,
        "seq": events.current_seq(viewer.atelier_id),
    }


# --- chains ----------------------------------------------------------------------------------


def chaine_add(viewer: Viewer, step: Step, data: schemas.ChaineAdd) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    cycle_id = step.atelier.cycle_id
    once = live_common.cycle_add(
        viewer, ChaineValeur, cycle_id, data.client_id, lambda c: {"chaine": chaine_dict(c)}
    )
    if (again := once.retried()) is not None:
        return again
    structure_id = _structure(step, data.structure_id)
    title = " ".join((data.title or "").split())
    if data.subject == "structure":
        if structure_id is None:
            raise InvalidInput("Choisissez la structure dont c'est la chaîne de valeur.")
        structure = db.session.get(Structure, structure_id)
        assert structure is not None
        title = title or structure.name
    title = _text(title, MAX_TITLE, "Le nom de l'action", data.confirm_personal)
    group_id = group_rows.new_group(viewer, step)
    question_ids = data.question_ids
    if not question_ids and (asked := group_rows.question_of(group_id)) is not None:
        question_ids = [asked]  # a group working on a question: its chains serve it
    questions = _questions(step, question_ids)
    with events.live_change(viewer.atelier_id) as change:
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
            group_id=group_id,
        )
        again = once.insert(chaine)
        if again is not None:  # a retry that raced the first add: rolled back, nothing recorded
            return again
        event = _record(change, chaine)
    log.info("chaine %s added to cycle %s", chaine.id, cycle_id)
    return _answer(event)


def chaine_edit(viewer: Viewer, step: Step, data: schemas.ChaineEdit) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    chaine = _chaine(viewer, step, data.chaine_id)
    _stale(chaine, data.version)
    _may_change(viewer, chaine, chaine.participant_id)

    def apply() -> None:
        if data.title is not None:
            what = "Le nom de la chaîne"
            chaine.title = _text(data.title, MAX_TITLE, what, data.confirm_personal)
        if "structure_id" in data.model_fields_set:
            structure_id = _structure(step, data.structure_id)
            if chaine.subject == "structure" and structure_id is None:
                raise InvalidInput("Une chaîne de structure garde sa structure.")
            chaine.structure_id = structure_id
        if data.question_ids is not None:
            chaine.questions = _questions(step, data.question_ids)
        chaine.version += 1

    return _changed(viewer, chaine, apply)


def chaine_delete(viewer: Viewer, step: Step, data: schemas.ChaineRef) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    chaine = _chaine(viewer, step, data.chaine_id)
    _may_change(viewer, chaine, chaine.participant_id)
    payload = {"chaine_id": data.chaine_id}
    audience = group_rows.audience(viewer.atelier_id, chaine.group_id)
    with events.live_change(viewer.atelier_id) as change:
        db.session.delete(chaine)
        event = change.record("chaine.deleted", payload, group_id=audience)
    return {**payload, "seq": event.seq}


def chaine_validate(viewer: Viewer, step: Step, data: schemas.ChaineValidate) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur valide les chaînes de valeur.")
    step.atelier.require_open()
    chaine = _chaine(viewer, step, data.chaine_id)

    def apply() -> None:
        chaine.validated = data.validated
        chaine.version += 1

    return _changed(viewer, chaine, apply)


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


def item_add(viewer: Viewer, step: Step, data: schemas.ItemAdd) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    chaine = _chaine(viewer, step, data.chaine_id)
    _may_complete(viewer, chaine)
    existing = db.session.scalar(
        select(ChaineItem.id).where(
            ChaineItem.chaine_id == chaine.id, ChaineItem.client_id == data.client_id
        )
    )
    if existing is not None:
        return _already(viewer, chaine, "item_id", existing)
    level, cible = _level_and_cible(step, data.level, data.cible)
    text = _text(data.text, MAX_ITEM, "L'élément", data.confirm_personal)
    if "structure_id" in data.model_fields_set:
        structure_id = _structure(step, data.structure_id)
    else:
        mine = None if chaine.subject == "structure" else my_structure(viewer)
        structure_id = mine or chaine.structure_id
    with events.live_change(viewer.atelier_id) as change:
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
        event = _record(change, chaine)
    return _answer(event, item_id=item.id)


def item_edit(viewer: Viewer, step: Step, data: schemas.ItemEdit) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    item, chaine = _item(viewer, step, data.item_id)
    if item.version != data.version:
        raise Conflict(
            "Cet élément a été modifié entre-temps : voici la chaîne actuelle.",
            chaine=chaine_dict(chaine),
        )
    _may_change(viewer, chaine, item.participant_id)

    def apply() -> None:
        if data.text is not None:
            item.text = _text(data.text, MAX_ITEM, "L'élément", data.confirm_personal)
        if data.level is not None or data.cible is not None:
            item.level, item.cible = _level_and_cible(
                step,
                data.level if data.level is not None else item.level,
                data.cible if data.cible is not None else item.cible,
            )
        if "structure_id" in data.model_fields_set:
            item.structure_id = _structure(step, data.structure_id)
        item.version += 1

    return _changed(viewer, chaine, apply)


def item_delete(viewer: Viewer, step: Step, data: schemas.ItemRef) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    item, chaine = _item(viewer, step, data.item_id)
    _may_change(viewer, chaine, item.participant_id)
    return _changed(viewer, chaine, lambda: db.session.delete(item))


def _link_allowed(source: ChaineItem, target: ChaineItem) -> bool:
    """Along the chain (an earlier link to a later one), or an item to its indicator."""
    if target.level == "indicateur":
        return source.level != "indicateur"
    if source.level in LEVEL_ORDER and target.level in LEVEL_ORDER:
        return LEVEL_ORDER[source.level] < LEVEL_ORDER[target.level]
    return source.level in LEVEL_ORDER and target.level == "objectif"


def link_add(viewer: Viewer, step: Step, data: schemas.LinkAdd) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    (source, chaine), (target, _) = (
        _item(viewer, step, data.source_id),
        _item(viewer, step, data.target_id),
    )
    if source.chaine_id != target.chaine_id:
        raise InvalidInput("Les deux éléments doivent appartenir à la même chaîne.")
    _may_complete(viewer, chaine)
    if not _link_allowed(source, target):
        raise InvalidInput(
            "Un lien va d'un maillon vers un maillon suivant (ressources → activités → "
            "réalisations → résultats → impacts), vers un objectif, ou vers l'indicateur qui "
            "le mesure.",
            code="bad_link",
        )
    existing = db.session.scalar(
        select(ChaineLink.id).where(
            ChaineLink.source_id == source.id, ChaineLink.target_id == target.id
        )
    )
    if existing is not None:
        return _already(viewer, chaine, "link_id", existing)
    with events.live_change(viewer.atelier_id) as change:
        link = ChaineLink(chaine_id=chaine.id, source_id=source.id, target_id=target.id)
        db.session.add(link)
        event = _record(change, chaine)
    return _answer(event, link_id=link.id)


def link_delete(viewer: Viewer, step: Step, data: schemas.LinkRef) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    link = db.session.get(ChaineLink, data.link_id)
    if link is None:
        raise NotFound("Ce lien n'existe plus.")
    chaine = _chaine(viewer, step, link.chaine_id)
    _may_change(viewer, chaine, viewer.participant_id)
    return _changed(viewer, chaine, lambda: db.session.delete(link))
