"""Board verbs: cards and votes."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from facilitator import contract, dblock
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core.events import Viewer
from facilitator.core.visibility import (
    WITHHELD,
    card_for,
    card_full,
    card_public,
    is_withheld,
    moderated,
)
from facilitator.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Participant, Step, Vote
from facilitator.models._types import utcnow
from facilitator.privacy import detect, warning_fr

log = logging.getLogger(__name__)

#: longest card text, in characters (documented in docs/protocol.md)
MAX_CARD_LENGTH = 500
UNSET: Any = object()
#: built once (statement construction is a good part of the cost of a card)
_LAST_POSITION = select(func.max(Contribution.position)).where(
    Contribution.step_id == bindparam("step"), Contribution.column == bindparam("column")
)


_INSERT_CARD = Contribution.__table__.insert().returning(Contribution.__table__.c.id)


def step_of(viewer: Viewer, step_id: int) -> Step:
    """A step of the viewer's atelier (never another atelier's)."""
    # with its atelier: every verb checks the atelier's state (one query, not two)
    step = db.session.get(Step, step_id, options=[joinedload(Step.atelier)])
    if step is None or step.atelier_id != viewer.atelier_id:
        raise NotFound("Étape introuvable dans cet atelier.")
    return step


_step = step_of


def _card(viewer: Viewer, card_id: int) -> Contribution:
    card = db.session.get(Contribution, card_id)
    if card is None or card.atelier_id != viewer.atelier_id or card.deleted:
        raise NotFound("Cette carte n'existe pas ou a été supprimée.")
    return card


def _require_writer(viewer: Viewer, step: Step) -> None:
    """One rule for every verb (``live_common.require_writer``): animateurs write to an open
    atelier or to a step open for asynchronous contributions, participants where
    ``Step.require_writable`` lets them."""
    live_common.require_writer(viewer, step)


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(
            "La carte est vide : écrivez quelque chose avant d'envoyer.", code="empty"
        )
    if len(text) > MAX_CARD_LENGTH:
        raise InvalidInput(
            f"La carte fait {len(text)} caractères : {MAX_CARD_LENGTH} au plus.", code="too_long"
        )
    return text


def _check_privacy(text: str, confirmed: bool) -> list[str]:
    """Refuse likely personal data unless the author confirmed; return the kinds found."""
    findings = detect(text)
    if findings and not confirmed:
        raise InvalidInput(
            warning_fr(findings),
            code="personal_data",
            findings=[f.to_dict() for f in findings],
        )
    return [f.kind for f in findings]


def _check_column(step: Step, column: str) -> None:
    ids = [c["id"] for c in contract.get(step.type).columns(step.settings)]
    if column not in ids:
        raise InvalidInput(f"Colonne inconnue « {column} » pour cette étape.", code="bad_column")


def _author(card: Contribution) -> Participant | None:
    if not card.participant_id:
        return None
    return db.session.get(
        Participant, card.participant_id, options=[joinedload(Participant.structure)]
    )


def _record_card(
    type_: str,
    card: Contribution,
    step: Step,
    seq: int,
    *,
    was_public: bool = True,
    now: bool = False,
) -> events.Event:
    """``was_public``: whether participants and viewers could see the card before this
    change; a card held for moderation that never was public is not announced to them.
    ``now``: written at once with Core (``events.record_now``), the hot path of a new card."""
    full = card_full(card, _author(card))
    public: Any = card_public(full, step)
    if public.get("withheld"):
        public = {"card": public} if was_public and type_ != "card.added" else None
    else:
        public = events.SAME if public == full else {"card": public}
    return (events.record_now if now else events.record)(
        card.atelier_id,
        type_,
        {"card": full},
        public=public,
        owner_id=card.participant_id,
        owner={"card": full},
        seq=seq,
    )


def add_card(
    viewer: Viewer,
    step_id: int,
    client_id: str,
    text: str,
    column: str,
    *,
    confirm_personal: bool = False,
) -> dict:
    step = _step(viewer, step_id)
    _require_writer(viewer, step)
    text = _clean_text(text)
    _check_column(step, column)
    # a retried client_id is caught by the unique constraint at the insert below (no
    # query for it on the usual path)
    privacy = _check_privacy(text, confirm_personal)
    data: dict[str, Any] = {"privacy": privacy} if privacy else {}
    if moderated(step) and not viewer.is_animateur:
        data["moderation"] = "pending"  # held until the animateur accepts it
    seq = events.next_seq(viewer.atelier_id)
    last = db.session.scalar(_LAST_POSITION, {"step": step.id, "column": column})
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
        "position": (last or 0) + 1,
        "data": data,
        "deleted": False,
        "masked": False,
        "version": 1,
        "created_at": stamp,
        "updated_at": stamp,
    }
    try:
        # Core, not the ORM's unit of work: a third of the cost of a card (profiled)
        card_id = db.session.execute(_INSERT_CARD, values).scalar_one()
    except IntegrityError:
        # the same client_id committed concurrently: answer like a retry
        events.rollback()
        existing = db.session.scalar(
            select(Contribution).where(
                Contribution.atelier_id == viewer.atelier_id, Contribution.client_id == client_id
            )
        )
        if existing is None:
            raise
        return _duplicate(viewer, existing)
    card = Contribution(id=card_id, **values)  # never added to the session: read only
    event = _record_card("card.added", card, step, seq, now=True)
    events.commit()
    log.info("card %s added to step %s", card_id, step.id)
    return {"card": event.payload["card"], "seq": event.seq}


def _duplicate(viewer: Viewer, card: Contribution) -> dict:
    same_author = (card.participant_id, card.animateur_id) == (
        viewer.participant_id,
        viewer.animateur_id,
    )
    if not same_author:
        raise InvalidInput("Identifiant de carte déjà utilisé.", code="client_id_taken")
    step = db.session.get(Step, card.step_id)
    assert step is not None
    return {
        "card": card_for(viewer, card_full(card, _author(card)), step),
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
) -> dict:
    card = _card(viewer, card_id)
    step = db.session.get(Step, card.step_id)
    assert step is not None
    _require_writer(viewer, step)
    if not viewer.is_animateur:
        if card.participant_id != viewer.participant_id:
            raise Forbidden("Vous ne pouvez modifier que vos propres cartes.")
        if cluster is not UNSET or position is not None:
            raise Forbidden("Seul l'animateur regroupe et range les cartes.")
    if card.version != version:
        raise Conflict(
            "Cette carte a été modifiée entre-temps : voici sa version actuelle.",
            card=card_for(viewer, card_full(card, _author(card)), step),
        )
    if text is not None:
        text = _clean_text(text)
        privacy = _check_privacy(text, confirm_personal)
    seq = events.next_seq(viewer.atelier_id)
    was_public = not is_withheld(card)
    if text is not None:
        card.text = text
        card.data = {**(card.data or {}), "privacy": privacy}
        if moderated(step) and not viewer.is_animateur:
            # a participant's new wording is checked again (also after a refusal)
            card.data = {**card.data, "moderation": "pending", "moderation_reason": None}
    if column is not None:
        _check_column(step, column)
        card.column = column
    if cluster is not UNSET:
        card.cluster = (cluster or "").strip()[:120] or None
    if position is not None:
        card.position = position
    card.version += 1
    event = _record_card("card.updated", card, step, seq, was_public=was_public)
    events.commit()
    return {"card": event.payload["card"], "seq": event.seq}


def copy_cards(source: Step, target: Step) -> int:
    """Copy the live cards of ``source`` (text, author, cluster, order) into ``target``,
    in the current transaction, recording one ``card.added`` each. Columns missing from
    the target fall back to its first column. Returns the number of cards copied."""
    columns = [c["id"] for c in contract.get(target.type).columns(target.settings)]
    cards = db.session.scalars(
        select(Contribution)
        .where(
            Contribution.step_id == source.id,
            Contribution.deleted.is_(False),
            Contribution.masked.is_(False),
        )
        .order_by(Contribution.position, Contribution.id)
    ).all()
    copied = 0
    for original in cards:
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
        )
        db.session.add(copy)
        db.session.flush()
        _record_card("card.added", copy, target, events.next_seq(target.atelier_id))
        copied += 1
    return copied


def mask_card(viewer: Viewer, card_id: int, masked: bool) -> dict:
    """The animateur hides a card from participants and viewers (e.g. personal data)."""
    if not viewer.is_animateur:
        raise Forbidden("Seul l'animateur peut masquer une carte.")
    card = _card(viewer, card_id)
    step = db.session.get(Step, card.step_id)
    assert step is not None
    seq = events.next_seq(viewer.atelier_id)
    card.masked = masked
    card.version += 1
    event = _record_card("card.updated", card, step, seq, was_public=not is_withheld(card))
    events.commit()
    log.info("card %s masked=%s", card.id, masked)
    return {"card": event.payload["card"], "seq": event.seq}


def delete_card(viewer: Viewer, card_id: int) -> dict:
    card = _card(viewer, card_id)
    step = db.session.get(Step, card.step_id)
    assert step is not None
    _require_writer(viewer, step)
    if not viewer.is_animateur and card.participant_id != viewer.participant_id:
        raise Forbidden("Vous ne pouvez supprimer que vos propres cartes.")
    seq = events.next_seq(viewer.atelier_id)
    card.deleted = True
    card.version += 1
    # votes on a deleted card go back to their owners' budgets
    db.session.execute(Vote.__table__.delete().where(Vote.contribution_id == card.id))
    payload = {"card_id": card.id, "step_id": step.id}
    event = events.record(card.atelier_id, "card.deleted", payload, seq=seq)
    events.commit()
    return {"card_id": card.id, "seq": event.seq}


def vote(viewer: Viewer, card_id: int, delta: int, expect: int | None = None) -> dict:
    """Add (``delta`` 1) or take back (-1) one point on a card.

    ``expect`` (optional) is the voter's weight on the card once this vote is counted: a
    retry whose first try was stored (its ack lost) finds that weight already there and is
    answered ``unchanged`` without counting twice; a weight that is neither that nor
    ``expect - delta`` answers ``conflict`` with the current ``weight`` and ``used``.

    Concurrent votes are written together (``GroupCommit``: one transaction for every vote
    that arrived meanwhile); each caller gets its answer only once its vote is committed,
    and a vote that fails does not take the others of its batch down."""
    if viewer.role != "participant" or viewer.participant_id is None:
        raise Forbidden("Seuls les participants votent.")
    if delta not in (1, -1):
        raise InvalidInput("Un vote ajoute ou retire un point à la fois.")
    return vote_writer().submit((viewer, card_id, delta, expect))


def vote_writer() -> events.GroupCommit:
    """This app's vote group commit (one per app and process)."""
    from flask import current_app

    writer = current_app.extensions.get("facilitator.votes")
    if writer is None:
        gevent = current_app.config.get("SOCKETIO_ASYNC_MODE") == "gevent"
        window = current_app.config.get("VOTE_GROUP_COMMIT_MS", 2 if gevent else 0) / 1000
        writer = events.GroupCommit(_vote_batch, window=window)
        current_app.extensions["facilitator.votes"] = writer
    return writer


