"""Create the benchmark's data through the services (as the app would) and sign the socket
tokens: ``python -m bench.setup OUT.json --ateliers 1 --participants 300 [--vote-cards 30]
[--cards 200] [--groups 30] [--unformed]`` (``--groups``: the first step runs in that many
random sub-groups, formed before the run — each participant's ``group`` is written out —,
or only planned with ``--unformed``: the form scenario forms them).

Uses the same environment as the server (FACILITATOR_INSTANCE, DATABASE_URL), so the tokens
are signed with the server's key (``instance/secret_key``)."""

from __future__ import annotations

import argparse
import json
import logging

from facilitator import create_app, db_migrate
from facilitator.core import accounts, cycles, group_ops, participants, steering, tokens
from facilitator.core import cards as board
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import GroupMember, Step
from facilitator.scripts import load_script_text

SCRIPT = """
format: 1
id: bench
title: Plénière (benchmark)
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns: [{id: idees, label: Idées}]
  - id: vote
    type: cartes
    title: Vote
    consigne: Cinq points à répartir.
    settings:
      columns: [{id: idees, label: Idées}]
      votes: {budget: 5, max_per_card: 2}
"""


def build(
    n_ateliers: int,
    n_participants: int,
    vote_cards: int,
    cards: int = 0,
    n_groups: int = 0,
    unformed: bool = False,
) -> dict:
    animateur = accounts.create_animateur("bench@exemple.fr", "Animatrice", "mot-de-passe-bench")
    cycle = cycles.create_cycle(animateur, "Benchmark", territoire="127.0.0.1")
    cycles.add_structure(cycle.id, "Structure de test", "association")
    db.session.commit()
    text = SCRIPT
    if n_groups:
        text = SCRIPT.replace(
            "      columns: [{id: idees, label: Idées}]\n  - id: vote",
            f"      columns: [{{id: idees, label: Idées}}]\n"
            f"    groups: {{formation: aleatoire, count: {n_groups}}}\n  - id: vote",
        )
    script = load_script_text(text)
    out = []
    for a in range(n_ateliers):
        atelier = cycles.add_atelier(cycle, script, title=f"Atelier {a + 1}")
        anim = Viewer("animateur", atelier.id, animateur_id=animateur.id)
        steering.start(anim)
        steps = {s.key: s.id for s in db.session.query(Step).filter_by(atelier_id=atelier.id)}
        structure = atelier.cycle.structures[0]
        people = []
        for i in range(n_participants):
            p, _ = participants.join(atelier, f"P{a}-{i}", structure_id=structure.id)
            claims = tokens.participant_claims(atelier.id, p.id, p.token_hash)
            token = tokens.sign_socket_token(claims)
            people.append({"pid": p.id, "token": token})
        if n_groups and not unformed:
            group_ops.form(anim, steps["idees"], seed=1)
            placed = dict(
                db.session.execute(
                    db.select(GroupMember.participant_id, GroupMember.group_id).where(
                        GroupMember.step_id == steps["idees"]
                    )
                ).all()
            )
            for person in people:
                person["group"] = placed.get(person["pid"])
        for i in range(cards):  # a board that already has cards (join, restart)
            board.add_card(anim, steps["idees"], f"benchcard{i:04d}", f"Carte {i}", "idees")
        vote_ids = []
        if vote_cards:
            for i in range(vote_cards):
                ack = board.add_card(anim, steps["vote"], f"benchvote{i:04d}", f"Idée {i}", "idees")
                vote_ids.append(ack["card"]["id"])
            steering.goto_step(anim, steps["vote"])
            steering.set_flags(anim, steps["vote"], {"results_visible": True})
        out.append(
            {
                "atelier": atelier.id,
                "steps": steps,
                "column": "idees",
                "anim": tokens.sign_socket_token(
                    {"r": "animateur", "a": atelier.id, "u": animateur.id}
                ),
                "participants": people,
                "vote_cards": vote_ids,
            }
        )
    return {"ateliers": out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--ateliers", type=int, default=1)
    parser.add_argument("--participants", type=int, default=25)
    parser.add_argument("--vote-cards", type=int, default=0)
    parser.add_argument("--cards", type=int, default=0)
    parser.add_argument("--groups", type=int, default=0)
    parser.add_argument("--unformed", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = create_app({"SOCKETIO_ASYNC_MODE": "threading"})
    with app.app_context():
        db_migrate.upgrade()
        data = build(
            args.ateliers,
            args.participants,
            args.vote_cards,
            args.cards,
            args.groups,
            args.unformed,
        )
    with open(args.out, "w") as f:
        json.dump(data, f)


if __name__ == "__main__":
    main()
