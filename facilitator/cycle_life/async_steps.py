"""Between ateliers (issue 9, docs/cycle-life.md): steps opened for asynchronous
contributions until a date, the participant's cycle page (visits, « ce qui a changé depuis
votre dernière visite »).

The rule: a step whose ``async_until`` is in the future is writable by the cycle's
participants whatever the state of its atelier (préparé, en cours, clos), whichever step is
current, locked or not (``Step.require_writable``); every activity type goes through that
check (``live_common.require_writer``)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from facilitator.activities.cartographie.models import Actor, Relation
from facilitator.activities.charte.models import CharteAmendment, CharteVersion
from facilitator.activities.feuille_de_route.models import RoadmapAction
from facilitator.core import events
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Event, Participant, Step, Structure
from facilitator.models._types import utcnow
from facilitator.models.cycle_life import ParticipantVisit, Restitution, StructureProfile
from facilitator.models.questions import QuestionEssentielle

log = logging.getLogger(__name__)

#: deadlines are given as a day, in the users' time zone; open until the end of that day
TIMEZONE = ZoneInfo("Europe/Paris")
MAX_DAYS = 366
#: a new visit starts after this long without opening the page (a reload is not a visit)
VISIT_GAP = timedelta(minutes=30)


def deadline_of(day: date) -> datetime:
    """The end of ``day`` in Paris, as an aware UTC datetime."""
    end = datetime.combine(day, time(23, 59, 59), tzinfo=TIMEZONE)
    return end.astimezone(ZoneInfo("UTC"))


def local_day(moment: datetime) -> date:
    return moment.astimezone(TIMEZONE).date()


def step_in_cycle(cycle_id: int, step_id: int) -> Step:
    step = db.session.get(Step, step_id)
    if step is None or step.atelier.cycle_id != cycle_id:
        raise NotFound("Étape introuvable dans ce cycle.")
    return step


def open_async(step: Step, day: date) -> Step:
    """Open ``step`` for asynchronous contributions until the end of ``day``."""
    until = deadline_of(day)
    now = utcnow()
    if until <= now:
        raise InvalidInput("La date limite est passée : choisissez une date à venir.")
    if until - now > timedelta(days=MAX_DAYS):
        raise InvalidInput("La date limite est à plus d'un an : choisissez une date plus proche.")
    _set_async(step, until)
    log.info("step %s open for asynchronous contributions until %s", step.id, until)
    return step


def close_async(step: Step) -> Step:
    _set_async(step, None)
    return step


def _set_async(step: Step, until: datetime | None) -> None:
    with events.live_change(step.atelier_id) as change:
        step.async_until = until
        payload = {
            "step_id": step.id,
            "title": step.title,
            "async_until": until.isoformat() if until else None,
        }
        change.record("step.async", payload)


def step_view(step: Step) -> dict[str, Any]:
    until = step.async_until
    return {
        "id": step.id,
        "title": step.title,
        "consigne": step.consigne,
        "type": step.type,
        "atelier_id": step.atelier_id,
        "atelier": step.atelier.title,
        "atelier_number": step.atelier.position,
        "until": until,
        "until_day": local_day(until) if until else None,
        "open": step.async_open,
        "charte": charte_summary(step) if step.type == "charte" else None,
    }


def charte_summary(step: Step) -> dict[str, Any]:
    """Where a charte step stands, for the between-ateliers pages: its phase, the cycle's
    current version and the amendments waiting for a decision. Participants propose only in
    the « Amendements » phase, on a draft (docs/activities/charte.md)."""
    from facilitator.activities.charte import views as charte_views

    version = charte_views.latest(step.atelier.cycle_id)
    phase = charte_views.phase(step)
    pending = 0
    if version is not None:
        pending = _count(
            CharteAmendment,
            CharteAmendment.version_id == version.id,
            CharteAmendment.status.in_(("proposee", "en_vote")),
        )
    return {
        "phase": phase,
        "phase_label": charte_views.PHASE_LABELS.get(phase, phase),
        "number": version.number if version else None,
        "status_label": (
            charte_views.VERSION_STATUSES.get(version.status, version.status).lower()
            if version
            else ""
        ),
        "pending": pending,
        "amendable": bool(version and version.status == "brouillon" and phase == "amendements"),
    }


def async_steps(cycle_id: int, *, open_only: bool = True) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Step)
        .join(Atelier, Atelier.id == Step.atelier_id)
        .where(Atelier.cycle_id == cycle_id, Step.async_until.is_not(None))
        .order_by(Step.async_until, Step.id)
    ).all()
    return [step_view(s) for s in rows if s.async_open or not open_only]


def all_steps(cycle_id: int) -> list[dict[str, Any]]:
    """Every step of the cycle, atelier by atelier (the animateur's page)."""
    rows = db.session.scalars(
        select(Step)
        .join(Atelier, Atelier.id == Step.atelier_id)
        .where(Atelier.cycle_id == cycle_id)
        .order_by(Atelier.position, Atelier.id, Step.position)
    ).all()
    return [step_view(s) for s in rows]


# --- visits and what changed -------------------------------------------------------------


def _visit_row(participant: Participant) -> ParticipantVisit | None:
    return db.session.scalar(
        select(ParticipantVisit).where(ParticipantVisit.participant_id == participant.id)
    )


def _starts_a_visit(row: ParticipantVisit, now: datetime) -> bool:
    """A reload within ``VISIT_GAP`` is the same visit."""
    return now - row.last_at > VISIT_GAP


def visit_since(participant: Participant, now: datetime | None = None) -> datetime | None:
    """When the visit before this one began (None: first visit) — what « ce qui a changé »
    is measured from. Reads only (the page's GET); ``record_visit`` writes the visit."""
    row = _visit_row(participant)
    if row is None:
        return None
    return row.last_at if _starts_a_visit(row, now or utcnow()) else row.previous_at


def record_visit(participant: Participant, now: datetime | None = None) -> None:
    """Record a visit of the cycle page (the page posts it once it is shown). Commits."""
    now = now or utcnow()
    with events.transaction():
        row = _visit_row(participant)
        if row is None:
            db.session.add(
                ParticipantVisit(participant_id=participant.id, previous_at=None, last_at=now)
            )
        elif _starts_a_visit(row, now):
            row.previous_at = row.last_at
            row.last_at = now


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def changes_since(
    cycle_id: int, since: datetime | None, participant_id: int | None = None
) -> list[str]:
    """What happened in the cycle since ``since``, as French lines (from the event log and
    the productions' timestamps); the participant's own cards are not news to them.
    ``since`` None: the participant's first visit."""
    if since is None:
        return []
    ateliers = db.session.scalars(select(Atelier).where(Atelier.cycle_id == cycle_id)).all()
    ids = [a.id for a in ateliers]
    out: list[str] = []
    closed = [a for a in ateliers if a.closed_at and a.closed_at > since]
    for atelier in sorted(closed, key=lambda a: a.position):
        out.append(f"L'atelier « {atelier.title} » s'est tenu : son compte rendu est disponible.")
    if ids:
        types = Counter(
            dict(
                db.session.execute(
                    select(Event.type, func.count())
                    .where(Event.atelier_id.in_(ids), Event.created_at > since)
                    .group_by(Event.type)
                ).all()
            )
        )
        cards = db.session.scalar(
            select(func.count())
            .select_from(Contribution)
            .where(
                Contribution.atelier_id.in_(ids),
                Contribution.created_at > since,
                Contribution.deleted.is_(False),
                or_(
                    Contribution.participant_id.is_(None),
                    Contribution.participant_id != (participant_id or 0),
                ),
            )
        )
        if cards:
            out.append(_plural(cards, "nouvelle contribution", "nouvelles contributions") + ".")
        if types.get("step.async"):
            out.append("De nouvelles étapes sont ouvertes aux contributions (voir ci-dessous).")
    questions = db.session.scalar(
        select(func.count())
        .select_from(QuestionEssentielle)
        .where(QuestionEssentielle.cycle_id == cycle_id, QuestionEssentielle.updated_at > since)
    )
    if questions:
        out.append(
            _plural(
                questions,
                "question essentielle validée ou modifiée",
                "questions essentielles validées ou modifiées",
            )
            + "."
        )
    actors = db.session.scalar(
        select(func.count())
        .select_from(Actor)
        .where(Actor.cycle_id == cycle_id, Actor.updated_at > since)
    )
    relations = db.session.scalar(
        select(func.count())
        .select_from(Relation)
        .where(Relation.cycle_id == cycle_id, Relation.updated_at > since)
    )
    if actors or relations:
        out.append(
            "La cartographie a changé : "
            + _plural(actors or 0, "acteur", "acteurs")
            + " et "
            + _plural(relations or 0, "relation", "relations")
            + " ajoutés ou modifiés."
        )
    out.extend(_productions_since(cycle_id, since))
    amendments = _count(
        CharteAmendment,
        CharteAmendment.version_id.in_(
            select(CharteVersion.id).where(CharteVersion.cycle_id == cycle_id)
        ),
        CharteAmendment.created_at > since,
        or_(
            CharteAmendment.participant_id.is_(None),
            CharteAmendment.participant_id != (participant_id or 0),
        ),
    )
    if amendments:
        out.append(
            _plural(amendments, "amendement", "amendements")
            + " de la charte "
            + ("proposé." if amendments == 1 else "proposés.")
        )
    return out


def _count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _productions_since(cycle_id: int, since: datetime) -> list[str]:
    """Charte, feuille de route, répertoire, restitution: what changed since ``since``."""
    out: list[str] = []
    adopted = db.session.scalars(
        select(CharteVersion.number).where(
            CharteVersion.cycle_id == cycle_id,
            CharteVersion.status == "adoptee",
            CharteVersion.closed_at > since,
        )
    ).all()
    for number in adopted:
        out.append(f"La charte (version {number}) a été adoptée.")
    drafts = _count(
        CharteVersion, CharteVersion.cycle_id == cycle_id, CharteVersion.created_at > since
    )
    if drafts and not adopted:
        out.append(_plural(drafts, "nouvelle version", "nouvelles versions") + " de la charte.")
    actions = _count(
        RoadmapAction, RoadmapAction.cycle_id == cycle_id, RoadmapAction.updated_at > since
    )
    if actions:
        out.append(
            _plural(actions, "action", "actions")
            + " de la feuille de route "
            + ("ajoutée ou modifiée." if actions == 1 else "ajoutées ou modifiées.")
        )
    fiches = _count(
        StructureProfile,
        StructureProfile.structure_id.in_(
            select(Structure.id).where(Structure.cycle_id == cycle_id)
        ),
        StructureProfile.updated_at > since,
        StructureProfile.version > 1,
    )
    if fiches:
        out.append(
            _plural(fiches, "fiche", "fiches")
            + " du répertoire des acteurs "
            + ("mise à jour." if fiches == 1 else "mises à jour.")
        )
    if _count(
        Restitution,
        Restitution.cycle_id == cycle_id,
        Restitution.published.is_(True),
        Restitution.published_at > since,
    ):
        out.append("La restitution publique du cycle a été publiée (lien ci-dessous).")
    return out


def latest_compte_rendu(cycle_id: int) -> dict[str, Any] | None:
    """The most recent closed atelier of the cycle (its compte rendu is readable)."""
    atelier = db.session.scalar(
        select(Atelier)
        .where(Atelier.cycle_id == cycle_id, Atelier.state == "clos")
        .order_by(Atelier.closed_at.desc(), Atelier.position.desc())
        .limit(1)
    )
    if atelier is None:
        return None
    return {"atelier_id": atelier.id, "title": atelier.title, "closed_at": atelier.closed_at}