def _vote_batch(slots: list) -> None:
    """Write a batch of votes in one transaction; on an unexpected failure (not a refusal:
    those are answers), write them again one by one so that only the faulty one fails.
    Every slot gets its answer once its vote is committed (or known not to be); the
    events are published after the commit, before anyone is answered."""
    try:
        results = _apply_votes([slot.item for slot in slots])
        committed = events.commit_unpublished()
    except Exception as exc:
        events.rollback()  # nothing of the batch is stored
        if len(slots) == 1 or dblock.is_lock_error(exc):
            # another process holds SQLite's write lock: each vote is run again after a
            # cooperative pause by its own handler (facilitator.dblock), nothing was stored
            for slot in slots:
                slot.error = exc
            return
        log.warning("vote batch of %s failed (%s): one by one", len(slots), exc)
        for slot in slots:
            _vote_batch([slot])
        return
    for slot, result in zip(slots, results, strict=True):
        _settle(slot, result)
    events.publish(committed)  # logs, never raises: the votes are stored


def _settle(slot: Any, result: Any) -> None:
    if isinstance(result, BaseException):
        slot.error = result
    else:
        slot.value = result


_VOTE = Vote.__table__
_INSERT_VOTE = _VOTE.insert()
_UPDATE_VOTE = _VOTE.update().where(_VOTE.c.id == bindparam("vid")).values(weight=bindparam("w"))
_DELETE_VOTE = _VOTE.delete().where(_VOTE.c.id == bindparam("vid"))
_LOCK_ATELIER = (
    update(Atelier)
    .where(Atelier.id == bindparam("a"))
    .values(seq=Atelier.seq)
    .returning(Atelier.seq)
    .execution_options(synchronize_session=False)
)
_SET_SEQ = (
    update(Atelier)
    .where(Atelier.id == bindparam("a"))
    .values(seq=bindparam("s"))
    .execution_options(synchronize_session=False)
)


