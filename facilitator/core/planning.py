"""Changing an atelier after it is created (issue 16): its title, date and time, length,
place, mode and visio link; postponing it (« reporté », kept in its history), cancelling it
(« annulé »: kept, counted in no figure), restoring it, deleting it while it was never
started, reordering the cycle's ateliers.

Every verb validates everything first (French messages) and changes nothing when one value
is refused; each runs in one ``events.transaction``. Edits carry the version the animateur
saw: a stale one is refused with the fresh state (two animateurs never overwrite each
other). A change of date, time, length, place or status bumps the atelier's ICS
``SEQUENCE`` (core/calendar.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from facilitator.core import attendance, cycles, events
from facilitator.errors import Conflict, DomainError, InvalidInput
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, AtelierState, Contribution, Cycle, Event
from facilitator.models._types import utcnow
from facilitator.models.cycle import MODES
from facilitator.validation import check_date

log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
MIN_DURATION, MAX_DURATION = 15, 720

STATUS_LABELS = {
    "prevu": "prévu",
    "reporte": "reporté",
    "annule": "annulé",
    "en_cours": "en cours",
    "clos": "clos",
}
HISTORY_LABELS = {"reporte": "Reporté", "annule": "Annulé", "retabli": "Rétabli"}


def today() -> date:
    return utcnow().astimezone(PARIS).date()


@dataclass(frozen=True)
class AtelierFields:
    """The editable fields of an atelier, validated (``parse_fields``)."""

    title: str
    date: date | None
    start_time: time | None
    duration_minutes: int | None
    mode: str
    lieu: str
    visio_url: str


def parse_date(raw: str, *, future: bool = False) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        when = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Date invalide : attendu jj/mm/aaaa.") from None
    if future and when < today():
        raise InvalidInput(
            f"La date du {when.strftime('%d/%m/%Y')} est passée : choisissez une date à venir."
        )
    return check_date(when, "La date de l'atelier")  # the sane window (docs/security.md)


def parse_time(raw: str) -> time | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        parsed = time.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Heure invalide : attendu hh:mm (par exemple 09:30).") from None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def parse_duration(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not MIN_DURATION <= int(raw) <= MAX_DURATION:
        raise InvalidInput(
            f"La durée va de {MIN_DURATION} à {MAX_DURATION} minutes (un nombre entier)."
        )
    return int(raw)


def parse_visio(raw: str) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(raw) > 500:
        raise InvalidInput(
            "Le lien de visio doit être une adresse web complète (https://…), "
            "500 caractères au plus."
        )
    return raw


def parse_fields(form: Any, *, new: bool = False, current: Atelier | None = None) -> AtelierFields:
    """Validate the edit form (a mapping of strings). ``new``: a date must be to come; an
    existing atelier keeps a past date it already has (one held, or recorded late)."""
    title = " ".join(str(form.get("title", "")).split())
    if not title:
        raise InvalidInput("Donnez un titre à l'atelier.")
    if len(title) > 200:
        raise InvalidInput("Le titre de l'atelier fait 200 caractères au plus.")
    raw_date = str(form.get("date", ""))
    keeps_date = (
        current is not None
        and current.date is not None
        and (raw_date.strip() == current.date.isoformat())
    )
    when = parse_date(raw_date, future=new or (not keeps_date and _not_held(current)))
    mode = str(form.get("mode", "presentiel"))
    if mode not in MODES:
        raise InvalidInput("Mode inconnu : présentiel, distanciel ou hybride.")
    lieu = " ".join(str(form.get("lieu", "")).split())
    if len(lieu) > 200:
        raise InvalidInput("Le lieu fait 200 caractères au plus.")
    return AtelierFields(
        title=title,
        date=when,
        start_time=parse_time(str(form.get("start_time", ""))),
        duration_minutes=parse_duration(str(form.get("duration_minutes", ""))),
        mode=mode,
        lieu=lieu,
        visio_url=parse_visio(str(form.get("visio_url", ""))),
    )


def _not_held(atelier: Atelier | None) -> bool:
    return atelier is None or atelier.state == AtelierState.PREPARE


def _check_version(atelier: Atelier, version: int | None) -> None:
    if version is not None and version != atelier.version:
        raise Conflict(
            "Un autre animateur a modifié cet atelier entre-temps : voici son état actuel, "
            "refaites votre modification si elle est toujours utile.",
            code="stale",
            fresh=status_of(atelier),
        )


def _calendar_changed(atelier: Atelier, fields: AtelierFields) -> bool:
    return (
        atelier.date != fields.date
        or atelier.start_time != fields.start_time
        or atelier.duration_minutes != fields.duration_minutes
        or atelier.lieu != fields.lieu
        or atelier.title != fields.title
        or atelier.visio_url != fields.visio_url
        or atelier.mode != fields.mode
    )


def _bump(atelier: Atelier) -> None:
    atelier.version += 1


def edit(atelier: Atelier, fields: AtelierFields, *, version: int | None = None) -> None:
    """Change the atelier's planning fields (a started or closed atelier keeps its
    productions and its stored compte rendu: only these fields change)."""
    _check_version(atelier, version)
    with events.transaction():
        if _calendar_changed(atelier, fields):
            atelier.ics_sequence += 1
        mode_changed = atelier.mode != fields.mode
        atelier.title = fields.title
        atelier.date = fields.date
        atelier.start_time = fields.start_time
        atelier.duration_minutes = fields.duration_minutes
        atelier.mode = fields.mode
        atelier.lieu = fields.lieu
        atelier.visio_url = fields.visio_url
        if mode_changed:  # who is « à distance » follows (issue 18)
            attendance.follow_mode(atelier)
        _bump(atelier)
    log.info("atelier %s edited", atelier.id)


def _history(atelier: Atelier, kind: str, by: Animateur, **extra: Any) -> None:
    entry = {"kind": kind, "at": utcnow().isoformat(timespec="seconds"), "by": by.name, **extra}
    atelier.history = [*(atelier.history or []), entry]  # a new list: the JSON is saved


def _require_planned(atelier: Atelier, verb: str) -> None:
    if atelier.state != AtelierState.PREPARE:
        raise DomainError(f"Un atelier commencé ou clos ne peut pas être {verb}.", code="started")


def postpone(
    atelier: Atelier,
    by: Animateur,
    new_date: str,
    new_time: str = "",
    *,
    version: int | None = None,
) -> None:
    """Move the atelier to a new date (to come); « reporté » is kept in its history."""
    _check_version(atelier, version)
    _require_planned(atelier, "reporté")
    if atelier.cancelled:
        raise DomainError("Cet atelier est annulé : rétablissez-le avant de le reporter.")
    when = parse_date(new_date, future=True)
    if when is None:
        raise InvalidInput("Indiquez la nouvelle date de l'atelier.")
    at = parse_time(new_time) if new_time.strip() else atelier.start_time
    if when == atelier.date and at == atelier.start_time:
        raise InvalidInput("La nouvelle date est celle prévue : rien à reporter.")
    with events.transaction():
        _history(
            atelier,
            "reporte",
            by,
            **{"from": atelier.date.isoformat() if atelier.date else None, "to": when.isoformat()},
        )
        atelier.date = when
        atelier.start_time = at
        atelier.ics_sequence += 1
        _bump(atelier)
    log.info("atelier %s postponed to %s", atelier.id, when)


def cancel(atelier: Atelier, by: Animateur, *, version: int | None = None) -> None:
    """« Annulé »: kept in the cycle, its join code expires, counted in no figure."""
    _check_version(atelier, version)
    _require_planned(atelier, "annulé")
    if atelier.cancelled:
        raise DomainError("Cet atelier est déjà annulé.")
    with events.transaction():
        atelier.cancelled_at = utcnow()
        atelier.join_code = None
        _history(atelier, "annule", by)
        atelier.ics_sequence += 1
        _bump(atelier)
    log.info("atelier %s cancelled", atelier.id)


def restore(atelier: Atelier, by: Animateur, *, version: int | None = None) -> None:
    """Undo a cancellation (a new join code)."""
    _check_version(atelier, version)
    if not atelier.cancelled:
        raise DomainError("Cet atelier n'est pas annulé.")
    with events.transaction():
        atelier.cancelled_at = None
        atelier.join_code = cycles.unique_code()
        _history(atelier, "retabli", by)
        atelier.ics_sequence += 1
        _bump(atelier)
    log.info("atelier %s restored", atelier.id)


def never_started(atelier: Atelier) -> bool:
    """Never started and nothing written in it (a step open between ateliers may hold
    cards even before the atelier starts)."""
    if atelier.state != AtelierState.PREPARE or atelier.started_at is not None:
        return False
    if db.session.scalar(select(exists().where(Contribution.atelier_id == atelier.id))):
        return False
    # a step opened between ateliers may hold what its activity keeps in its own tables
    # (proposals, actors, amendments…), all deleted with the atelier
    opened = exists().where(Event.atelier_id == atelier.id, Event.type == "step.async")
    return not db.session.scalar(select(opened))


def delete(atelier: Atelier, *, version: int | None = None) -> str:
    """Delete an atelier that never started; the others' positions close the gap."""
    _check_version(atelier, version)
    if not never_started(atelier):
        raise DomainError(
            "Cet atelier a commencé ou contient des contributions : il ne peut pas être "
            "supprimé. Vous pouvez l'annuler (il reste dans le cycle, marqué « annulé »).",
            code="started",
        )
    title, cycle = atelier.title, atelier.cycle
    with events.transaction():
        cycle.ateliers.remove(atelier)  # delete-orphan
        db.session.flush()
        _renumber(cycle)
    log.info("atelier %r deleted from cycle %s", title, cycle.id)
    return title


