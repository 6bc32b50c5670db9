"""The demo's cycle productions, made through the activities' actions: questions
essentielles (atelier 2), the map of actors (ateliers 3 and 4), the charte (ateliers 5, 6)."""

from __future__ import annotations

from typing import Any

from facilitator.activities.cartographie.models import Actor
from facilitator.demo import data
from facilitator.demo import data_productions as made
from facilitator.demo.base import DemoBase
from facilitator.extensions import db
from facilitator.models import Atelier, Participant, Step


def fill(
    demo: DemoBase, number: int, atelier: Atelier, step: Step, people: list[Participant]
) -> None:
    if step.type == "questions_essentielles":
        questions(demo, atelier, step, people)
    elif step.type == "cartographie" and step.key == "acteurs":
        actors(demo, atelier, step, people)
    elif step.type == "cartographie" and step.key in ("relations", "interactions-a-creer"):
        first = step.key == "relations"
        chosen = made.RELATIONS[: made.RELATIONS_AT_3] if first else made.RELATIONS[14:]
        relations(demo, atelier, step, people, chosen)
    elif step.type == "cartographie" and step.key == "relecture":
        review(demo, atelier, step)
    elif step.type == "charte" and number == 5:
        charte_v1(demo, atelier, step, people)
    elif step.type == "charte" and number == 6:
        charte_v2(demo, atelier, step, people)


def questions(demo: DemoBase, atelier: Atelier, step: Step, people: list[Participant]) -> None:
    anim = demo.anim(atelier)
    wordings = [(enjeu, text) for enjeu, text in data.QUESTIONS] + data.OTHER_PROPOSALS
    ids = []
    for i, (enjeu, text) in enumerate(wordings):
        author = demo.part(atelier, people[(i * 5) % len(people)])
        done = demo.act(author, step, "propose", client_id=demo.cid("q"), text=text, enjeu=enjeu)
        ids.append(done["proposal"]["id"])
    demo.act(anim, step, "phase", phase="vote")
    budget = (step.settings.get("votes") or {}).get("budget", 4)
    weights = [9, 8, 7, 7, 3, 2, 2][: len(ids)]
    for person in people:
        chosen: set[int] = set()
        while len(chosen) < min(budget - 1, len(ids)):
            chosen.add(demo.rng.choices(ids, weights)[0])
        for proposal in sorted(chosen):
            demo.act(demo.part(atelier, person), step, "vote", proposal_id=proposal, delta=1)
    demo.act(anim, step, "phase", phase="validation")
    for proposal, (_, text) in zip(ids, data.QUESTIONS, strict=False):
        done = demo.act(anim, step, "validate", proposal_id=proposal, text=text)
        demo.questions.append(done["question"]["id"])


def actors(demo: DemoBase, atelier: Atelier, step: Step, people: list[Participant]) -> None:
    anim = demo.anim(atelier)
    for i, (who, type_, champs, actions) in enumerate(made.ACTORS):
        author = demo.part(atelier, people[(i * 2) % len(people)])
        fields: dict[str, Any] = {"type": type_, "champs": champs, "territoire": "Val-de-Lys"}
        if isinstance(who, int):
            fields["name"] = data.STRUCTURES[who][0]
            fields["structure_id"] = demo.structures[who]
        else:
            fields["name"] = who
        actor = demo.act(author, step, "actor_add", client_id=demo.cid("a"), **fields)["actor"]
        demo.actors.append(actor["id"])
        for text, numbers in actions:
            demo.act(
                author,
                step,
                "action_add",
                actor_id=actor["id"],
                client_id=demo.cid("x"),
                text=text,
                question_ids=[demo.questions[n - 1] for n in numbers],
            )
        if i % 4 != 3:  # the animateur validates most of them during the atelier
            demo.act(anim, step, "actor_validate", actor_id=actor["id"], validated=True)


def relations(
    demo: DemoBase,
    atelier: Atelier,
    step: Step,
    people: list[Participant],
    chosen: list[tuple[Any, ...]],
) -> None:
    for i, (a, b, status, level, natures, question) in enumerate(chosen):
        author = demo.part(atelier, people[(i * 3 + 1) % len(people)])
        payload: dict[str, Any] = {
            "client_id": demo.cid("r"),
            "source_id": demo.actors[a],
            "target_id": demo.actors[b],
            "status": status,
            "level": level,
            "natures": natures,
        }
        if question:
            payload["question_id"] = demo.questions[question - 1]
        done = demo.act(author, step, "relation_add", **payload)
        demo.relations.append(done["relation"]["id"])


def review(demo: DemoBase, atelier: Atelier, step: Step) -> None:
    """Atelier 4 re-reads the map: the actors and most relations are validated."""
    for actor in db.session.query(Actor).filter(Actor.id.in_(demo.actors)).order_by(Actor.id):
        if not actor.validated:
            demo.act(demo.anim(atelier), step, "actor_validate", actor_id=actor.id, validated=True)
    for index, relation in enumerate(demo.relations):
        if index % 5 != 4:  # a few stay to be checked with the structures concerned
            demo.act(
                demo.anim(atelier), step, "relation_validate", relation_id=relation, validated=True
            )


def charte_v1(demo: DemoBase, atelier: Atelier, step: Step, people: list[Participant]) -> None:
    anim = demo.anim(atelier)
    sources: dict[str, int] = {}
    ideas = [(section, source) for section, _, source in made.CLAUSES if source]
    ideas += [(section, text) for section, texts in made.IDEAS.items() for text in texts]
    for i, (section, text) in enumerate(ideas):
        author = demo.part(atelier, people[(i * 2 + 1) % len(people)])
        sources[text] = demo.card(author, step, section, text)
    demo.act(anim, step, "phase", phase="redaction")
    demo.act(anim, step, "version_start")
    for section, text, source in made.CLAUSES:
        cards = [sources[source]] if source else []
        done = demo.act(
            anim,
            step,
            "clause_add",
            client_id=demo.cid("k"),
            section=section,
            text=text,
            source_card_ids=cards,
        )
        demo.clauses.append(done["clause"]["id"])
    demo.act(anim, step, "phase", phase="amendements")


def charte_v2(demo: DemoBase, atelier: Atelier, step: Step, people: list[Participant]) -> None:
    anim = demo.anim(atelier)
    decisions = []
    for i, (kind, target, text, reason, accepted) in enumerate(made.AMENDMENTS):
        payload: dict[str, Any] = {
            "client_id": demo.cid("m"),
            "kind": kind,
            "text": text,
            "reason": reason,
        }
        if kind == "ajout":
            payload["section"] = target
        else:
            payload["clause_id"] = demo.clauses[target]
        author = demo.part(atelier, people[(i * 3 + 2) % len(people)])
        done = demo.act(author, step, "amendment_propose", **payload)
        decisions.append((done["amendment"]["id"], accepted))
    for amendment, accepted in decisions:
        if accepted:
            demo.act(anim, step, "amendment_decide", amendment_id=amendment, decision="accepter")
        else:
            demo.act(
                anim,
                step,
                "amendment_decide",
                amendment_id=amendment,
                decision="rejeter",
                reason=made.REJECTION,
            )
    demo.act(anim, step, "consolidate")
    demo.act(anim, step, "freeze")
    demo.act(anim, step, "phase", phase="gel")