def _apply_votes(items: list[tuple]) -> list[Any]:
    """Check and write ``(viewer, card_id, delta[, expect])`` votes, in order, in the current
    transaction (the caller commits). Returns, per item, its ack or the
    ``DomainError`` refusing it. Same checks, same answers as one vote at a time: the
    budget and the cap see the votes of the batch that come before."""
    # lock the ateliers' rows first (in id order: no deadlock between processes), then
    # read: no read-then-write race with another process's writers
    seqs: dict[int, int] = {}
    for a in sorted({item[0].atelier_id for item in items}):
        seqs[a] = db.session.execute(_LOCK_ATELIER, {"a": a}).scalar_one()
    first = dict(seqs)
    card_ids = {item[1] for item in items}
    c = Contribution.__table__.c
    cards = {
        row.id: row
        for row in db.session.execute(
            select(c.id, c.atelier_id, c.step_id, c.deleted, c.data).where(c.id.in_(card_ids))
        )
    }
    step_ids = {row.step_id for row in cards.values()}
    steps = {
        step.id: step
        for step in db.session.scalars(
            select(Step).where(Step.id.in_(step_ids)).options(joinedload(Step.atelier))
        )
    }
    pids = {item[0].participant_id for item in items}
    v = _VOTE.c
    rows: dict[tuple[int, int], tuple[int, int]] = {}  # (participant, card) -> (id, weight)
    mine: dict[tuple[int, int], dict[int, int]] = {}  # (participant, step) -> card -> weight
    if step_ids:
        for row in db.session.execute(
            select(v.id, v.step_id, v.participant_id, v.contribution_id, v.weight).where(
                v.step_id.in_(step_ids), v.participant_id.in_(pids)
            )
        ):
            rows[(row.participant_id, row.contribution_id)] = (row.id, row.weight)
            mine.setdefault((row.participant_id, row.step_id), {})[row.contribution_id] = row.weight
    totals: dict[int, int] = dict(
        db.session.execute(
            select(v.contribution_id, func.sum(v.weight))
            .where(v.contribution_id.in_(card_ids))
            .group_by(v.contribution_id)
        ).all()
    )
    out: list[Any] = []
    for viewer, card_id, delta, *more in items:
        expect = more[0] if more else None
        try:
            out.append(_one_vote(viewer, card_id, delta, expect, cards, steps, mine, totals, seqs))
        except DomainError as exc:
            out.append(exc)
    # the votes as they now are, against what was read
    final = {
        (pid, card): weight
        for (pid, _step), by_card in mine.items()
        for card, weight in by_card.items()
    }
    touched = {(item[0].participant_id, item[1]) for item in items}
    inserts, updates, deletes = [], [], []
    for key in touched:
        before, after = rows.get(key), final.get(key, 0)
        if before is None and after:
            step_id = cards[key[1]].step_id
            inserts.append(
                {
                    "step_id": step_id,
                    "participant_id": key[0],
                    "contribution_id": key[1],
                    "weight": after,
                }  # fmt: skip
            )
        elif before is not None and not after:
            deletes.append({"vid": before[0]})
        elif before is not None and after != before[1]:
            updates.append({"vid": before[0], "w": after})
    if deletes:
        db.session.execute(_DELETE_VOTE, deletes)
    if updates:
        db.session.execute(_UPDATE_VOTE, updates)
    if inserts:
        db.session.execute(_INSERT_VOTE, inserts)
    for a, seq in seqs.items():
        if seq != first[a]:
            db.session.execute(_SET_SEQ, {"a": a, "s": seq})
    return out


