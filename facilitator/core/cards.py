"""Board verbs on cards: add, edit, copy, mask, delete (votes: ``core.votes``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from facilitator import contract
from facilitator.core import events, groups, votes
from facilitator.core import live as live_common
from facilitator.core.card_rows import (
    INSERT_CARD,
    Stale,
    card_and_author,
    card_of,
    step_and_author,
    step_of_card,
    update_card,
)
from facilitator.core.card_rows import step_of as step_of  # the verbs' load, used by others
from facilitator.core.events import LiveChange, Viewer
from facilitator.core.visibility import (
    card_compact,
    card_for,
    card_full,
    card_public,
    is_withheld,
    moderated,
)
from facilitator.errors import Conflict, Forbidden, InvalidInput
from facilitator.extensions import db
from facilitator.models import Contribution, Participant, Step
from facilitator.models._types import utcnow
from facilitator.validation import strip_controls

log = logging.getLogger(__name__)

#: longest card text, in characters (documented in docs/protocol.md)
MAX_CARD_LENGTH = 500
UNSET: Any = object()


def _clean_text(text: str) -> str:
    # a card keeps its line breaks: only the ends are trimmed
    return live_common.clean_text(
        text,
        MAX_CARD_LENGTH,
        "La carte",
        empty="La carte est vide : écrivez quelque chose avant d'envoyer.",
        collapse=False,
    )


def _check_column(step: Step, column: str) -> None:
    ids = [c["id"] for c in contract.get(step.type).columns(step.settings)]
    if column not in ids:
        raise InvalidInput(f"Colonne inconnue « {column} » pour cette étape.", code="bad_column")


def author_of(card: Contribution) -> Participant | None:
    if not card.participant_id:
        return None
    return db.session.get(
        Participant, card.participant_id, options=[joinedload(Participant.structure)]
    )


def full_card(card: Contribution) -> dict[str, Any]:
    """The card as animateurs see it."""
    return card_full(card, author_of(card))


def unchanged(viewer: Viewer, card: Contribution) -> dict[str, Any]:
    """The answer of a verb that had nothing to change (no event, no seq taken)."""
    return {
        "card": full_card(card),
        "seq": events.current_seq(viewer.atelier_id),
        "unchanged": True,
    }


def record_card(
    change: LiveChange,
    type_: str,
    card: Contribution,
    step: Step,
    *,
    was_public: bool = True,
    now: bool = False,
    author: Any = UNSET,
) -> events.Event:
    """``was_public``: whether participants and viewers could see the card before this
    change; a card held for moderation that never was public is not announced to them.
    ``now``: written at once with Core (``events.record_now``), the hot path of a new card.
    ``author``: the card's author when the caller loaded them (else read here)."""
    full = full_card(card) if author is UNSET else card_full(card, author)
    public: Any = card_public(full, step)
    if public.get("withheld"):
        public = {"card": public} if was_public and type_ != "card.added" else None
    else:
        public = events.SAME if public == full else {"card": card_compact(public)}
    return change.record(
        type_,
        {"card": full},
        public=public,
        owner_id=card.participant_id,
        owner={"card": full},
        now=now,
        group_id=groups.event_group(step, card.group_id) if step.groups else None,
    )


def card_ack(event: events.Event) -> dict[str, Any]:
    return {"card": event.payload["card"], "seq": event.seq}


def add_card(
    viewer: Viewer,
    step_id: int,
    client_id: str,
    text: str,
    column: str,
    *,
    confirm_personal: bool = False,
) -> dict[str, Any]:
    step, author = step_and_author(viewer, step_id)
    live_common.require_writer(viewer, step)
    text = _clean_text(text)
    _check_column(step, column)
    # a retried client_id is caught by the unique constraint at the insert below (no
    # query for it on the usual path)
    privacy = live_common.check_privacy(text, confirm_personal)
    data: dict[str, Any] = {"privacy": privacy} if privacy else {}
    if moderated(step) and not viewer.is_animateur:
        data["moderation"] = "pending"  # held until the animateur accepts it
    group_id = groups.group_for_new(viewer, step) if step.groups else None
    with events.live_change(viewer.atelier_id) as change:
        stamp = utcnow()
        values = {
            "atelier_id": viewer.atelier_id,
            "step_id": step.id,
            "client_id": client_id,
            "participant_id": viewer.participant_id,
            "animateur_id": viewer.animateur_id,
            "text": text,
            "column": column,
            "cluster": None,
            "data": data,
            "deleted": False,
            "masked": False,
            "group_id": group_id,
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }
        try:
            # Core, not the ORM's unit of work: a third of the cost of a card (profiled)
            card_id, position = db.session.execute(
                INSERT_CARD, {**values, "in_step": step.id, "in_column": column}
            ).one()
        except IntegrityError:
            # the same client_id committed concurrently: answer like a retry (nothing
            # recorded, the seq taken rolled back)
            events.rollback()
            existing = db.session.scalar(
                select(Contribution).where(
                    Contribution.atelier_id == viewer.atelier_id,
                    Contribution.client_id == client_id,
                )
            )
            if existing is None:
                raise
            return _duplicate(viewer, existing)
        card = Contribution(
            id=card_id, position=position, **values
        )  # never added to the session: read only
        event = record_card(change, "card.added", card, step, now=True, author=author)
    log.info("card %s added to step %s", card_id, step.id)
    return card_ack(event)


