"""Exports of the cartographie: actors and relations as CSV (French spreadsheets: UTF-8 with
a byte-order mark, ``;``, formula-like cells neutralised), the map as SVG and PNG.

Everything here reads the plain data of ``map_views.map_data``."""

from __future__ import annotations

import csv
import io
from typing import Any

from facilitator.activities.cartographie.models import (
    CHAMPS,
    COOPERATION_LEVELS,
    RELATION_NATURES,
    RELATION_STATUSES,
)
from facilitator.models import STRUCTURE_TYPES
from facilitator.rendering import network
from facilitator.rendering.csv import cell

ACTOR_HEADER = (
    "N°",
    "Acteur",
    "Type",
    "Champs d'intervention",
    "Territoire",
    "Origine",
    "Statut",
    "Autres noms",
    "Actions (questions essentielles)",
    "Relations",
)
RELATION_HEADER = (
    "Acteur A",
    "Acteur B",
    "Relation",
    "Niveau de coopération",
    "Nature",
    "Question essentielle",
    "Commentaire",
    "Statut",
)


def question_labels(data: dict[str, Any]) -> dict[int, str]:
    """question id → « Q2 » (or « question retirée : … » for a withdrawn one)."""
    return {
        q["id"]: f"Q{q['number']}" if q["active"] else f"question retirée « {q['text']} »"
        for q in data["questions"]
    }


def actors_rows(data: dict[str, Any]) -> list[tuple[str, ...]]:
    labels = question_labels(data)
    degree: dict[int, int] = {}
    for r in data["relations"]:
        for end in (r["source_id"], r["target_id"]):
            degree[end] = degree.get(end, 0) + 1
    actors = sorted(data["actors"], key=lambda a: (a["name"].casefold(), a["id"]))
    rows: list[tuple[str, ...]] = []
    for number, a in enumerate(actors, start=1):
        actions = " | ".join(
            x["text"]
            + (
                f" ({', '.join(labels.get(q, '?') for q in x['question_ids'])})"
                if x["question_ids"]
                else ""
            )
            for x in a["actions"]
        )
        rows.append(
            (
                str(number),
                a["name"],
                STRUCTURE_TYPES.get(a["type"], a["type"]),
                ", ".join(CHAMPS.get(c, c) for c in a["champs"]),
                a["territoire"],
                "répertoire du cycle" if a["structure_id"] else "absent de la salle",
                "validé" if a["validated"] else "proposé",
                ", ".join(a["aliases"]),
                actions,
                str(degree.get(a["id"], 0)),
            )
        )
    return rows


def relations_rows(data: dict[str, Any]) -> list[tuple[str, ...]]:
    labels = question_labels(data)
    names = {a["id"]: a["name"] for a in data["actors"]}
    rows = [
        (
            names.get(r["source_id"], "?"),
            names.get(r["target_id"], "?"),
            RELATION_STATUSES.get(r["status"], r["status"]),
            COOPERATION_LEVELS.get(r["level"], r["level"]),
            ", ".join(RELATION_NATURES.get(n, n) for n in r["natures"]),
            labels.get(r["question_id"], "") if r["question_id"] else "toutes / transversale",
            r["comment"],
            "validée" if r["validated"] else "proposée",
        )
        for r in data["relations"]
    ]
    return sorted(rows, key=lambda row: (row[0].casefold(), row[1].casefold()))


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(cell(h) for h in header)
    for row in rows:
        writer.writerow(cell(v) for v in row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def actors_csv(data: dict[str, Any]) -> bytes:
    return _csv(ACTOR_HEADER, actors_rows(data))


def relations_csv(data: dict[str, Any]) -> bytes:
    return _csv(RELATION_HEADER, relations_rows(data))


def description(data: dict[str, Any]) -> str:
    """The alternative text of the picture."""
    existing = sum(1 for r in data["relations"] if r["status"] == "existante")
    return (
        f"Carte de {len(data['actors'])} acteurs et {len(data['relations'])} relations "
        f"({existing} existantes, {len(data['relations']) - existing} à créer). Couleur du "
        "disque : type d'acteur ; épaisseur du trait : niveau de coopération ; pointillés : "
        "relation à créer ; cercle rouge : acteur sans relation. Le détail est dans les tableaux."
    )


def svg(data: dict[str, Any], title: str) -> str:
    return network.svg(network.picture(data), title, description(data))


def png(data: dict[str, Any]) -> bytes:
    return network.png(network.picture(data))
