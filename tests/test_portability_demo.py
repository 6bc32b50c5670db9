"""The whole demo cycle — six ateliers held, attendance, cards, votes, the questions, the
map, a charte in two versions with its amendments, chaînes, feuille de route, evaluations,
répertoire — goes out as one JSON file and comes back identical (ids aside)."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from facilitator.cycle_life import portability
from facilitator.demo import seed_demo
from tests.test_portability import normalise


def test_the_demo_cycle_round_trips(app: Flask, make_animateur: Any) -> None:
    cycle_id = seed_demo()["cycle_id"]
    exported = portability.export_cycle(cycle_id)
    copy_ = portability.import_cycle(json.loads(json.dumps(exported)), make_animateur())
    again = portability.export_cycle(copy_.id)
    assert normalise(again) == normalise(exported)
    counts = {name: len(rows) for name, rows in exported["tables"].items()}
    # the demo really has every kind of production in it
    for table in (
        "contribution",
        "vote",
        "attendance",
        "question_essentielle",
        "actor",
        "relation",
        "charte_version",
        "charte_clause",
        "charte_amendment",
        "roadmap_action",
        "evaluation_response",
    ):
        assert counts.get(table, 0) > 0, (table, counts)
    print("demo cycle round trip:", sum(counts.values()), "rows in", len(counts), "tables")