def _duplicate(viewer: Viewer, card: Contribution) -> dict[str, Any]:
    same_author = (card.participant_id, card.animateur_id) == (
        viewer.participant_id,
        viewer.animateur_id,
    )
    if not same_author:
        raise InvalidInput("Identifiant de carte déjà utilisé.", code="client_id_taken")
    return {
        "card": card_for(viewer, full_card(card), step_of_card(card)),
        "seq": events.current_seq(viewer.atelier_id),
        "duplicate": True,
    }


def edit_card(
    viewer: Viewer,
    card_id: int,
    version: int,
    *,
    text: str | None = None,
    column: str | None = None,
    cluster: Any = UNSET,
    position: float | None = None,
    confirm_personal: bool = False,
) -> dict[str, Any]:
    card, author = card_and_author(viewer, card_id)
    step = step_of_card(card)
    groups.require_sees(viewer, step, card.group_id, card.participant_id)
    live_common.require_writer(viewer, step)
    if not viewer.is_animateur:
        if card.participant_id != viewer.participant_id:
            raise Forbidden("Vous ne pouvez modifier que vos propres cartes.")
        if cluster is not UNSET or position is not None:
            raise Forbidden("Seul l'animateur regroupe et range les cartes.")
    if card.version != version:
        raise Conflict(
            "Cette carte a été modifiée entre-temps : voici sa version actuelle.",
            card=card_for(viewer, card_full(card, author), step),
        )
    values: dict[str, Any] = {}
    if text is not None:
        values["text"] = _clean_text(text)
        privacy = live_common.check_privacy(values["text"], confirm_personal)
        data = {**(card.data or {}), "privacy": privacy}
        if moderated(step) and not viewer.is_animateur:
            # a participant's new wording is checked again (also after a refusal)
            data = {**data, "moderation": "pending", "moderation_reason": None}
        values["data"] = data
    if column is not None:
        _check_column(step, column)
        values["column"] = column
    if cluster is not UNSET:
        values["cluster"] = strip_controls((cluster or "").strip()[:120]) or None
    if position is not None:
        values["position"] = position
    was_public = not is_withheld(card)
    try:
        with events.live_change(viewer.atelier_id) as change:
            if not update_card(card, version, values):
                raise Stale  # changed since it was read: rolled back, the seq with it
            event = record_card(
                change, "card.updated", card, step, was_public=was_public, now=True, author=author
            )
    except Stale:
        fresh = card_of(viewer, card_id)
        raise Conflict(
            "Cette carte a été modifiée entre-temps : voici sa version actuelle.",
            card=card_for(viewer, full_card(fresh), step_of_card(fresh)),
        ) from None
    return card_ack(event)


def shown_cards(step_id: int) -> list[Contribution]:
    """The step's cards neither deleted nor masked, in board order (moderation aside)."""
    return list(
        db.session.scalars(
            select(Contribution)
            .where(
                Contribution.step_id == step_id,
                Contribution.deleted.is_(False),
                Contribution.masked.is_(False),
            )
            .order_by(Contribution.position, Contribution.id)
        )
    )


def copy_cards(change: LiveChange, source: Step, target: Step) -> int:
    """Copy the live cards of ``source`` (text, author, cluster, order) into ``target``,
    as part of ``change``, recording one ``card.added`` each. Columns missing from the
    target fall back to its first column. Returns the number of cards copied."""
    columns = [c["id"] for c in contract.get(target.type).columns(target.settings)]
    copied = 0
    for original in shown_cards(source.id):
        data = dict(original.data or {})
        if data.pop("moderation", None) in ("pending", "rejected"):
            continue  # never accepted: not carried
        data.pop("moderation_reason", None)
        copy = Contribution(
            atelier_id=target.atelier_id,
            step_id=target.id,
            client_id=f"copy-{target.id}-{original.id}",
            participant_id=original.participant_id,
            animateur_id=original.animateur_id,
            text=original.text,
            column=original.column if original.column in columns else columns[0],
            cluster=original.cluster,
            position=original.position,
            data=data,
            # its group tag (issue 18) goes with it to a plenary step: the mise en commun still
            # shows « groupe X »; a step that itself runs in groups gets it as plenary material
            group_id=None if target.groups else original.group_id,
        )
        db.session.add(copy)
        db.session.flush()
        record_card(change, "card.added", copy, target)
        copied += 1
    return copied


def mask_card(viewer: Viewer, card_id: int, masked: bool) -> dict[str, Any]:
    """The animateur hides a card from participants and viewers (e.g. personal data)."""
    if not viewer.is_animateur:
        raise Forbidden("Seul l'animateur peut masquer une carte.")
    card = card_of(viewer, card_id)
    step = step_of_card(card)
    with events.live_change(viewer.atelier_id) as change:
        card.masked = masked
        card.version += 1
        event = record_card(change, "card.updated", card, step, was_public=not is_withheld(card))
    log.info("card %s masked=%s", card.id, masked)
    return card_ack(event)


def delete_card(viewer: Viewer, card_id: int) -> dict[str, Any]:
    card = card_of(viewer, card_id)
    step = step_of_card(card)
    groups.require_sees(viewer, step, card.group_id, card.participant_id)
    live_common.require_writer(viewer, step)
    if not viewer.is_animateur and card.participant_id != viewer.participant_id:
        raise Forbidden("Vous ne pouvez supprimer que vos propres cartes.")
    with events.live_change(viewer.atelier_id) as change:
        card.deleted = True
        card.version += 1
        # votes on a deleted card go back to their owners' budgets
        votes.take_back(card.id)
        event = change.record(
            "card.deleted",
            {"card_id": card.id, "step_id": step.id},
            group_id=groups.event_group(step, card.group_id) if step.groups else None,
        )
    return {"card_id": card.id, "seq": event.seq}
