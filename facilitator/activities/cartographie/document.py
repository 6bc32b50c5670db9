"""``cartographie`` in documents: the map (SVG in HTML, a numbered PNG in DOCX, always followed
by the tables of actors and relations), what this atelier added, the angles morts — and in
the synthèse, the map as it stands with the interactions to create."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from facilitator.activities.cartographie import export as map_export
from facilitator.activities.cartographie import views as map_views
from facilitator.activities.cartographie.models import Actor, Relation
from facilitator.contract import ProductionCount
from facilitator.core.document_facts import counts, first_seen, per_atelier, production_facts
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.rendering import fr, network
from facilitator.rendering.groups import groups_blocks
from facilitator.rendering.model import (
    Block,
    Figure,
    Inline,
    Section,
    Table,
    bullets,
    inline,
    note,
    para,
    section,
    table,
)
from facilitator.rendering.model import plain as clean
from facilitator.rendering.sections import ActivityDocuments, StepSection

if TYPE_CHECKING:
    from facilitator.rendering.context import CycleContext, StepData


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The map with every text cleaned for documents."""
    return {
        "questions": [{**q, "text": clean(q["text"])} for q in data["questions"]],
        "actors": [
            {
                **a,
                "name": clean(a["name"]) or "?",
                "territoire": clean(a["territoire"]),
                "aliases": [clean(x) for x in a["aliases"]],
                "actions": [{**x, "text": clean(x["text"])} for x in a["actions"]],
            }
            for a in data["actors"]
        ],
        "relations": [{**r, "comment": clean(r["comment"])} for r in data["relations"]],
    }


def _load(cycle_id: int, atelier_id: int | None = None) -> dict[str, Any]:
    data = _plain(map_views.map_data(cycle_id))
    pic = network.picture(data)
    out: dict[str, Any] = {
        "data": data,
        "svg": network.svg(pic, "Cartographie des acteurs", map_export.description(data)),
        "png": network.png(pic) if data["actors"] else b"",
        "spots": map_views.blind_spots(data),
    }
    if atelier_id is not None:
        out["added_actors"] = db.session.scalar(
            select(func.count()).select_from(Actor).where(Actor.atelier_id == atelier_id)
        )
        out["added_relations"] = db.session.scalar(
            select(func.count()).select_from(Relation).where(Relation.atelier_id == atelier_id)
        )
        out["added_to_create"] = db.session.scalar(
            select(func.count())
            .select_from(Relation)
            .where(Relation.atelier_id == atelier_id, Relation.status == "a_creer")
        )
    return out


def _actors_table(data: dict[str, Any], context: str) -> Table:
    rows = [
        (row[0], row[1], row[2], row[4] or "—", row[8] or "—", row[9])
        for row in map_export.actors_rows(data)
    ]
    return table(
        "acteurs",
        "Acteurs de la carte (les numéros sont ceux de la figure)",
        ["N°", "Acteur", "Type", "Territoire", "Actions (questions essentielles)", "Relations"],
        rows,
        numeric=(0, 5),
        widths=(6, 22, 14, 13, 34, 11),
        context=context,
    )


def _relations_table(data: dict[str, Any], context: str) -> Table:
    rows = [row[:6] for row in map_export.relations_rows(data)]
    return table(
        "relations",
        "Relations entre acteurs",
        ["Acteur A", "Acteur B", "Relation", "Niveau", "Nature", "Question"],
        rows,
        widths=(20, 20, 11, 14, 19, 16),
        context=context,
    )


def _figure(loaded: dict[str, Any], context: str) -> Figure:
    data = loaded["data"]
    return Figure(
        key="cartographie",
        title="Cartographie des acteurs et des relations",
        alt=map_export.description(data),
        svg=loaded["svg"],
        png=loaded["png"],
        table=_actors_table(data, context),
    )