def _one_vote(
    viewer: Viewer,
    card_id: int,
    delta: int,
    expect: int | None,
    cards: dict[int, Any],
    steps: dict[int, Step],
    mine: dict[tuple[int, int], dict[int, int]],
    totals: dict[int, int],
    seqs: dict[int, int],
) -> dict:
    """One vote of a batch: checks, then the in-memory state and its event."""
    card = cards.get(card_id)
    if card is None or card.atelier_id != viewer.atelier_id or card.deleted:
        raise NotFound("Cette carte n'existe pas ou a été supprimée.")
    step = steps[card.step_id]
    step.require_writable()
    if (card.data or {}).get("moderation") in WITHHELD:
        raise InvalidInput(
            "Cette carte attend la validation de l'animateur : on ne peut pas encore voter.",
            code="pending",
        )
    rules = contract.get(step.type).vote_rules(step.settings)
    if rules is None:
        raise InvalidInput("Cette étape ne comporte pas de vote.", code="no_vote")
    budget, cap = rules
    pid = viewer.participant_id
    assert pid is not None
    by_card = mine.setdefault((pid, step.id), {})
    used = sum(by_card.values())
    on_card = by_card.get(card_id, 0)
    if expect is not None and on_card == expect:
        # a retry of a vote already counted (its ack was lost): answer, record nothing
        ack = {"step_id": step.id, "card_id": card_id, "weight": on_card, "used": used}
        if step.results_visible:
            ack["total"] = int(totals.get(card_id) or 0)
        return {
            **ack,
            "remaining": budget - used,
            "unchanged": True,
            "seq": seqs[viewer.atelier_id],
        }
    if expect is not None and on_card + delta != expect:
        raise Conflict(
            "Vos votes sur cette carte ont changé entre-temps : l'affichage est mis à jour.",
            step_id=step.id,
            card_id=card_id,
            weight=on_card,
            used=used,
            remaining=budget - used,
        )
    if delta == 1 and used >= budget:
        raise InvalidInput(
            f"Vous avez utilisé tous vos votes ({used} sur {budget}).", code="budget"
        )
    if delta == 1 and on_card >= cap:
        raise InvalidInput(f"Pas plus de {cap} vote(s) sur une même carte.", code="cap")
    if delta == -1 and on_card == 0:
        raise InvalidInput(
            "Vous n'avez pas de vote à retirer sur cette carte.", code="no_vote_here"
        )
    on_card += delta
    used += delta
    if on_card:
        by_card[card_id] = on_card
    else:
        del by_card[card_id]
    total = totals[card_id] = int(totals.get(card_id) or 0) + delta
    seq = seqs[viewer.atelier_id] = seqs[viewer.atelier_id] + 1
    base = {"step_id": step.id, "card_id": card_id}
    owner = {**base, "weight": on_card, "used": used}
    if step.results_visible:
        owner["total"] = total
    events.record(
        viewer.atelier_id,
        "vote.changed",
        {**base, "total": total, "participant_id": pid, "weight": on_card, "used": used},
        public={**base, "total": total} if step.results_visible else None,
        owner_id=pid,
        owner=owner,
        seq=seq,
    )
    return {**owner, "remaining": budget - used, "seq": seq}
