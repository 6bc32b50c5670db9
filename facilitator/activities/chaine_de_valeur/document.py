"""``chaine_de_valeur`` in documents: in the compte rendu, the cycle's chains as they stand
(one table per chain: link → what is brought, by which structure), objectives by target and
indicators; in the synthèse, the écosystème by question essentielle. Structures only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.activities.chaine_de_valeur import views as chaine_de_valeur
from facilitator.activities.chaine_de_valeur.models import CIBLES
from facilitator.activities.chaine_de_valeur.settings import CHAINE_LEVELS
from facilitator.core import questions as productions
from facilitator.core.document_facts import PerStepDocuments
from facilitator.core.participants import structures
from facilitator.models import Step
from facilitator.rendering import fr
from facilitator.rendering.model import Block, Section, note, para, section, table
from facilitator.rendering.model import plain as clean
from facilitator.rendering.sections import StepSection

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


class ChaineDocuments(PerStepDocuments):
    type_id = "chaine_de_valeur"

    @classmethod
    def load_step(cls, step: Step) -> Any:
        return _load(step.atelier.cycle_id)

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        data = step.extra or {"names": {}, "chaines": [], "questions": []}
        count = fr.count(len(data["chaines"]), "chaîne de valeur", "chaînes de valeur")
        blocks: list[Block | Section] = [para(f"{count} dans le cycle à ce jour.", style="lead")]
        blocks += _chain_blocks(data) or [note("Aucune chaîne de valeur pour l'instant.")]
        return StepSection(blocks=tuple(blocks), summary=count)

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
