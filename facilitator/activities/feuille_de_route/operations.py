"""Live verbs of the ``feuille_de_route`` activity (docs/activities/
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

from sqlalchemy import select

from facilitator.activities.feuille_de_route import schemas, views
from facilitator.activities.feuille_de_route.models import ETATS, RoadmapAction, RoadmapVote
from facilitator.activities.feuille_de_route.views import (
    PHASES,
    action_dict,
    phase,
    tallies,
    vote_rules,
)
from facilitator.core import events, group_rows, groups
from facilitator.core import live as live_common
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.errors import Conflict, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Step, Structure
from facilitator.validation import Empty

log = logging.getLogger(__name__)

MAX_INTITULE = 300
MAX_TEXT = 1000


# --- helpers ---------------------------------------------------------------------------------


def _record(change: events.LiveChange, a: RoadmapAction) -> events.Event:
    """The action's ``roadmap.action`` event (the same for everyone who may see it: a
    sub-group's proposal reaches that group, the animateurs and the wall)."""
    db.session.flush()
    db.session.refresh(a, ["contributeurs"])
    return change.record(
        "roadmap.action",
        {"action": action_dict(a)},
        group_id=group_rows.audience(change.atelier_id, a.group_id),
    )


def _answer(event: events.Event) -> dict[str, Any]:
    return {"action": event.payload["action"], "seq": event.seq}


GONE = "Cette action n'existe plus dans la feuille de route."


def _action(cycle_id: int, action_id: int, viewer: Viewer | None = None) -> RoadmapAction:
    """An action of the cycle; for ``viewer``, one they may see (another sub-group's
    proposal does not exist for a participant while the groups work apart, issue 18)."""
    action = db.session.get(RoadmapAction, action_id)
    if action is None or action.cycle_id != cycle_id:
        raise NotFound(GONE)
    if viewer is not None:
        group_rows.require_sees(viewer, action.group_id, action.participant_id, GONE)
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


def _texts(data: schemas.Fields, confirmed: bool) -> dict[str, Any]:
    """Validated free-text fields present in ``data`` (personal data checked together)."""
    out: dict[str, Any] = {}
    if data.intitule is not None:
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
    joined = "\n".join(v for v in out.values() if v)  # a field per line (privacy)
    if joined:
        live_common.check_privacy(joined, confirmed)
    return out


def _apply(
    cycle_id: int, action: RoadmapAction, data: schemas.Fields, fields: dict[str, Any]
) -> None:
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


def propose(viewer: Viewer, step: Step, data: schemas.Propose) -> dict[str, Any]:
    live_common.require_writer(viewer, step)
    if not viewer.is_animateur and phase(step) != "propositions":
        raise InvalidInput(
            "Les propositions sont closes : l'animateur est passé au vote.", code="phase"
        )
    cycle_id = step.atelier.cycle_id
    once = live_common.cycle_add(
        viewer, RoadmapAction, cycle_id, data.client_id, lambda a: {"action": action_dict(a)}
    )
    if (again := once.retried()) is not None:
        return again
    fields = _texts(data, data.confirm_personal)
    parse_echeance(data.echeance)  # refused before anything is written
    group_id = group_rows.new_group(viewer, step)
    asked = group_rows.question_of(group_id) if data.question_id is None else None
    if asked is not None:  # a group working on a question: its proposals serve it
        data = data.model_copy(update={"question_id": asked})
    with events.live_change(viewer.atelier_id) as change:
        action = RoadmapAction(
            cycle_id=cycle_id,
            client_id=data.client_id,
            participant_id=viewer.participant_id,
            atelier_id=viewer.atelier_id,
            etat="a_lancer",
            status="proposee",
            version=1,
            intitule="",
            group_id=group_id,
        )
        _apply(cycle_id, action, data, fields)
        again = once.insert(action)
        if again is not None:  # a retry that raced the first proposal: rolled back, no event
            return again
        event = _record(change, action)
    log.info("roadmap action %s proposed in cycle %s", action.id, cycle_id)
    return _answer(event)


