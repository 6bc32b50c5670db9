"""What templates receive: plain dicts of the cycle, its ateliers, structures and people
(STYLE.md §9) — never ORM objects. Jinja reads ``x.attr`` on a dict key, so the templates
read these as they read the models; only the pages' code builds them."""

from __future__ import annotations

from typing import Any

from facilitator.core import planning
from facilitator.models import Animateur, Atelier, Cycle, Participant, Structure


def structure(row: Structure) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "type": row.type,
        "type_label": row.type_label,
        "territoire": row.territoire,
    }


def participant(row: Participant | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "id": row.id,
        "display_name": row.display_name,
        "structure_id": row.structure_id,
        "structure": {"name": row.structure.name} if row.structure else None,
    }


def animateur(row: Animateur) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "email": row.email}


def cycle(row: Cycle, *, ateliers: bool = False, structures: bool = False) -> dict[str, Any]:
    """The cycle's own fields; with its ateliers and / or structures when the page lists
    them."""
    data: dict[str, Any] = {
        "id": row.id,
        "title": row.title,
        "theme": row.theme,
        "territoire": row.territoire,
        "retention_months": row.retention_months,
    }
    if ateliers:
        data["ateliers"] = [atelier(a) for a in row.ateliers]
    if structures:
        data["structures"] = [structure(s) for s in row.structures]
    return data


def atelier(row: Atelier, *, with_cycle: bool = False) -> dict[str, Any]:
    """An atelier's fields; ``with_cycle``: its cycle and the cycle's structures too (the
    pages that show the cycle's title or offer its structures)."""
    data: dict[str, Any] = {
        "id": row.id,
        "cycle_id": row.cycle_id,
        "position": row.position,
        "title": row.title,
        "date": row.date,
        "mode": row.mode,
        "lieu": row.lieu,
        "state": row.state,
        "state_label": row.state_label,
        "join_code": row.join_code,
        "closed_at": row.closed_at,
        "start_time": row.start_time.strftime("%H:%M") if row.start_time else None,
        "duration_minutes": row.duration_minutes,
        "visio_url": row.visio_url,
        "version": row.version,
    }
    status = planning.status_of(row)
    data.update(
        status=status["status"],
        status_label=status["status_label"],
        cancelled=status["cancelled"],
        history=status["history"],
    )
    if with_cycle:
        data["cycle"] = cycle(row.cycle, structures=True)
    return data
