"""``chaine_de_valeur`` in documents: in the compte rendu, the cycle's chains as they stand
(one table per chain: link → what is brought, by which structure), objectives by target and
indicators; in the synthèse, the écosystème by question essentielle. Structures only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from facilitator.activities.chaine_de_valeur import views as chaine_de_valeur
from facilitator.activities.chaine_de_valeur.models import CIBLES, ChaineValeur
from facilitator.activities.chaine_de_valeur.settings import CHAINE_LEVELS
from facilitator.contract import ProductionCount
from facilitator.core import questions as productions
from facilitator.core.document_facts import (
    counts,
    per_atelier,
    production_facts,
)
from facilitator.core.participants import structures
from facilitator.extensions import db
from facilitator.models import Step
from facilitator.rendering import fr
from facilitator.rendering.groups import groups_blocks
from facilitator.rendering.model import Block, Section, note, para, section, table
from facilitator.rendering.model import plain as clean
from facilitator.rendering.sections import ActivityDocuments, StepSection

if TYPE_CHECKING:
    from facilitator.rendering.context import CycleContext, StepData

HEADER = ["Maillon", "Contenu", "Apporté par"]


def _load(cycle_id: int) -> dict[str, Any]:
    names = {s["id"]: clean(s["name"]) for s in structures(cycle_id)}
    chaines = [
        {
            **c,
            "title": clean(c["title"]),
            "items": [{**i, "text": clean(i["text"])} for i in c["items"]],
        }
        for c in (chaine_de_valeur.chaine_dict(x) for x in chaine_de_valeur.load_chaines(cycle_id))
    ]
    questions = [{**q, "text": clean(q["text"])} for q in productions.questions_list(cycle_id)]
    return {"names": names, "chaines": chaines, "questions": questions}


def _label(level: str, cible: str) -> str:
    if level == "objectif":
        return f"Objectif — {CIBLES.get(cible, cible)}"
    if level == "indicateur":
        return "Indicateur" + (f" — {CIBLES[cible]}" if cible in CIBLES else "")
    return CHAINE_LEVELS.get(level, level)


def _chain_blocks(data: dict[str, Any]) -> list[Block | Section]:
    order = {k: i for i, k in enumerate([*CHAINE_LEVELS, "objectif", "indicateur"])}
    out: list[Block | Section] = []
    for c in data["chaines"]:
        who = data["names"]
        items = sorted(c["items"], key=lambda i: (order.get(i["level"], 99), i["id"]))
        rows = [
            (
                _label(i["level"], i["cible"]),
                i["text"],
                who.get(i["structure_id"] or c["structure_id"] or 0, "—"),
            )
            for i in items
        ]
        kind = "structure" if c["subject"] == "structure" else "action"
        title = f"Chaîne de valeur — {c['title']} ({kind})"
        out.append(
            section(
                title,
                table("chaines", title, HEADER, rows, widths=(25, 50, 25), context=c["title"])
                if rows
                else note("Chaîne commencée, sans élément."),
            )
        )
    return out


def _story(steps: list[Step]) -> dict[int, dict[str, Any]]:
    """Per step id: which chains were added, validated or completed there (from the log of
    its atelier), the chains as they stand, and one line on the whole production. A change
    recorded while no chaîne step was current (between ateliers) goes to the atelier's first
    chaîne step."""
    if not steps:
        return {}
    cycle_id = steps[0].atelier.cycle_id
    data = _load(cycle_id)
    first: dict[int, int] = {}
    ours = {s.id for s in steps}
    for step in sorted(steps, key=lambda s: (s.atelier_id, s.position)):
        first.setdefault(step.atelier_id, step.id)
    touched: dict[int, dict[str, Any]] = {
        s.id: {"added": [], "validated": [], "items": {}} for s in steps
    }
    before: dict[int, dict[str, Any]] = {}
    seen_items: set[int] = set()
    for fact in production_facts(cycle_id, ("chaine.updated",)):
        chaine = fact.payload.get("chaine") or {}
        cid = chaine.get("id")
        if not isinstance(cid, int):
            continue
        previous = before.get(cid)
        before[cid] = chaine
        new_items = [i["id"] for i in chaine.get("items") or [] if i.get("id") not in seen_items]
        seen_items.update(new_items)
        if fact.atelier_id not in first:
            continue
        target = fact.step_id if fact.step_id in ours else first[fact.atelier_id]
        story = touched[target]
        if previous is None and cid not in story["added"]:
            story["added"].append(cid)
        if chaine.get("validated") and not (previous or {}).get("validated"):
            story["validated"].append(cid)
        if new_items:
            story["items"][cid] = story["items"].get(cid, 0) + len(new_items)
    return {sid: {**data, "story": story} for sid, story in touched.items()}


def _what_happened(story: dict[str, Any]) -> str:
    parts = []
    if story["added"]:
        parts.append(fr.count(len(story["added"]), "chaîne ajoutée", "chaînes ajoutées"))
    if story["validated"]:
        parts.append(fr.count(len(story["validated"]), "validée", "validées"))
    items = sum(story["items"].values())
    if items:
        parts.append(fr.count(items, "élément ajouté", "éléments ajoutés"))
    return ", ".join(parts)


class ChaineDocuments(ActivityDocuments):
    type_id = "chaine_de_valeur"

    @classmethod
    def load_steps(cls, step_ids: list[int]) -> dict[int, Any]:
        steps = list(db.session.scalars(select(Step).where(Step.id.in_(step_ids))))
        out: dict[int, Any] = {}
        by_cycle: dict[int, list[Step]] = {}
        for step in steps:
            by_cycle.setdefault(step.atelier.cycle_id, []).append(step)
        for group in by_cycle.values():
            out.update(_story(group))
        return out

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        data = step.extra or {"names": {}, "chaines": [], "questions": [], "story": None}
        story = data.get("story") or {"added": [], "validated": [], "items": {}}
        total = len(data["chaines"])
        validated = sum(1 for c in data["chaines"] if c.get("validated"))
        state = f"{fr.count(total, 'chaîne de valeur', 'chaînes de valeur')} dans le cycle" + (
            f", dont {fr.count(validated, 'validée', 'validées')}" if validated else ""
        )
        done = _what_happened(story)
        shown = {*story["added"], *story["validated"], *story["items"]}
        # a step that ran in sub-groups: the groups and what each built (issue 18)
        blocks: list[Block | Section] = [
            *groups_blocks(step),
            para(
                (
                    f"Pendant cette étape : {done}."
                    if done
                    else "Aucune chaîne ajoutée ni modifiée pendant cette étape."
                )
                + f" État de la production : {state}.",
                style="lead",
            ),
        ]
        touched = {**data, "chaines": [c for c in data["chaines"] if c["id"] in shown]}
        blocks += _chain_blocks(touched)
        return StepSection(blocks=tuple(blocks), summary=done or "aucune chaîne ajoutée")

    @classmethod
    def load_cycle(cls, cycle_id: int) -> Any:
        data = _load(cycle_id)
        return data if data["chaines"] else None

    @classmethod
    def cycle_sections(cls, data: Any, ctx: CycleContext) -> tuple[Section, ...]:
        if not data:
            return ()
        groups = chaine_de_valeur.ecosystem(data["chaines"], data["questions"], data["names"])
        parts: list[Section] = []
        for g in groups:
            q = g["question"]
            title = f"Question {q['number']} — {q['text']}" if q else "Sans question essentielle"
            rows = [
                (CHAINE_LEVELS.get(level, "Objectifs"), i["text"], i["structure"] or "—")
                for level, items in g["levels"].items()
                for i in items
            ]
            parts.append(
                section(
                    title,
                    para("Contributeurs : " + (fr.join(g["contributors"]) or "aucun") + "."),
                    table("ecosysteme", f"Écosystème — {title}", HEADER, rows, widths=(25, 50, 25))
                    if rows
                    else note("Aucun élément."),
                )
            )
        return (section("Écosystème des chaînes de valeur", parts),)


def production_counts(cycle_id: int) -> list[ProductionCount]:
    """Chains started and their items (first seen in an atelier's log), per atelier."""
    items: dict[int, int] = {}
    seen: set[Any] = set()
    for fact in production_facts(cycle_id, ("chaine.updated",)):
        for item in (fact.payload.get("chaine") or {}).get("items") or []:
            if isinstance(item, dict) and item.get("id") not in seen:
                seen.add(item.get("id"))
                items[fact.atelier_id] = items.get(fact.atelier_id, 0) + 1
    return [
        *counts(
            per_atelier(cycle_id, ChaineValeur.atelier_id),
            "chaîne de valeur",
            "chaînes de valeur",
        ),
        *counts(items, "élément de chaîne", "éléments de chaîne"),
    ]