def _blind(loaded: dict[str, Any]) -> tuple[list[Inline], list[Inline]]:
    spots = loaded["spots"]
    isolated = [inline(f"Acteur sans relation : {a['name']}") for a in spots["isolated_actors"]]
    orphan = [
        inline(f"Question {q['number']} sans action ni acteur : {fr.quoted(q['text'])}")
        for q in spots["questions_without_actions"]
    ]
    return isolated, orphan


def _counts(data: dict[str, Any]) -> str:
    to_create = sum(1 for r in data["relations"] if r["status"] == "a_creer")
    return (
        f"{fr.count(len(data['actors']), 'acteur')}, "
        f"{fr.count(len(data['relations']), 'relation')} "
        f"(dont {fr.count(to_create, 'à créer', 'à créer')})"
    )


def _added(loaded: dict[str, Any]) -> str:
    """What this atelier added to the map (actors and relations created in its steps), or ""."""
    actors, relations = loaded.get("added_actors") or 0, loaded.get("added_relations") or 0
    if not actors and not relations:
        return ""
    to_create = loaded.get("added_to_create") or 0
    text = (
        f"{fr.count(actors, 'acteur ajouté', 'acteurs ajoutés')}, "
        f"{fr.count(relations, 'relation ajoutée', 'relations ajoutées')}"
    )
    return text + (f" (dont {fr.count(to_create, 'à créer', 'à créer')})" if to_create else "")


def _per_step(steps: list[Step]) -> dict[int, dict[str, int]]:
    """Step id → actors, relations and relations à créer first seen while it was the
    current step of its atelier (a change made between ateliers goes to the atelier's
    first cartographie step)."""
    if not steps:
        return {}
    ours = {s.id for s in steps}
    first: dict[int, int] = {}
    for step in steps:
        first.setdefault(step.atelier_id, step.id)
    out: dict[int, dict[str, int]] = {s.id: {} for s in steps}
    cycle_ids = {s.atelier.cycle_id for s in steps}
    for cycle_id in cycle_ids:
        facts = production_facts(cycle_id, ("map.actor", "map.relation"))
        for key, kind in (("actor", "actors"), ("relation", "relations")):
            for fact in first_seen(facts, key).values():
                if fact.atelier_id not in first:
                    continue
                target = fact.step_id if fact.step_id in ours else first[fact.atelier_id]
                counted = out[target]
                counted[kind] = counted.get(kind, 0) + 1
                if key == "relation" and fact.payload[key].get("status") == "a_creer":
                    counted["to_create"] = counted.get("to_create", 0) + 1
    return out


def _done(counted: dict[str, int]) -> str:
    """« 3 acteurs ajoutés, 5 relations ajoutées (dont 2 à créer) », or ""."""
    parts = []
    if counted.get("actors"):
        parts.append(fr.count(counted["actors"], "acteur ajouté", "acteurs ajoutés"))
    if counted.get("relations"):
        text = fr.count(counted["relations"], "relation ajoutée", "relations ajoutées")
        if counted.get("to_create"):
            text += f" (dont {fr.count(counted['to_create'], 'à créer', 'à créer')})"
        parts.append(text)
    return ", ".join(parts)