def _may_change(viewer: Viewer, step: Step, action: RoadmapAction) -> None:
    live_common.require_writer(viewer, step)
    if viewer.is_animateur:
        return
    if action.participant_id != viewer.participant_id:
        raise Forbidden("Vous ne pouvez modifier que vos propres propositions.")
    if action.group_id is None and group_rows.working_apart(viewer, step):
        # a plenary action has no group: the change would reach every other group
        raise InvalidInput(
            "Pendant le travail en groupes, vos propositions faites en plénière ne se modifient "
            "pas : elles se reprennent après la mise en commun.",
            code="groups_apart",
        )
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


def edit(viewer: Viewer, step: Step, data: schemas.Edit) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    action = _action(cycle_id, data.action_id, viewer)
    _may_change(viewer, step, action)
    _stale(action, data.version)
    fields = _texts(data, data.confirm_personal)
    with events.live_change(viewer.atelier_id) as change:
        _apply(cycle_id, action, data, fields)
        if action.status == "validee" and action.pilote_id is None:
            raise InvalidInput(
                "Une action validée garde un pilote : choisissez-en un autre.", code="sans_pilote"
            )
        action.version += 1
        event = _record(change, action)
    return _answer(event)


def remove(viewer: Viewer, step: Step, data: schemas.ActionRef) -> dict[str, Any]:
    action = _action(step.atelier.cycle_id, data.action_id, viewer)
    _may_change(viewer, step, action)
    payload = {"action_id": data.action_id}
    audience = group_rows.audience(viewer.atelier_id, action.group_id)
    with events.live_change(viewer.atelier_id) as change:
        db.session.delete(action)
        event = change.record("roadmap.action_deleted", payload, group_id=audience)
    return {**payload, "seq": event.seq}


PLENARY_VOTE = (
    "Le vote de priorité se fait en plénière : clôturez le travail en groupes puis "
    "fusionnez-les (mise en commun) avant de passer au vote."
)


def set_phase(viewer: Viewer, step: Step, data: schemas.Phase) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur change de phase.")
    step.atelier.require_open()
    if data.phase != PHASES[0] and groups.separate(step):
        raise InvalidInput(PLENARY_VOTE, code="groups_apart")
    return live_common.set_phase(viewer, step, data.phase, PHASES[0], "roadmap.phase", tallies)


def vote(viewer: Viewer, step: Step, data: schemas.Vote) -> dict[str, Any]:
    live_common.require_vote_open(viewer, step, PHASES[0], "Le vote de priorité n'est pas ouvert.")
    if groups.separate(step):  # a phase set before the step was switched to groups
        raise InvalidInput(PLENARY_VOTE, code="groups_apart")
    action = _action(step.atelier.cycle_id, data.action_id, viewer)
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


def validate(viewer: Viewer, step: Step, data: schemas.Validate) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur valide les actions.")
    step.atelier.require_open()
    action = _action(step.atelier.cycle_id, data.action_id)
    if data.validated and action.pilote_id is None:
        raise InvalidInput(
            "Cette action n'a pas de pilote : désignez la structure qui la pilote avant de la "
            "valider (elle reste en brouillon, signalée « sans pilote »).",
            code="sans_pilote",
        )
    with events.live_change(viewer.atelier_id) as change:
        action.status = "validee" if data.validated else "proposee"
        action.version += 1
        event = _record(change, action)
    return _answer(event)


def set_etat(cycle_id: int, action_id: int, version: int, etat: str) -> RoadmapAction:
    """Change an action's état (between ateliers too); flushes, the caller's change
    (``live_change`` in an atelier, ``transaction`` on the cycle's page) commits."""
    if etat not in ETATS:
        raise InvalidInput("État inconnu : à lancer, en cours, fait ou abandonné.")
    action = _action(cycle_id, action_id)
    _stale(action, version)
    action.etat = etat
    action.version += 1
    db.session.flush()
    return action


def etat(viewer: Viewer, step: Step, data: schemas.Etat) -> dict[str, Any]:
    live_common.require_animateur(viewer, "Seul l'animateur met à jour l'état des actions.")
    step.atelier.require_open()
    with events.live_change(viewer.atelier_id) as change:
        action = set_etat(step.atelier.cycle_id, data.action_id, data.version, data.etat)
        event = _record(change, action)
    return _answer(event)


def refresh(viewer: Viewer, step: Step, data: Empty) -> dict[str, Any]:
    return {"state": views.state(step, viewer), "seq": events.current_seq(step.atelier_id)}
