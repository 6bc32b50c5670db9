"""Plain-data views of the board (what goes on the wire), per role — and the one
visibility rule (``visible_to``) that live events, replays, snapshots and documents follow.

Three versions of a card exist on the wire: ``full`` (animateurs), ``public`` (participants
and viewers: face down while the step hides cards, no author while anonymous, a ``withheld``
stub while the animateur has not accepted it in a step with moderation) and ``owner`` (its
author: always readable). Documents (``RECORD``) print what the atelier keeps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from facilitator import contract
from facilitator.core import groups
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Participant, Step, Vote
from facilitator.models._types import utcnow
from facilitator.models.board import CARD_MARKS


def step_dict(step: Step) -> dict[str, Any]:
    activity = contract.get(step.type)
    rules = activity.vote_rules(step.settings)
    return {
        "id": step.id,
        "key": step.key,
        "type": step.type,
        "position": step.position,
        "title": step.title,
        "consigne": step.consigne,
        "help": step.help or activity.help_for(step.settings or {}),
        "duration": step.duration_minutes,
        "status": step.status,
        "locked": step.locked,
        "cards_visible": step.cards_visible,
        "results_visible": step.results_visible,
        "anonymous": step.anonymous,
        "columns": activity.columns(step.settings),
        "votes": {"budget": rules[0], "max_per_card": rules[1]} if rules else None,
        "moderation": moderated(step),
        #: "columns" or "canvas" (a free 2D board), and what colours its cards
        "layout": (step.settings or {}).get("layout", "columns"),
        "colour_by": (step.settings or {}).get("colour_by", "column"),
        #: its type may run in sub-groups (issue 18: the console's switch)
        "groups_possible": activity.groups,
    }


def moderated(step: Step) -> bool:
    """Participants' new cards wait for the animateur's approval (setting ``moderation``)."""
    return bool((step.settings or {}).get("moderation"))


#: moderation states that keep a card from everyone but its author and the animateurs
WITHHELD = ("pending", "rejected")


def timer_dict_now() -> int:
    """The server's clock in ms since the epoch."""
    return int(utcnow().timestamp() * 1000)


def timer_dict(atelier: Atelier) -> dict[str, Any]:
    ends = atelier.timer_ends_at
    return {
        "running": ends is not None,
        "ends_at": int(ends.timestamp() * 1000) if ends else None,
        "remaining": atelier.timer_remaining,
        "total": atelier.timer_total,
        "server_time": timer_dict_now(),
    }


def atelier_dict(atelier: Atelier) -> dict[str, Any]:
    return {
        "id": atelier.id,
        "title": atelier.title,
        "cycle": atelier.cycle.title,
        "state": atelier.state,
        "state_label": atelier.state_label,
        "current_step_id": atelier.current_step_id,
        "timer": timer_dict(atelier),
    }


def author_dict(participant: Participant | None) -> dict[str, Any] | None:
    return participant.public_dict() if participant else None


def card_full(card: Contribution, author: Participant | dict[str, Any] | None) -> dict[str, Any]:
    """``author``: the participant, or what a card says of them (``author_dict``)."""
    data = card.data or {}
    return {
        "id": card.id,
        "client_id": card.client_id,
        "step_id": card.step_id,
        "text": card.text,
        "column": card.column,
        "cluster": card.cluster,
        "position": card.position,
        "version": card.version,
        "deleted": card.deleted,
        "masked": card.masked,
        #: kinds of likely personal data the author confirmed anyway (animateurs and author)
        "privacy": list(data.get("privacy", [])),
        "author": author if isinstance(author, dict) else author_dict(author),
        "author_id": card.participant_id,
        "by_animateur": card.animateur_id is not None,
        #: None (step without moderation) | "pending" | "accepted" | "rejected"
        "moderation": data.get("moderation"),
        #: why the animateur refused it (author and animateurs only)
        "moderation_reason": data.get("moderation_reason"),
        #: the animateur's marks: "decision", "carry_over", "open_question"
        "marks": [mark for mark in CARD_MARKS if data.get(mark) is True],
        #: where the animateur put it on a canvas step ([x, y], fractions), or None
        "xy": data.get("xy"),
        #: the sub-group it was written in (issue 18), kept after the mise en commun
        "group_id": card.group_id,
    }