class CartographieDocuments(ActivityDocuments):
    type_id = "cartographie"

    @classmethod
    def load_steps(cls, step_ids: list[int]) -> dict[int, Any]:
        steps = db.session.scalars(
            select(Step).where(Step.id.in_(step_ids)).order_by(Step.atelier_id, Step.position)
        ).all()
        out: dict[int, Any] = {}
        first: dict[int, Step] = {}
        done = _per_step([s for s in steps])
        for step in steps:
            if step.atelier_id in first:  # the map is printed once per atelier
                out[step.id] = {
                    "see": clean(first[step.atelier_id].title),
                    "done": done.get(step.id, {}),
                }
                continue
            first[step.atelier_id] = step
            out[step.id] = {
                **_load(step.atelier.cycle_id, step.atelier_id),
                "done": done.get(step.id, {}),
            }
        return out

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        loaded = step.extra or {}
        done = _done(loaded.get("done") or {})
        # a step that ran in sub-groups: the groups and what each added first (issue 18)
        grouped = groups_blocks(step)
        if "see" in loaded:
            lead = f"Pendant cette étape : {done}. " if done else ""
            return StepSection(
                blocks=(
                    *grouped,
                    para(lead + f"La carte est présentée à l'étape « {loaded['see']} ».")
                    if lead
                    else note(f"La carte est présentée à l'étape « {loaded['see']} »."),
                ),
                summary=done or "carte présentée plus haut",
            )
        data = loaded["data"]
        if not data["actors"]:
            return StepSection(blocks=(*grouped, note("La carte ne compte encore aucun acteur.")))
        added = _added(loaded)
        lead = f"La carte du cycle compte à ce jour {_counts(data)}"
        lead += f" ; pendant cet atelier : {added}" if added else ""
        lead += f". Pendant cette étape : {done}" if done else ""
        isolated, orphan = _blind(loaded)
        blocks: list[Block | Section] = [
            *grouped,
            para(lead + ".", style="lead"),
            _figure(loaded, step.title),
        ]
        if data["relations"]:
            blocks.append(_relations_table(data, step.title))
        if isolated or orphan:
            blocks.append(section("Angles morts", bullets([*orphan, *isolated])))
        return StepSection(
            blocks=tuple(blocks),
            open_questions=tuple(orphan),
            # the synthèse lists it under the atelier: what this step added
            summary=done or "rien d'ajouté à la carte",
        )

    @classmethod
    def load_cycle(cls, cycle_id: int) -> Any:
        loaded = _load(cycle_id)
        return loaded if loaded["data"]["actors"] else None

    @classmethod
    def cycle_sections(cls, data: Any, ctx: CycleContext) -> tuple[Section, ...]:
        if not data:
            return ()
        plain = data["data"]
        isolated, orphan = _blind(data)
        names = {a["id"]: a["name"] for a in plain["actors"]}
        to_create = [r for r in plain["relations"] if r["status"] == "a_creer"]
        children: list[Block | Section] = [
            para(f"La carte du cycle compte {_counts(plain)}.", style="lead"),
            _figure(data, "Synthèse"),
        ]
        if to_create:
            labels = map_export.question_labels(plain)
            children.append(
                section(
                    "Interactions à créer",
                    bullets(
                        inline(
                            f"{names.get(r['source_id'], '?')} – {names.get(r['target_id'], '?')}"
                            f" ({map_export.COOPERATION_LEVELS[r['level']].lower()}"
                            + (f", {labels.get(r['question_id'], '')}" if r["question_id"] else "")
                            + ")"
                        )
                        for r in to_create
                    ),
                )
            )
        if isolated or orphan:
            children.append(section("Angles morts", bullets([*orphan, *isolated])))
        return (section("Cartographie des acteurs et des actions", children),)


def production_counts(cycle_id: int) -> list[ProductionCount]:
    """Actors, their actions (first seen in an atelier's log), relations existing and to
    create, per atelier."""
    facts = production_facts(cycle_id, ("map.actor",))
    actions: dict[int, int] = {}
    seen: set[Any] = set()
    for fact in facts:
        for action in (fact.payload.get("actor") or {}).get("actions") or []:
            if isinstance(action, dict) and action.get("id") not in seen:
                seen.add(action.get("id"))
                actions[fact.atelier_id] = actions.get(fact.atelier_id, 0) + 1
    return [
        *counts(per_atelier(cycle_id, Actor.atelier_id), "acteur", "acteurs"),
        *counts(actions, "action d'acteur", "actions d'acteurs"),
        *counts(
            per_atelier(cycle_id, Relation.atelier_id, Relation.status != "a_creer"),
            "relation existante",
            "relations existantes",
        ),
        *counts(
            per_atelier(cycle_id, Relation.atelier_id, Relation.status == "a_creer"),
            "relation à créer",
            "relations à créer",
        ),
    ]
