"""Live verbs and views of the ``feuille_de_route`` activity (docs/activities/
feuille_de_route.md): participants propose actions, vote on their priority, the animateur
validates them; the actions belong to the cycle and their état is followed between
ateliers (``set_etat``, used by web/roadmap.py).

Phases of the step (``StepState.phase``): propositions → vote → validation. Bad input:
an action without pilote is kept as a draft and flagged « sans pilote » (it cannot be
validated until it has one); a deadline in the past is refused when it is set (new action
or changed deadline); an action whose deadline has passed while not done is flagged
« en retard »."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import func, select

from facilitator.activities.feuille_de_route.models import (
    ETATS,
    ROADMAP_STATUSES,
    RoadmapAction,
    RoadmapVote,
)
from facilitator.core import events
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step, Structure

log = logging.getLogger(__name__)

PHASES = ("propositions", "vote", "validation")
PHASE_LABELS = {"propositions": "Propositions", "vote": "Vote", "validation": "Validation"}
MAX_INTITULE = 300
MAX_TEXT = 1000
CLOSED_ETATS = ("fait", "abandonne")


def phase(step: Step) -> str:
    return live_common.phase_of(step, PHASES[0])


# --- views -----------------------------------------------------------------------------------


def flags(a: RoadmapAction, today: date | None = None) -> list[str]:
    """``sans_pilote``, ``en_retard`` (deadline passed, not done nor abandoned)."""
    today = today or date.today()
    out = []
    if a.pilote_id is None:
        out.append("sans_pilote")
    if a.echeance is not None and a.echeance < today and a.etat not in CLOSED_ETATS:
        out.append("en_retard")
    return out


def action_dict(a: RoadmapAction) -> dict[str, Any]:
    return {
        "id": a.id,
        "intitule": a.intitule,
        "question_id": a.question_id,
        "charte_ref": a.charte_ref,
        "pilote_id": a.pilote_id,
        "contributeur_ids": [s.id for s in a.contributeurs],
        "echeance": a.echeance.isoformat() if a.echeance else None,
        "moyens": a.moyens,
        "indicateurs_effectivite": a.indicateurs_effectivite,
        "indicateurs_resultat": a.indicateurs_resultat,
        "etat": a.etat,
        "status": a.status,
        "version": a.version,
        "author_id": a.participant_id,
        "flags": flags(a),
    }


def load_actions(cycle_id: int) -> list[RoadmapAction]:
    return list(
        db.session.scalars(
            select(RoadmapAction)
            .where(RoadmapAction.cycle_id == cycle_id)
            .order_by(RoadmapAction.id)
        )
    )


def tallies(step: Step) -> dict[int, int]:
    rows = db.session.execute(
        select(RoadmapVote.action_id, func.sum(RoadmapVote.weight))
        .where(RoadmapVote.step_id == step.id)
        .group_by(RoadmapVote.action_id)
    ).all()
    return {int(k): int(v) for k, v in rows}


def vote_rules(step: Step) -> tuple[int, int]:
    votes = (step.settings or {}).get("votes") or {}
    return int(votes.get("budget", 3)), int(votes.get("max_per_card", 1))


LABELS = {"etats": ETATS, "statuses": ROADMAP_STATUSES, "phases": PHASE_LABELS}


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    current = phase(step)
    budget, cap = vote_rules(step)
    visible = viewer.is_animateur or current == "validation"
    mine: dict[str, int] = {}
    if viewer.participant_id is not None:
        rows = db.session.execute(
            select(RoadmapVote.action_id, RoadmapVote.weight).where(
                RoadmapVote.step_id == step.id, RoadmapVote.participant_id == viewer.participant_id
            )
        ).all()
        mine = {str(k): int(v) for k, v in rows}
    return {
        "phase": current,
        "questions": productions.questions_list(cycle_id),
        "actions": [action_dict(a) for a in load_actions(cycle_id)],
        "structures": [
            {"id": s.id, "name": s.name}
            for s in db.session.scalars(
                select(Structure).where(Structure.cycle_id == cycle_id).order_by(Structure.name)
            )
        ],
        "tallies": {str(k): v for k, v in tallies(step).items()} if visible else {},
        "my_votes": mine,
        "votes": {"budget": budget, "max_per_card": cap},
        "labels": LABELS,
        "view": (step.settings or {}).get("view", "tableau"),
        "today": date.today().isoformat(),
    }


def record(atelier_id: int, a: RoadmapAction, seq: int | None = None) -> events.Event:
    db.session.flush()
    db.session.refresh(a, ["contributeurs"])
    return events.record(atelier_id, "roadmap.action", {"action": action_dict(a)}, seq=seq)


# --- helpers ---------------------------------------------------------------------------------


def _action(cycle_id: int, action_id: int) -> RoadmapAction:
    action = db.session.get(RoadmapAction, action_id)
    if action is None or action.cycle_id != cycle_id:
        raise NotFound("Cette action n'existe plus dans la feuille de route.")
    return action


def _structures(cycle_id: int, ids: list[int]) -> list[Structure]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    rows = db.session.scalars(
        select(Structure).where(Structure.id.in_(ids), Structure.cycle_id == cycle_id)
    ).all()
    if len(rows) != len(ids):
        raise NotFound("Une des structures choisies n'est pas dans le répertoire du cycle.")
    return list(rows)


def _question(cycle_id: int, question_id: int | None) -> int | None:
    return productions.active_question_id(cycle_id, question_id)


def parse_echeance(value: str | None, today: date | None = None) -> date | None:
    """A deadline from ``AAAA-MM-JJ``; a date in the past is refused."""
    if value is None or not value.strip():
        return None
    try:
        when = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("Échéance invalide : indiquez une date (jj/mm/aaaa).") from None
    today = today or date.today()
    if when < today:
        raise InvalidInput(
            f"L'échéance du {when.strftime('%d/%m/%Y')} est déjà passée : choisissez une date "
            "à venir (aujourd'hui au plus tôt).",
            code="echeance_passee",
        )
    return when


def _texts(data: Any, confirmed: bool) -> dict[str, Any]:
    """Validated free-text fields present in ``data`` (personal data checked together)."""
    out: dict[str, Any] = {}
    if getattr(data, "intitule", None) is not None:
        out["intitule"] = live_common.clean_text(data.intitule, MAX_INTITULE, "L'intitulé")
    for name in ("moyens", "indicateurs_effectivite", "indicateurs_resultat", "charte_ref"):
        value = getattr(data, name, None)
        if value is not None:
            limit = MAX_INTITULE if name == "charte_ref" else MAX_TEXT
            text = " ".join(value.split())
            if len(text) > limit:
                raise InvalidInput(
                    f"Un champ fait {len(text)} caractères : {limit} au plus.", code="too_long"
                )
            out[name] = text
    joined = " ".join(v for v in out.values() if v)
    if joined:
        live_common.check_privacy(joined, confirmed)
    return out


def _apply(cycle_id: int, action: RoadmapAction, data: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(action, name, value)
    present = data.model_fields_set
    if "question_id" in present:
        action.question_id = _question(cycle_id, data.question_id)
    if "pilote_id" in present:
        pilote = _structures(cycle_id, [data.pilote_id] if data.pilote_id else [])
        action.pilote_id = pilote[0].id if pilote else None
    if "contributeur_ids" in present and data.contributeur_ids is not None:
        action.contributeurs = _structures(cycle_id, data.contributeur_ids)
    if "echeance" in present:
        raw = (data.echeance or "").strip()
        if raw != (action.echeance.isoformat() if action.echeance else ""):
            action.echeance = parse_echeance(raw)  # an unchanged past deadline is kept


# --- verbs -----------------------------------------------------------------------------------


def propose(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    if not viewer.is_animateur and phase(step) != "propositions":
        raise InvalidInput(
            "Les propositions sont closes : l'animateur est passé au vote.", code="phase"
        )
    cycle_id = step.atelier.cycle_id

    def find() -> RoadmapAction | None:
        return db.session.scalar(
            select(RoadmapAction).where(
                RoadmapAction.cycle_id == cycle_id, RoadmapAction.client_id == data.client_id
            )
        )

    existing = find()
    if existing is not None:
        if existing.participant_id != viewer.participant_id:
            raise InvalidInput("Identifiant déjà utilisé.", code="client_id_taken")
        seq = events.current_seq(viewer.atelier_id)
        return {"action": action_dict(existing), "duplicate": True, "seq": seq}
    fields = _texts(data, data.confirm_personal)
    parse_echeance(data.echeance)  # refused before anything is written
    seq = events.next_seq(viewer.atelier_id)
    action = RoadmapAction(
        cycle_id=cycle_id,
        client_id=data.client_id,
        participant_id=viewer.participant_id,
        atelier_id=viewer.atelier_id,
        etat="a_lancer",
        status="proposee",
        version=1,
        intitule="",
    )
    _apply(cycle_id, action, data, fields)
    again = live_common.insert_once(
        viewer,
        action,
        find,
        lambda a: a.participant_id == viewer.participant_id,
        lambda a: {"action": action_dict(a)},
    )
    if again is not None:
        return again
    event = record(viewer.atelier_id, action, seq)
    events.commit()
    log.info("roadmap action %s proposed in cycle %s", action.id, cycle_id)
    return {"action": event.payload["action"], "seq": event.seq}


def _may_change(viewer: Viewer, step: Step, action: RoadmapAction) -> None:
    live_common.require_writer(viewer, step)
    if viewer.is_animateur:
        return
    if action.participant_id != viewer.participant_id:
        raise Forbidden("Vous ne pouvez modifier que vos propres propositions.")
    if action.status != "proposee" or phase(step) != "propositions":
        raise InvalidInput(
            "Cette action n'est plus modifiable : elle est validée, ou les propositions sont "
            "closes.",
            code="phase",
        )


def _stale(action: RoadmapAction, version: int) -> None:
    if action.version != version:
        raise Conflict(
            "Cette action a été modifiée entre-temps : voici sa version actuelle.",
            action=action_dict(action),
        )


def edit(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    action = _action(cycle_id, data.action_id)
    _may_change(viewer, step, action)
    _stale(action, data.version)
    fields = _texts(data, data.confirm_personal)
    seq = events.next_seq(viewer.atelier_id)
    _apply(cycle_id, action, data, fields)
    if action.status == "validee" and action.pilote_id is None:
        raise InvalidInput(
            "Une action validée garde un pilote : choisissez-en un autre.", code="sans_pilote"
        )
    action.version += 1
    event = record(viewer.atelier_id, action, seq)
    events.commit()
    return {"action": event.payload["action"], "seq": event.seq}


def remove(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    action = _action(step.atelier.cycle_id, data.action_id)
    _may_change(viewer, step, action)
    seq = events.next_seq(viewer.atelier_id)
    db.session.delete(action)
    payload = {"action_id": data.action_id}
    event = events.record(viewer.atelier_id, "roadmap.action_deleted", payload, seq=seq)
    events.commit()
    return {**payload, "seq": event.seq}


def set_phase(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur change de phase.")
    step.atelier.require_open()
    seq = events.next_seq(viewer.atelier_id)
    live_common.step_state(step, PHASES[0]).phase = data.phase
    payload: dict[str, Any] = {"step_id": step.id, "phase": data.phase}
    full = {**payload, "tallies": {str(k): v for k, v in tallies(step).items()}}
    public = full if data.phase == "validation" else payload
    event = events.record(viewer.atelier_id, "roadmap.phase", full, public=public, seq=seq)
    events.commit()
    return {"phase": data.phase, "seq": event.seq}


def vote(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    if viewer.role != "participant" or viewer.participant_id is None:
        raise Forbidden("Seuls les participants votent.")
    step.require_writable()
    if phase(step) != "vote":
        raise InvalidInput("Le vote de priorité n'est pas ouvert.", code="phase")
    action = _action(step.atelier.cycle_id, data.action_id)
    return live_common.dot_vote(
        viewer,
        step,
        model=RoadmapVote,
        target="action_id",
        target_id=action.id,
        delta=data.delta,
        rules=vote_rules(step),
        event_type="roadmap.vote",
        what="une même action",
        tallies=tallies,
    )


def validate(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur valide les actions.")
    step.atelier.require_open()
    action = _action(step.atelier.cycle_id, data.action_id)
    if data.validated and action.pilote_id is None:
        raise InvalidInput(
            "Cette action n'a pas de pilote : désignez la structure qui la pilote avant de la "
            "valider (elle reste en brouillon, signalée « sans pilote »).",
            code="sans_pilote",
        )
    seq = events.next_seq(viewer.atelier_id)
    action.status = "validee" if data.validated else "proposee"
    action.version += 1
    event = record(viewer.atelier_id, action, seq)
    events.commit()
    return {"action": event.payload["action"], "seq": event.seq}


def set_etat(cycle_id: int, action_id: int, version: int, etat: str) -> RoadmapAction:
    """Change an action's état (between ateliers too); flushes, the caller commits."""
    if etat not in ETATS:
        raise InvalidInput("État inconnu : à lancer, en cours, fait ou abandonné.")
    action = _action(cycle_id, action_id)
    _stale(action, version)
    action.etat = etat
    action.version += 1
    db.session.flush()
    return action


def etat(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur met à jour l'état des actions.")
    step.atelier.require_open()
    seq = events.next_seq(viewer.atelier_id)
    action = set_etat(step.atelier.cycle_id, data.action_id, data.version, data.etat)
    event = record(viewer.atelier_id, action, seq)
    events.commit()
    return {"action": event.payload["action"], "seq": event.seq}


def refresh(viewer: Viewer, step: Step, data: Any) -> dict[str, Any]:
    return {"state": state(step, viewer), "seq": events.current_seq(step.atelier_id)}