# --- the visibility rule -------------------------------------------------------------------

#: audiences of a card: the animateurs see everything, its author sees it as it is,
#: participants and read-only viewers see the board live (events, replays, snapshots),
#: documents print what the atelier keeps (compte rendu, synthèses)
ANIMATEUR = "animateur"
OWNER = "owner"
PUBLIC = "public"
RECORD = "record"


@dataclass(frozen=True)
class Sight:
    """What one audience gets of one card."""

    #: drawn on a board, printed in a document (not when deleted, withheld, or masked in
    #: a document)
    listed: bool = True
    #: kept back by moderation: the wire carries a stub, enough for a client to drop it
    withheld: bool = False
    #: its text and cluster
    text: bool = True
    #: who wrote it
    author: bool = True
    #: drawn face down while the step hides participants' cards
    face_down: bool = False


def visible_to(audience: str, card: Mapping[str, Any], step: Step) -> Sight:
    """The one rule: what ``audience`` may see of ``card`` in ``step``.

    ``card``: the card's facts — ``deleted``, ``masked``, ``moderation``, ``by_animateur``
    (a ``card_full`` dict, or ``card_facts``). A deleted card is listed for no one (an event
    that announces the deletion carries what the audience could see of it); a card held for
    moderation or refused is kept from everyone but its author and the animateurs; a masked
    card (likely personal data) is a placeholder on the board and left out of documents; a
    hidden step's cards are face down on the board; an anonymous step names no author."""
    listed = not card["deleted"]
    if audience in (ANIMATEUR, OWNER):
        return Sight(listed=listed)
    if card["moderation"] in WITHHELD:
        return Sight(listed=False, withheld=True, text=False, author=False)
    if card["masked"]:
        return Sight(listed=listed and audience != RECORD, text=False, author=False)
    if audience == RECORD:
        # after the atelier: a hidden step's cards are read, anonymity stays
        return Sight(listed=listed, author=not step.anonymous)
    face_down = not step.cards_visible and not card["by_animateur"]
    return Sight(
        listed=listed,
        text=not face_down,
        author=step.cards_visible and not step.anonymous,
        face_down=face_down,
    )


def card_facts(
    *, deleted: bool, masked: bool, data: Mapping[str, Any] | None, animateur_id: int | None
) -> dict[str, Any]:
    """What ``visible_to`` reads of a card, from its columns (``card_full`` has them too)."""
    return {
        "deleted": deleted,
        "masked": masked,
        "moderation": (data or {}).get("moderation"),
        "by_animateur": animateur_id is not None,
    }


def not_deleted() -> ColumnElement[bool]:
    """The rule's database side: a deleted card is listed for no one, so the queries that
    list cards (boards, snapshots, documents) leave deleted rows out in SQL."""
    return Contribution.deleted.is_(False)


def withheld(full: dict[str, Any]) -> bool:
    return full.get("moderation") in WITHHELD


def is_withheld(card: Contribution) -> bool:
    """Held for moderation or refused: seen by its author and the animateurs only."""
    return (card.data or {}).get("moderation") in WITHHELD


def card_public(full: dict[str, Any], step: Step) -> dict[str, Any]:
    """What participants and viewers get of a card (``visible_to(PUBLIC, …)``)."""
    sight = visible_to(PUBLIC, full, step)
    if sight.withheld:
        # not shown, not counted: only enough for a client that had it to drop it
        return {"id": full["id"], "step_id": full["step_id"], "withheld": True}
    card = dict(full)
    card["moderation_reason"] = None
    card.pop("client_id", None)
    card["privacy"] = []
    if not sight.text:
        card.update(text=None, cluster=None)
    if not sight.author:
        card.update(author=None, author_id=None)
    if sight.face_down:
        card["face_down"] = True
    return card


