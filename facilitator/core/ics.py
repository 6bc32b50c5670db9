"""The cycle's calendar (issue 16): one VEVENT per dated atelier, with the icalendar
library. The same atelier always has the same UID; its SEQUENCE (``Atelier.ics_sequence``)
grows at every change of date, time, place or status, so calendars update the event in
place; a cancelled atelier is sent with STATUS:CANCELLED.

``atelier_ics(atelier)`` returns one atelier's file (the e-mail helper attaches it);
``cycle_ics(cycle)`` the feed of all its dated ateliers."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, request
from icalendar import Calendar, Event

from facilitator.errors import NotFound
from facilitator.models import Atelier, Cycle
from facilitator.models._types import utcnow
from facilitator.models.cycle import MODES

PRODID = "-//facilitator//ateliers//FR"
#: the length of an atelier whose length is not given: a half-day
DEFAULT_MINUTES = 180
TZID = "Europe/Paris"


def _domain() -> str:
    """The UID's domain: the public host when known (stable across restarts)."""
    base = current_app.config.get("PUBLIC_URL") or (request.host_url if request else "")
    return urlsplit(base).hostname or "facilitator.invalid"


def uid(atelier: Atelier) -> str:
    return f"atelier-{atelier.id}-{atelier.created_at:%Y%m%dT%H%M%S}@{_domain()}"


def _calendar(name: str, method: str = "PUBLISH") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    return cal


def _minutes(atelier: Atelier) -> int:
    if atelier.duration_minutes:
        return atelier.duration_minutes
    script_minutes = (atelier.script_snapshot or {}).get("duration")
    return script_minutes if isinstance(script_minutes, int) else DEFAULT_MINUTES


def _event(atelier: Atelier) -> Event | None:
    if atelier.date is None:
        return None
    event = Event()
    event.add("uid", uid(atelier))
    event.add("dtstamp", utcnow())
    event.add("sequence", atelier.ics_sequence)
    event.add("summary", f"{atelier.title} — {atelier.cycle.title}")
    if atelier.start_time is None:  # the day only
        event.add("dtstart", atelier.date)
        event.add("dtend", atelier.date + timedelta(days=1))
    else:
        start = datetime.combine(atelier.date, atelier.start_time, tzinfo=ZoneInfo(TZID))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=_minutes(atelier)))
    if atelier.lieu:
        event.add("location", atelier.lieu)
    lines = [f"Atelier {atelier.position} du cycle « {atelier.cycle.title} »."]
    lines.append(f"Mode : {MODES.get(atelier.mode, atelier.mode)}.")
    remote = atelier.mode in ("distanciel", "hybride") and atelier.visio_url
    if remote:
        lines.append(f"Lien de visio : {atelier.visio_url}")
        event.add("url", atelier.visio_url)
    if atelier.cancelled:
        lines.insert(0, "ATELIER ANNULÉ.")
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if atelier.cancelled else "CONFIRMED")
    return event


def _with_timezone(cal: Calendar) -> Calendar:
    if any(isinstance(c, Event) and c.get("dtstart") is not None for c in cal.subcomponents):
        cal.add_missing_timezones()
    return cal


def atelier_ics(atelier: Atelier, method: str = "PUBLISH") -> bytes:
    """One atelier's ICS file (NotFound when it has no date yet). ``method``: ``CANCEL``
    for the cancellation sent by e-mail (RFC 5546: same UID, higher SEQUENCE,
    STATUS:CANCELLED)."""
    event = _event(atelier)
    if event is None:
        raise NotFound("Cet atelier n'a pas encore de date : pas de fichier de calendrier.")
    cal = _calendar(atelier.cycle.title, method)
    cal.add_component(event)
    return _with_timezone(cal).to_ical()


def cycle_ics(cycle: Cycle) -> bytes:
    """The feed of the cycle: every dated atelier, cancelled ones included (so that
    calendars that had them mark them cancelled)."""
    cal = _calendar(cycle.title)
    for atelier in cycle.ateliers:
        event = _event(atelier)
        if event is not None:
            cal.add_component(event)
    return _with_timezone(cal).to_ical()
