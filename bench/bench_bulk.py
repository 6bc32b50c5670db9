"""Bulk actions against one by one (issue 16), in-process, SQLite, no sockets: clustering
N cards with one ``card_cluster`` against N ``card_edit``; accepting N held cards with one
``card_accept_all`` against N ``card_accept``. Wall time, median of 3 runs.

    .venv/bin/python -m bench.bench_bulk --cards 50
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

SCRIPT = """
format: 1
id: bench-bulk
title: Bulk
steps:
  - id: a
    type: cartes
    title: A
    consigne: A
    settings:
      moderation: true
      columns: [{id: a, label: A}]
"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cards", type=int, default=50)
    args = p.parse_args()
    os.environ["FACILITATOR_INSTANCE"] = tempfile.mkdtemp(prefix="facilitator-bulk-")
    from facilitator import create_app, db_migrate
    from facilitator.core import accounts, bulk, cycles, moderation, participants, steering
    from facilitator.core import cards as board
    from facilitator.core.events import Viewer
    from facilitator.scripts import load_script_text

    app = create_app({"SOCKETIO_ASYNC_MODE": "threading"})
    results: dict[str, list[float]] = {k: [] for k in ("one_by_one", "bulk")}
    accept: dict[str, list[float]] = {k: [] for k in ("one_by_one", "bulk")}
    with app.app_context():
        db_migrate.upgrade()
        owner = accounts.create_animateur(f"b{time.time()}@x.fr", "B", "mot-de-passe-solide")
        for run in range(3):
            cycle = cycles.create_cycle(owner, f"Bench {run}")
            cycles.add_structure(cycle.id, "S", "association")
            atelier = cycles.add_atelier(cycle, load_script_text(SCRIPT))
            anim = Viewer("animateur", atelier.id, animateur_id=owner.id)
            steering.start(anim)
            person, _ = participants.join(atelier, "P", structure_id=cycle.structures[0].id)
            viewer = Viewer("participant", atelier.id, participant_id=person.id)
            step = atelier.steps[0].id
            ids = [
                board.add_card(viewer, step, f"bulk-{run}-{i:04d}", f"Idée {i}", "a")["card"]["id"]
                for i in range(2 * args.cards)
            ]
            first, second = ids[: args.cards], ids[args.cards :]
            t = time.perf_counter()
            for card_id in first:
                moderation.accept(anim, card_id)
            accept["one_by_one"].append(time.perf_counter() - t)
            t = time.perf_counter()
            bulk.accept_all(anim, step)
            accept["bulk"].append(time.perf_counter() - t)
            t = time.perf_counter()
            for card_id in first:
                board.edit_card(anim, card_id, 2, cluster="G")
            results["one_by_one"].append(time.perf_counter() - t)
            t = time.perf_counter()
            bulk.cluster(anim, second, "G")
            results["bulk"].append(time.perf_counter() - t)
    print(
        json.dumps(
            {
                "cards": args.cards,
                "cluster_ms": {
                    k: round(statistics.median(v) * 1000, 1) for k, v in results.items()
                },
                "accept_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in accept.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
