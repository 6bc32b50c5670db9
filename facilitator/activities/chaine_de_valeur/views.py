"""What each audience sees of the ``chaine_de_valeur`` activity: plain dicts of the chains
(the same for every role: chains are shared productions of the cycle — but another
sub-group's chains are left out for a participant while the groups work apart, issue 18)
and the écosystème view that aggregates them by question essentielle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from facilitator.activities.chaine_de_valeur.models import (
    CHAINE_EXTRA,
    CHAINE_SUBJECTS,
    CIBLES,
    ChaineItem,
    ChaineValeur,
)
from facilitator.activities.chaine_de_valeur.settings import CHAINE_LEVELS
from facilitator.core import group_rows
from facilitator.core import questions as productions
from facilitator.core.events import Viewer
from facilitator.core.participants import structures
from facilitator.extensions import db
from facilitator.models import Participant, Step

LABELS = {"levels": CHAINE_LEVELS, "extra": CHAINE_EXTRA, "cibles": CIBLES}


def item_dict(i: ChaineItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "level": i.level,
        "cible": i.cible,
        "text": i.text,
        "structure_id": i.structure_id,
        "version": i.version,
        "author_id": i.participant_id,
    }


def chaine_dict(c: ChaineValeur) -> dict[str, Any]:
    return {
        "id": c.id,
        "subject": c.subject,
        "title": c.title,
        "structure_id": c.structure_id,
        "question_ids": [q.id for q in c.questions],
        "validated": c.validated,
        "version": c.version,
        "author_id": c.participant_id,
        # the sub-group it was written in (issue 18), kept after the mise en commun
        "group_id": c.group_id,
        "items": [item_dict(i) for i in c.items],
        "links": [
            {"id": x.id, "source_id": x.source_id, "target_id": x.target_id} for x in c.links
        ],
    }


def load_chaines(cycle_id: int) -> list[ChaineValeur]:
    return list(
        db.session.scalars(
            select(ChaineValeur).where(ChaineValeur.cycle_id == cycle_id).order_by(ChaineValeur.id)
        )
    )


def levels_of(step: Step) -> list[dict[str, str]]:
    """The links this step shows, in order (settings ``levels``; all five by default)."""
    configured = (step.settings or {}).get("levels") or [{"id": k} for k in CHAINE_LEVELS]
    return [
        {"id": lv["id"], "label": lv.get("label") or CHAINE_LEVELS[lv["id"]]} for lv in configured
    ]


def my_structure(viewer: Viewer) -> int | None:
    """The structure of the participant asking (None for animateurs and read-only links)."""
    if viewer.participant_id is None:
        return None
    participant = db.session.get(Participant, viewer.participant_id)
    return participant.structure_id if participant else None


def ecosystem(
    chaines: Iterable[dict[str, Any]],
    questions: list[dict[str, Any]],
    names: dict[int, str],
) -> list[dict[str, Any]]:
    """The chains aggregated by question essentielle (active ones, then « sans question »):
    for each, the chains that serve it and, per link of the chain, who contributes what."""
    chaines = list(chaines)
    groups: list[dict[str, Any]] = []
    active = [q for q in questions if q["active"]]
    known = {q["id"] for q in active}
    buckets: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]] = [
        (q, [c for c in chaines if q["id"] in c["question_ids"]]) for q in active
    ]
    loose = [c for c in chaines if not known.intersection(c["question_ids"])]
    if loose:
        buckets.append((None, loose))
    for question, members in buckets:
        by_level: dict[str, list[dict[str, Any]]] = {k: [] for k in [*CHAINE_LEVELS, "objectif"]}
        contributors: set[str] = set()
        for c in members:
            for item in c["items"]:
                if item["level"] not in by_level:
                    continue
                who = names.get(item["structure_id"] or c["structure_id"] or 0, "")
                if who:
                    contributors.add(who)
                by_level[item["level"]].append(
                    {"text": item["text"], "structure": who, "chaine": c["title"]}
                )
        groups.append(
            {
                "question": question,
                "chaine_ids": [c["id"] for c in members],
                "contributors": sorted(contributors, key=str.casefold),
                "levels": by_level,
            }
        )
    return groups


def state(step: Step, viewer: Viewer) -> dict[str, Any]:
    cycle_id = step.atelier.cycle_id
    settings = step.settings or {}
    chaines = load_chaines(cycle_id)
    hidden = group_rows.hidden(viewer, (c.group_id for c in chaines))
    shown = [chaine_dict(c) for c in chaines if c.group_id not in hidden]
    return {
        "questions": productions.questions_list(cycle_id),
        "chaines": shown,
        # what the sub-groups' grid, wall and counts read (static/js/groups.js): one entry
        # per chain and per item of a group's chain, rebuilt by the reducers
        "group_items": "group_entries",
        "group_entries": group_entries(shown),
        "structures": structures(cycle_id),
        "levels": levels_of(step),
        "labels": {**LABELS, "subjects": CHAINE_SUBJECTS},
        "subject": settings.get("subject", "libre"),
        "view": settings.get("view", "chaine"),
        "my_structure_id": my_structure(viewer),
    }


def group_entries(chaines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The grouped entries of the chains (``static/js/activities/chaine_de_valeur/
    reducers.js`` builds the same): a group's chain, then each of its items, as texts."""
    labels = {**CHAINE_LEVELS, **CHAINE_EXTRA}
    out: list[dict[str, Any]] = []
    for c in chaines:
        if c["group_id"] is None:
            continue
        out.append({"id": f"c{c['id']}", "group_id": c["group_id"], "text": c["title"]})
        for i in c["items"]:
            text = f"{c['title']} → {labels.get(i['level'], i['level'])} : {i['text']}"
            out.append({"id": f"i{i['id']}", "group_id": c["group_id"], "text": text})
    return out


def _group_chaines(step: Step) -> list[ChaineValeur]:
    ids = group_rows.of_step(step)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(ChaineValeur).where(ChaineValeur.group_id.in_(ids)).order_by(ChaineValeur.id)
        )
    )


def group_counts(step: Step) -> dict[int, int]:
    """Sub-group of ``step`` → its chains and their items (the console's counts)."""
    out: dict[int, int] = {}
    for entry in group_entries(chaine_dict(c) for c in _group_chaines(step)):
        out[entry["group_id"]] = out.get(entry["group_id"], 0) + 1
    return out


def group_texts(step: Step) -> dict[int, list[str]]:
    """Sub-group of ``step`` → its chains and their items, as texts (the compte rendu)."""
    out: dict[int, list[str]] = {}
    for entry in group_entries(chaine_dict(c) for c in _group_chaines(step)):
        out.setdefault(entry["group_id"], []).append(entry["text"])
    return out


def has_items(step: Step) -> bool:
    """A sub-group of ``step`` wrote a chain (its groups can no longer be re-formed). The
    cycle's plenary chains, from earlier ateliers, do not count: they stay plenary."""
    ids = group_rows.of_step(step)
    if not ids:
        return False
    found = db.session.scalar(
        select(func.count()).select_from(ChaineValeur).where(ChaineValeur.group_id.in_(ids))
    )
    return bool(found)
