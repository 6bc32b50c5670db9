"""The cycle's attendance sections — participation across ateliers, representativity by
type of structure (types never present included) — in the synthèse and on the cycle's
dashboard. Only held ateliers (en cours or clos) are counted; the others are « à venir »."""

from __future__ import annotations

from collections import Counter, defaultdict

from facilitator.core.attendance import core_threshold
from facilitator.rendering import fr
from facilitator.rendering.common import type_label
from facilitator.rendering.context import AtelierData, CycleContext
from facilitator.rendering.model import (
    BarChart,
    Block,
    Section,
    Span,
    Table,
    note,
    para,
    section,
    table,
)


def held_ateliers(ctx: CycleContext) -> list[AtelierData]:
    """Ateliers that took place or are taking place (en cours or clos): the only ones counted
    in attendance, representativity and productions; the others are « à venir »."""
    return [a for a in ctx.ateliers if a.info.held]


def to_come(ctx: CycleContext) -> Block | None:
    coming = [a.info for a in ctx.ateliers if not a.info.held]
    if not coming:
        return None
    items = fr.join(
        [f"atelier {i.number}" + (f" ({fr.date_medium(i.date)})" if i.date else "") for i in coming]
    )
    lead = "Ateliers à venir, non comptés ici" if len(coming) > 1 else "À venir, non compté ici"
    return note(f"{lead} : {items}.")


def participation(ctx: CycleContext) -> Section:
    held = held_ateliers(ctx)
    if not held:
        text = "Pas encore d'atelier tenu : pas de participation."
        return section("Participation", note(text), to_come(ctx))
    labels = tuple(f"A{a.info.number}" for a in held)
    values = tuple(a.info.present for a in held)
    data = _participation_table(held)
    alt = "Diagramme en barres du nombre de participants présents par atelier : " + "; ".join(
        f"atelier {a.info.number}, {fr.count(a.info.present, 'participant')}"
        + (f" dont {fr.number(a.info.remote)} à distance" if a.info.remote else "")
        for a in held
    )
    chart = BarChart(
        key="participation",
        title="Participants présents par atelier",
        alt=alt + ".",
        labels=labels,
        values=values,
        table=data,
    )
    blocks: list[Block] = [chart]
    coming = to_come(ctx)
    if coming is not None:
        blocks.append(coming)
    counts: Counter[int] = Counter(p.person for a in held for p in a.info.presences)
    if counts:
        sentence = (
            f"Au total, {fr.count(len(counts), 'personne a', 'personnes ont')} participé "
            f"à au moins un atelier ; moyenne de {fr.number(round(sum(values) / len(held), 1))} "
            f"présents par atelier tenu."
        )
        if len(held) >= 2:
            threshold = core_threshold(len(held))
            core = sum(1 for n in counts.values() if n >= threshold)
            sentence += (
                f" Noyau stable : {fr.count(core, 'personne présente', 'personnes présentes')} "
                f"à la moitié au moins des ateliers tenus ({threshold} sur {len(held)} ou plus)."
            )
        blocks.insert(0, para(sentence, style="lead"))
    else:
        blocks.insert(0, note("Aucune présence n'a encore été enregistrée."))
    return section("Participation", blocks)


def _participation_table(held: list[AtelierData]) -> Table:
    """Présents per atelier held; « dont à distance » as soon as one person was remote."""
    remote = any(a.info.remote for a in held)
    headers = ["Atelier", "Date", "Présents", *(["Dont à distance"] if remote else [])]
    rows = (
        (
            f"Atelier {a.info.number} — {a.info.title}",
            fr.date_medium(a.info.date),
            fr.number(a.info.present),
            *([fr.number(a.info.remote)] if remote else []),
        )
        for a in held
    )
    if remote:
        return table(
            "participation", "Participants présents par atelier", headers, rows,
            numeric=(2, 3), widths=(50, 20, 15, 15),
        )  # fmt: skip
    return table(
        "participation", "Participants présents par atelier", headers, rows,
        numeric=(2,), widths=(60, 25, 15),
    )  # fmt: skip


def representativity(ctx: CycleContext) -> Section:
    types = dict(ctx.structure_types)
    registered: Counter[str] = Counter(s.type for s in ctx.structures)
    people: dict[str, set[int]] = defaultdict(set)
    presences: Counter[str] = Counter()
    per_atelier: dict[str, Counter[int]] = defaultdict(Counter)
    held = held_ateliers(ctx)
    for atelier in held:
        for p in atelier.info.presences:
            people[p.structure_type].add(p.person)
            presences[p.structure_type] += 1
            per_atelier[p.structure_type][atelier.info.number] += 1
    keys = list(types) + sorted(k for k in set(presences) | set(registered) if k not in types)
    rows = []
    for key in keys:
        seen = len(per_atelier[key])
        rows.append(
            (
                type_label(types, key),
                fr.number(registered[key]),
                fr.number(len(people[key])),
                fr.number(presences[key]),
                f"{seen} sur {len(held)}" if seen else "jamais représenté",
            )
        )
    blocks: list[Block | Section] = [
        table(
            "representativite",
            "Représentativité par type de structure (tous les types, même absents)",
            ["Type de structure", "Structures inscrites", "Personnes", "Présences", "Ateliers"],
            rows,
            numeric=(1, 2, 3),
            widths=(34, 16, 14, 14, 22),
        )
    ]
    never = [type_label(types, k) for k in keys if not presences[k]]
    if never:
        blocks.insert(
            0,
            para(Span("Jamais représentés : ", bold=True), fr.join(never) + ".", style="lead"),
        )
    if held and presences:
        present_keys = [k for k in keys if presences[k]]
        blocks.append(
            table(
                "presences_type_atelier",
                "Présences par type de structure et par atelier",
                ["Type de structure", *(f"A{a.info.number}" for a in held)],
                (
                    (
                        type_label(types, k),
                        *(fr.number(per_atelier[k][a.info.number]) for a in held),
                    )
                    for k in present_keys
                ),
                numeric=tuple(range(1, len(held) + 1)),
                widths=(30, *([max(1, 70 // len(held))] * len(held))),
            )
        )
    return section("Représentativité", blocks)


def present_types(ctx: CycleContext) -> set[str]:
    return {p.structure_type for a in held_ateliers(ctx) for p in a.info.presences}
