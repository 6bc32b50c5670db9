"""In-process cost of the hot services, without sockets: CPU time per call (median), or a
fixed number of calls to count instructions under callgrind (docs/performance.md).

    .venv/bin/python -m bench.micro                       # JSON: ms of CPU per call
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python -m bench.micro --calls card:100   # then again with card:0
    # instructions per card = (Ir(card:100) - Ir(card:0)) / 100

With ``PYTHONPATH=<other tree>`` it measures another checkout (before/after). SQLite in a
temporary instance folder; threading mode (no gevent): one call at a time."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--cards", type=int, default=400, help="cards in the step beforehand")
    p.add_argument("--calls", help="KIND:N (card|edit|vote): only run N calls, print nothing")
    args = p.parse_args()
    os.environ["FACILITATOR_INSTANCE"] = tempfile.mkdtemp(prefix="facilitator-micro-")
    from bench.setup import SCRIPT
    from facilitator import create_app, db_migrate
    from facilitator.core import accounts, cycles, events, participants, steering, votes
    from facilitator.core import cards as board
    from facilitator.core import snapshot as whole_board
    from facilitator.core.events import Viewer
    from facilitator.extensions import db
    from facilitator.models import Atelier, Step
    from facilitator.scripts import load_script_text

    app = create_app({"SOCKETIO_ASYNC_MODE": "threading"})
    with app.app_context():
        db_migrate.upgrade()
        account = accounts.create_animateur("micro@exemple.fr", "A", "mot-de-passe-bench")
        cycle = cycles.create_cycle(account, "Micro", territoire="x")
        cycles.add_structure(cycle.id, "S", "association")
        db.session.commit()
        atelier = cycles.add_atelier(cycle, load_script_text(SCRIPT), title="A")
        anim = Viewer("animateur", atelier.id, animateur_id=account.id)
        steering.start(anim)
        steps = {s.key: s.id for s in db.session.query(Step).filter_by(atelier_id=atelier.id)}
        structure = cycle.structures[0].id
        viewers = [
            Viewer(
                "participant",
                atelier.id,
                participant_id=participants.join(atelier, f"P{i}", structure_id=structure)[0].id,
            )
            for i in range(args.participants)
        ]
        n = len(viewers)
        mine = [
            board.add_card(viewers[i % n], steps["idees"], f"pre{i:05d}", f"Idée {i}", "idees")[
                "card"
            ]["id"]
            for i in range(max(args.cards, n))
        ]
        vote_cards = [
            board.add_card(anim, steps["vote"], f"v{i:04d}", f"V {i}", "idees")["card"]["id"]
            for i in range(30)
        ]
        db.session.remove()

        def card(i: int) -> None:
            board.add_card(viewers[i % n], steps["idees"], f"m{i:05d}", f"Carte {i}", "idees")

        edits: dict[int, tuple[int, int]] = {}  # participant -> (card id, version)

        def edit(i: int) -> None:  # a participant rewrites one of its cards
            viewer = viewers[i % n]
            card_id, version = edits.get(i % n) or (mine[i % n], 1)
            done = board.edit_card(viewer, card_id, version, text=f"Carte {i} revue")
            edits[i % n] = (card_id, done["card"]["version"])

        def vote(i: int) -> None:  # ≤ 5 per participant, distinct cards
            votes.vote(viewers[i % n], vote_cards[(i // n + i) % 30], 1)

        def snapshot(i: int) -> None:
            at = db.session.get(Atelier, atelier.id)
            whole_board.snapshot(at, viewers[i % n], events.current_seq(atelier.id))

        def cpu_ms(fn, calls: int) -> float:
            times = []
            for i in range(calls):
                t = time.process_time()
                fn(i)
                times.append(time.process_time() - t)
                db.session.remove()
            return round(statistics.median(times) * 1e3, 3)

        if args.calls:
            kind, calls = args.calls.split(":")
            if kind == "vote":
                steering.goto_step(anim, steps["vote"])
            for i in range(int(calls)):
                {"card": card, "edit": edit, "vote": vote}[kind](i)
                db.session.remove()
            return
        out = {"card_ms": cpu_ms(card, 300), "edit_ms": cpu_ms(edit, 600)}
        steering.goto_step(anim, steps["vote"])
        steering.set_flags(anim, steps["vote"], {"results_visible": True})
        db.session.remove()
        out["vote_ms"] = cpu_ms(vote, min(600, 5 * n))
        out[f"snapshot_ms ({args.cards + 300 + 30} cards)"] = cpu_ms(snapshot, 200)
        print(json.dumps(out))


if __name__ == "__main__":
    main()