#: what a public card leaves out when it has this value (docs/protocol.md, « Carte
#: publique compacte »): the public audience is the room, every byte is multiplied by N;
#: ``author_id`` is left out too, it is ``author.id`` (the browser's ``store.js`` restores
#: both, ``normalCard``)
PUBLIC_DEFAULTS: dict[str, Any] = {
    "cluster": None,
    "deleted": False,
    "masked": False,
    "privacy": [],
    "moderation": None,
    "moderation_reason": None,
    "marks": [],
    "xy": None,
    "by_animateur": False,
    "author": None,
    "group_id": None,
}


def card_compact(public: dict[str, Any]) -> dict[str, Any]:
    """A public card as it goes on the wire: the fields at their default left out, the
    author's id given once (in ``author``)."""
    out = {k: v for k, v in public.items() if k not in PUBLIC_DEFAULTS or v != PUBLIC_DEFAULTS[k]}
    author = out.get("author")
    if "author_id" in out and (
        out["author_id"] is None or (author is not None and author.get("id") == out["author_id"])
    ):
        del out["author_id"]
    return out


def card_owner(full: dict[str, Any], step: Step) -> dict[str, Any]:
    """The author sees their own card as it is."""
    return dict(full)


def card_for(viewer: Viewer, full: dict[str, Any], step: Step) -> dict[str, Any]:
    if viewer.is_animateur:
        return full
    if viewer.participant_id is not None and full["author_id"] == viewer.participant_id:
        return card_owner(full, step)
    return card_public(full, step)


def proposal_public(full: dict[str, Any], step: Step) -> dict[str, Any]:
    """What the others see of a proposal (an amendment of the charte, a proposed question…):
    no client id, no personal-data findings, no author on an anonymous step."""
    out = dict(full)
    out.pop("client_id", None)
    out["privacy"] = []
    if step.anonymous:
        out["author"] = None
        out["author_id"] = None
    return out


def proposal_for(viewer: Viewer, full: dict[str, Any], step: Step) -> dict[str, Any]:
    """Animateurs and its author see a proposal as it is, the others its public side."""
    mine = viewer.participant_id is not None and full["author_id"] == viewer.participant_id
    return full if viewer.is_animateur or mine else proposal_public(full, step)


def tallies(step_ids: list[int]) -> dict[int, int]:
    if not step_ids:
        return {}
    rows = db.session.execute(
        select(Vote.contribution_id, func.sum(Vote.weight))
        .where(Vote.step_id.in_(step_ids))
        .group_by(Vote.contribution_id)
    )
    return {card_id: int(total) for card_id, total in rows}


def my_votes(participant_id: int, step_ids: list[int] | None = None) -> dict[int, int]:
    query = select(Vote.contribution_id, Vote.weight).where(Vote.participant_id == participant_id)
    if step_ids is not None:
        query = query.where(Vote.step_id.in_(step_ids))
    return {card_id: weight for card_id, weight in db.session.execute(query)}


def cards_with_authors(*where: Any) -> list[tuple[Contribution, Participant | None]]:
    """The cards matching ``where`` that are not deleted, with their authors, in board order
    (one query)."""
    rows = db.session.execute(
        select(Contribution, Participant)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .where(*where, not_deleted())
        .order_by(Contribution.position, Contribution.id)
    ).all()
    return [(card, author) for card, author in rows]


def step_cards(step: Step) -> list[tuple[Contribution, Participant | None]]:
    return cards_with_authors(Contribution.step_id == step.id)


def reveal_payload(step: Step) -> dict[str, Any]:
    """What participants need when a step's cards or results become visible."""
    out: dict[str, Any] = {}
    if step.cards_visible:
        cards = (card_public(card_full(c, a), step) for c, a in step_cards(step))
        # a step in groups: each group's cards reach its members by a resync (core/groups.py)
        apart = groups.separate(step)
        out["cards"] = [c for c in cards if not c.get("withheld") and not (apart and c["group_id"])]
    if step.results_visible:
        totals = tallies([step.id])
        if groups.separate(step):  # as the cards: each group's totals to its own, by a resync
            plenary = set(
                db.session.scalars(
                    select(Contribution.id).where(
                        Contribution.step_id == step.id, Contribution.group_id.is_(None)
                    )
                )
            )
            totals = {k: v for k, v in totals.items() if k in plenary}
        out["tallies"] = {str(k): v for k, v in totals.items()}
    return out
