"""Répertoire des acteurs: the cycle's structures, organised by territory."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Any

from facilitator.documents import loaders
from facilitator.rendering import fr
from facilitator.rendering.common import colophon, cycle_facts, slug, type_label
from facilitator.rendering.context import CycleContext, StructureData
from facilitator.rendering.model import (
    Block,
    Document,
    Section,
    Span,
    bullets,
    inline,
    note,
    para,
    plain,
    section,
    table,
)

KIND = "repertoire"
NO_TERRITORY = "Territoire non précisé"
HEADER = ["Structure", "Type", "Champs d'intervention", "Personnes", "Ateliers suivis"]


def _row(s: StructureData, total: int) -> tuple[str, ...]:
    return (
        s.name,
        s.type_label,
        ", ".join(s.champs) or "—",
        fr.number(s.people),
        f"{s.ateliers} sur {total}" if total else "—",
    )


def load(cycle_id: int) -> CycleContext:
    """The cycle's structures, plus each one's fiche (``extra["repertoire"]``: actions, and
    the contact person only when they consented — services/repertoire.py)."""
    from facilitator.cycle_life import repertoire as service

    ctx = loaders.cycle_context(cycle_id, with_productions=False)
    fiches = {}
    for entry in service.entries(cycle_id):
        contact = entry["contact"]
        fiches[plain(entry["name"])] = {
            "actions": [plain(a) for a in [entry["own_actions"], *entry["map_actions"]] if a],
            "contact": {k: plain(contact[k]) for k in ("name", "role", "email", "phone")}
            if contact
            else None,
        }
    return dataclasses.replace(ctx, extra={**ctx.extra, "repertoire": fiches})


def _fiches(members: list[StructureData], fiches: dict[str, Any]) -> Section | None:
    """One paragraph per structure that has actions or a consenting contact."""
    blocks: list[Block] = []
    for s in members:
        fiche = fiches.get(s.name)
        if not fiche or not (fiche["actions"] or fiche["contact"]):
            continue
        items = []
        if fiche["actions"]:
            items.append(inline(Span("Actions : ", bold=True), " ; ".join(fiche["actions"])))
        contact = fiche["contact"]
        if contact:
            who = contact["name"] + (f", {contact['role']}" if contact["role"] else "")
            reach = " · ".join(v for v in (contact["email"], contact["phone"]) if v)
            items.append(
                inline(Span("Contact : ", bold=True), who + (f" — {reach}" if reach else ""))
            )
        blocks.append(para(Span(s.name, bold=True), style="lead"))
        blocks.append(bullets(items))
    return section("Fiches des structures", blocks) if blocks else None


def compose(ctx: CycleContext) -> Document:
    total = sum(1 for a in ctx.ateliers if a.info.held)  # the ateliers to come do not count
    by_territory: dict[str, list[StructureData]] = defaultdict(list)
    for structure in ctx.structures:
        by_territory[structure.territoire or ""].append(structure)
    names = sorted((t for t in by_territory if t), key=str.casefold)
    if "" in by_territory:
        names.append("")
    sections: list[Section] = []
    if not ctx.structures:
        sections.append(
            section(
                "Structures",
                note(
                    "Aucune structure n'est encore inscrite dans ce cycle : les structures "
                    "s'ajoutent quand les participants rejoignent un atelier, ou depuis la "
                    "page du cycle."
                ),
            )
        )
    for territory in names:
        members = sorted(by_territory[territory], key=lambda s: s.name.casefold())
        title = territory or NO_TERRITORY
        sections.append(
            section(
                title,
                para(
                    fr.count(len(members), "structure") + ".",
                    style="lead",
                ),
                table(
                    "acteurs",
                    f"Structures — {title}",
                    HEADER,
                    (_row(s, total) for s in members),
                    numeric=(3,),
                    widths=(30, 20, 26, 11, 13),
                    context=title,
                ),
                _fiches(members, ctx.extra.get("repertoire") or {}),
            )
        )
    if ctx.structures:
        types = dict(ctx.structure_types)
        counts = Counter(s.type for s in ctx.structures)
        absent = [label for key, label in ctx.structure_types if not counts[key]]
        blocks: list[Block] = [
            table(
                "types",
                "Structures par type",
                ["Type de structure", "Structures"],
                ((type_label(types, k), fr.number(n)) for k, n in counts.most_common()),
                numeric=(1,),
                widths=(75, 25),
            )
        ]
        if absent:
            blocks.append(note("Aucune structure de type : " + fr.join(absent) + "."))
        sections.append(section("Par type de structure", blocks))
    facts = cycle_facts(ctx.cycle)
    facts.append(("Structures", fr.number(len(ctx.structures))))
    facts.append(("Territoires", fr.number(len([n for n in names if n]))))
    return Document(
        kind=KIND,
        title="Répertoire des acteurs",
        subtitle=ctx.cycle.title,
        facts=tuple(facts),
        sections=tuple(sections),
        filename=f"repertoire-{slug(ctx.cycle.title)}",
        colophon=colophon(ctx.generated_at, "des structures inscrites dans le cycle"),
    )
