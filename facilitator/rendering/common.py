"""Pieces shared by several documents: attendance tables, file names, colophon."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from facilitator.rendering import fr
from facilitator.rendering.context import AtelierInfo, CycleInfo, Presence
from facilitator.rendering.model import Table, table

NO_TYPE = "Type non renseigné"


def slug(text: str, limit: int = 60) -> str:
    """ASCII file-name part: ``Prévenir le décrochage`` → ``prevenir-le-decrochage``."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return out[:limit].rstrip("-") or "document"


def colophon(generated_at: datetime, source: str) -> str:
    return (
        f"Document généré automatiquement par facilitator le {fr.datetime_long(generated_at)} "
        f"à partir {source}."
    )


def cycle_facts(cycle: CycleInfo) -> list[tuple[str, str]]:
    facts = [("Cycle", cycle.title)]
    if cycle.theme:
        facts.append(("Thème", cycle.theme))
    if cycle.territoire:
        facts.append(("Territoire", cycle.territoire))
    label = "Animateur" if len(cycle.animateurs) < 2 else "Animateurs"
    facts.append((label, fr.join(cycle.animateurs) or "non renseigné"))
    return facts


def atelier_when(info: AtelierInfo, *, long: bool = False) -> str:
    """When an atelier takes place, as every document prints it: ``14 janvier 2025``
    (``long``: ``mardi 14 janvier 2025``), "" when no date is set. The one place to say
    that an atelier was postponed or cancelled."""
    if info.date is None:
        return "date à préciser" if long else ""
    when = fr.date_long(info.date) if long else fr.date_medium(info.date)
    if info.cancelled:
        return f"annulé (prévu le {when})"
    if info.postponed_from is not None and info.postponed_from != info.date:
        return f"{when}, reporté du {fr.date_medium(info.postponed_from)}"
    return when


def atelier_heading(info: AtelierInfo) -> str:
    """``Atelier 2 — Vos attentes (14 janvier 2025)``."""
    when = atelier_when(info)
    return f"Atelier {info.number} — {info.title}" + (f" ({when})" if when else "")


def type_label(types: dict[str, str], key: str) -> str:
    return types.get(key, key) if key else NO_TYPE


def presence_by_type(
    presences: Iterable[Presence], types: dict[str, str], caption: str, key: str
) -> Table:
    """Participants and structures present, per type of structure (types present only)."""
    people: Counter[str] = Counter()
    structures: dict[str, set[str]] = {}
    for p in presences:
        people[p.structure_type] += 1
        structures.setdefault(p.structure_type, set()).add(p.structure)
    order = list(types) + sorted(k for k in people if k not in types)
    rows = [
        (type_label(types, k), fr.number(people[k]), fr.number(len(structures[k])))
        for k in order
        if people[k]
    ]
    rows.append(
        (
            "Total",
            fr.number(sum(people.values())),
            fr.number(len({p for s in structures.values() for p in s})),
        )
    )
    return table(
        key,
        caption,
        ["Type de structure", "Participants", "Structures"],
        rows,
        numeric=(1, 2),
        widths=(60, 20, 20),
    )