def _renumber(cycle: Cycle) -> None:
    for index, atelier in enumerate(sorted(cycle.ateliers, key=lambda a: a.position), 1):
        atelier.position = index


def move(atelier: Atelier, offset: int) -> None:
    """Move the atelier ``offset`` places (−1: earlier, +1: later) in its cycle."""
    if offset not in (-1, 1):
        raise InvalidInput("Déplacement invalide.")
    ordered = sorted(atelier.cycle.ateliers, key=lambda a: a.position)
    index = ordered.index(atelier)
    target = index + offset
    if not 0 <= target < len(ordered):
        where = "premier" if offset < 0 else "dernier"
        raise InvalidInput(f"Cet atelier est déjà le {where} du cycle.")
    with events.transaction():
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered, 1):
            item.position = position
    log.info("atelier %s moved by %s", atelier.id, offset)


def _fr_date(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _history_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """One history entry with its French label and dates (jj/mm/aaaa)."""
    kind = str(entry.get("kind", ""))
    return {
        **entry,
        "label": HISTORY_LABELS.get(kind, kind),
        "at_fr": _fr_date(entry.get("at")),
        "from_fr": _fr_date(entry.get("from")),
        "to_fr": _fr_date(entry.get("to")),
    }


def status_of(atelier: Atelier) -> dict[str, Any]:
    """The atelier's planning as plain data (pages, documents, the ICS file): ``status``
    (prevu / reporte / annule / en_cours / clos), its French label and its history."""
    if atelier.cancelled:
        status = "annule"
    elif atelier.state != AtelierState.PREPARE:
        status = str(atelier.state)
    elif any(h.get("kind") == "reporte" for h in atelier.history or []):
        status = "reporte"
    else:
        status = "prevu"
    return {
        "status": status,
        "status_label": STATUS_LABELS[status],
        "cancelled": atelier.cancelled,
        "history": [_history_entry(entry) for entry in atelier.history or []],
        "version": atelier.version,
        "date": atelier.date.isoformat() if atelier.date else None,
        "start_time": atelier.start_time.strftime("%H:%M") if atelier.start_time else None,
        "title": atelier.title,
        "lieu": atelier.lieu,
        "mode": atelier.mode,
    }
