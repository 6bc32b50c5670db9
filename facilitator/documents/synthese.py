"""Synthèse du cycle: every atelier, attendance across ateliers, representativity by type
of structure (types never present included — both in ``cycle_attendance``), productions and
how they evolved, the evaluation, and the open questions (« l'après »)."""

from __future__ import annotations

from collections import defaultdict

from facilitator.activities import REGISTRY, documents_for
from facilitator.activities.evaluation.document import result_blocks
from facilitator.activities.evaluation.models import CONDITIONS
from facilitator.documents import cycle_attendance, loaders, production_state
from facilitator.rendering import fr
from facilitator.rendering.common import atelier_heading, atelier_when, colophon, cycle_facts, slug
from facilitator.rendering.context import AtelierData, CycleContext
from facilitator.rendering.model import (
    Block,
    Document,
    Inline,
    Section,
    Span,
    bullets,
    note,
    para,
    section,
    table,
)
from facilitator.rendering.sections import StepSection

KIND = "synthese"
ATELIERS_HEADER = ("N°", "Atelier", "Date", "Mode", "Lieu", "Présents", "État")


def _facts(ctx: CycleContext) -> tuple[tuple[str, str], ...]:
    facts = cycle_facts(ctx.cycle)
    planned = [a for a in ctx.ateliers if not a.info.cancelled]  # cancelled: in no figure
    closed = sum(1 for a in planned if a.info.closed)
    cancelled = len(ctx.ateliers) - len(planned)
    facts.append(
        (
            "Ateliers",
            f"{fr.count(len(planned), 'atelier programmé', 'ateliers programmés')}, "
            f"dont {fr.count(closed, 'clos', 'clos')}"
            + (f" ; {fr.count(cancelled, 'annulé', 'annulés')}" if cancelled else ""),
        )
    )
    dates = [a.info.date for a in planned if a.info.date]
    if dates:
        first, last = fr.date_medium(min(dates)), fr.date_medium(max(dates))
        facts.append(("Période", f"du {first} au {last}"))
    people = len({p.person for a in cycle_attendance.held_ateliers(ctx) for p in a.info.presences})
    facts.append(("Participants", fr.count(people, "personne différente", "personnes différentes")))
    registered = len(ctx.structures)
    facts.append(("Structures", fr.count(registered, "structure inscrite", "structures inscrites")))
    return tuple(facts)


def _ateliers(ctx: CycleContext) -> Section:
    if not ctx.ateliers:
        return section(
            "Les ateliers", note("Aucun atelier n'a encore été programmé dans ce cycle.")
        )
    rows = [
        (
            str(a.info.number),
            a.info.title,
            atelier_when(a.info) or fr.date_medium(None),
            a.info.mode,
            a.info.lieu or "—",
            fr.number(a.info.present) if a.info.held else "—",
            "annulé" if a.info.cancelled else a.info.state_label if a.info.held else "à venir",
        )
        for a in ctx.ateliers
    ]
    return section(
        "Les ateliers",
        table(
            "ateliers",
            "Ateliers du cycle",
            ATELIERS_HEADER,
            rows,
            numeric=(0, 5),
            widths=(6, 26, 16, 12, 18, 12, 10),
        ),
    )


def _built(atelier: AtelierData) -> list[tuple[str, StepSection]]:
    return [(step.title, documents_for(step.type).step_section(step)) for step in atelier.steps]


def _productions(ctx: CycleContext, built: dict[int, list[tuple[str, StepSection]]]) -> Section:
    # held ateliers, and any other that already has contributions (work between ateliers)
    held = [a for a in ctx.ateliers if a.info.held or any(s.cards for s in a.steps)]
    if not any(a.steps for a in held):
        return section("Productions et évolution", note("Aucune production pour l'instant."))
    counted = ctx.extra.get(loaders.COUNTS) or ()
    by_atelier = {id(a): counted[i] for i, a in enumerate(ctx.ateliers) if i < len(counted)}
    rows = []
    for atelier in held:
        cards = [c for s in atelier.steps for c in s.cards]
        others = by_atelier.get(id(atelier), ())
        votes = sum(c.votes for c in cards) + sum(n for _w, _p, n, vote in others if vote)
        detail = [fr.count(n, what, plural) for what, plural, n, _vote in others]
        rows.append(
            (
                atelier_heading(atelier.info),
                fr.number(len(cards)),
                fr.number(votes),
                fr.join(detail) or "—",
            )
        )
    children: list[Block | Section] = [
        para(
            "Cartes et votes sur les cartes de toutes les étapes, et ce que chaque activité a "
            "produit dans l'atelier où cela s'est fait (votes : points donnés et bulletins).",
            style="note",
        ),
        table(
            "evolution",
            "Productions par atelier",
            ["Atelier", "Cartes", "Votes", "Autres productions"],
            rows,
            numeric=(1, 2),
            widths=(30, 11, 11, 48),
        ),
    ]
    for atelier in held:
        parts = built[id(atelier)]
        if not atelier.steps:
            continue
        steps = bullets(
            (Span(f"{title} : ", bold=True), Span(part.summary)) for title, part in parts
        )
        decisions = [
            (Span(f"{title} : ", bold=True), *item)
            for title, part in parts
            for item in part.decisions
        ]
        children.append(
            section(
                atelier_heading(atelier.info),
                steps,
                para("Priorités et décisions :", style="lead") if decisions else None,
                bullets(decisions) if decisions else None,
            )
        )
    for type_id, entry in REGISTRY.items():
        children.extend(entry.documents.cycle_sections(ctx.extra.get(type_id), ctx))
    return section("Productions et évolution", children)


def _after(ctx: CycleContext, built: dict[int, list[tuple[str, StepSection]]]) -> Section:
    children: list[Block | Section] = []
    questions: list[Inline] = [
        item for parts in built.values() for _t, part in parts for item in part.open_questions
    ]
    if questions:
        children.append(section("Questions ouvertes", bullets(questions)))
    held = cycle_attendance.held_ateliers(ctx)
    if held:
        carry = [item for _t, part in built[id(held[-1])] for item in part.carry_over]
        if carry:
            title = f"À reprendre après l'atelier {held[-1].info.number}"
            children.append(section(title, bullets(carry)))
    missing = [
        label
        for key, label in ctx.structure_types
        if key not in cycle_attendance.present_types(ctx)
    ]
    if missing:
        children.append(
            section(
                "Représentativité : qui manque ?",
                para("Types de structure jamais présents à un atelier : " + fr.join(missing) + "."),
            )
        )
    if len(held) >= 2:
        first, last = held[0].info, held[-1].info
        children.append(
            section(
                "Mobilisation",
                para(
                    f"La participation est passée de {fr.number(first.present)} à l'atelier "
                    f"{first.number} à {fr.number(last.present)} à l'atelier {last.number}."
                ),
            )
        )
    if not children:
        children.append(note("Aucune question ouverte n'a été enregistrée."))
    return section("L'après : questions ouvertes", children)


def evaluation(ctx: CycleContext) -> Section | None:
    """*Évaluation du cycle*: each evaluation step's anonymous results, the five conditions
    of collective impact (animateur per atelier, participants' mean) and the indicator
    grid. None when the context was read without it (``sections/evaluation.py``)."""
    data = ctx.extra.get("evaluation")
    if data is None:
        return None
    children: list[Block | Section] = []
    for result in data["results"]:
        title = f"Atelier {result['atelier_number']} — {result['step']}"
        children.append(section(title, result_blocks(result)))
    ateliers = data["ateliers"]
    assessed = data["assessments"]
    participants: dict[str, list[float]] = defaultdict(list)
    for result in data["results"]:
        for key, value in result["conditions"].items():
            participants[key].append(value)
    if assessed or participants:
        columns = [(a_id, f"At. {number}") for a_id, number, _t in ateliers] + [(None, "Cycle")]
        used = [c for c in columns if any((c[0], k) in assessed for k in CONDITIONS)]
        rows = []
        for key, label in CONDITIONS.items():
            levels = [
                data["levels"].get(assessed[(a_id, key)], "—") if (a_id, key) in assessed else "—"
                for a_id, _h in used
            ]
            mean = participants.get(key)
            rows.append(
                (label, *levels, fr.number(round(sum(mean) / len(mean), 1)) if mean else "—")
            )
        children.append(
            section(
                "Les cinq conditions de l'impact collectif",
                para(
                    "Niveau estimé par l'animateur (absente, émergente, en place, solide) et "
                    "moyenne des participants sur 4.",
                ),
                table(
                    "conditions",
                    "Conditions de l'impact collectif",
                    ["Condition", *[h for _a, h in used], "Participants"],
                    rows,
                ),
            )
        )
    indicators = data["indicators"]
    if indicators:
        children.append(
            section(
                "Grille d'indicateurs",
                table(
                    "indicateurs",
                    "Indicateurs d'effectivité et d'impact",
                    ["Type", "Indicateur", "Cible", "Valeur", "Source", "Commentaire"],
                    (
                        (
                            i["kind"],
                            i["label"],
                            i["target"] or "—",
                            i["value"] or "—",
                            i["source"] or "—",
                            i["comment"] or "—",
                        )
                        for i in indicators
                    ),
                    widths=(14, 24, 14, 14, 14, 20),
                ),
            )
        )
    if not children:
        children.append(
            note(
                "Aucune évaluation pour l'instant : ajoutez une étape « évaluation » en fin "
                "d'atelier et remplissez la grille d'indicateurs du cycle."
            )
        )
    return section("Évaluation du cycle", children)


def productions_state(ctx: CycleContext) -> Section | None:
    """Where the questions, the charte and the feuille de route stand (dashboard too)."""
    state = ctx.extra.get(production_state.KEY)
    return production_state.compose(state) if state is not None else None


def compose(ctx: CycleContext) -> Document:
    # keyed by object: atelier numbers are not guaranteed unique
    built = {id(a): _built(a) for a in ctx.ateliers}
    return Document(
        kind=KIND,
        title="Synthèse du cycle",
        subtitle=ctx.cycle.title,
        facts=_facts(ctx),
        sections=(
            _ateliers(ctx),
            cycle_attendance.participation(ctx),
            cycle_attendance.representativity(ctx),
            *(
                s
                for s in (productions_state(ctx), _productions(ctx, built), evaluation(ctx))
                if s is not None
            ),
            _after(ctx, built),
        ),
        filename=f"synthese-{slug(ctx.cycle.title)}",
        colophon=colophon(ctx.generated_at, "des tableaux des ateliers du cycle"),
    )
