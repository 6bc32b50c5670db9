"""Compte rendu d'atelier (capitalisation): who came, what each step produced, what was
decided, what carries over to the next atelier."""

from __future__ import annotations

from facilitator.activities import documents_for
from facilitator.rendering import fr
from facilitator.rendering.common import (
    atelier_heading,
    atelier_when,
    colophon,
    cycle_facts,
    presence_by_type,
    slug,
)
from facilitator.rendering.context import AtelierContext, StepData
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
)
from facilitator.rendering.sections import StepSection

KIND = "compte-rendu"


def _facts(ctx: AtelierContext) -> tuple[tuple[str, str], ...]:
    info = ctx.atelier.info
    facts = [
        ("Atelier", f"{info.number} sur {ctx.total_ateliers} — {info.title}"),
        ("Date", atelier_when(info, long=True)),
        ("Lieu", info.lieu or "non renseigné"),
        ("Mode", info.mode),
        *cycle_facts(ctx.cycle),
    ]
    if info.closed:
        facts.append(("État", f"clos le {fr.datetime_long(info.closed_at)}"))
    else:
        facts.append(("État", f"{info.state_label} (document provisoire)"))
    return tuple(facts)


def _excused(n: int) -> str:
    return fr.count(n, "personne excusée", "personnes excusées") + "."


def _participation(ctx: AtelierContext) -> Section:
    info = ctx.atelier.info
    presences = info.presences
    if not presences:
        blocks: list[Block] = [
            note("Aucune présence n'a été enregistrée pour cet atelier."),
        ]
        if info.excused:
            blocks.append(para(_excused(info.excused)))
        return section("Participation", blocks)
    structures = sorted({p.structure for p in presences})
    remote = f" dont {fr.number(info.remote)} à distance" if info.remote else ""
    lead = (
        f"{fr.count(len(presences), 'participant')}{remote}, "
        f"{fr.count(len(structures), 'structure représentée', 'structures représentées')}."
    )
    if info.excused:
        lead += " " + _excused(info.excused)
    return section(
        "Participation",
        para(lead, style="lead"),
        presence_by_type(
            presences,
            dict(ctx.structure_types),
            "Participants et structures par type de structure",
            "presence",
        ),
        para(Span("Structures présentes : ", bold=True), fr.join(structures) + "."),
    )


def _step_section(step: StepData, built: StepSection) -> Section:
    title = f"{step.number}. {step.title}"
    meta = f"Durée prévue : {step.duration} min." if step.duration else None
    return section(
        title,
        para(Span("Consigne : ", bold=True), step.consigne, style="consigne"),
        note(meta) if meta else None,
        note("Étape anonyme : les noms des auteurs ne sont pas indiqués.")
        if step.anonymous and step.cards
        else None,
        built.blocks,
    )


def _with_step(step: StepData, items: tuple[Inline, ...]) -> list[Inline]:
    prefix = Span(f"{step.title} : ", bold=True)
    return [(prefix, *item) for item in items]


def compose(ctx: AtelierContext) -> Document:
    info = ctx.atelier.info
    built = [(step, documents_for(step.type).step_section(step)) for step in ctx.atelier.steps]

    if built:
        productions = section(
            "Déroulé et productions", (_step_section(step, part) for step, part in built)
        )
    else:
        productions = section(
            "Déroulé et productions", note("Le déroulé de cet atelier ne comporte aucune étape.")
        )

    decisions = [item for step, part in built for item in _with_step(step, part.decisions)]
    decided = section(
        "Décisions et priorités",
        bullets(decisions)
        if decisions
        else note("Aucune décision ni priorité n'a été enregistrée pendant cet atelier."),
    )

    carry = [item for step, part in built for item in _with_step(step, part.carry_over)]
    following: list[Block] = []
    if ctx.next_atelier is not None:
        nxt = ctx.next_atelier
        where = f", {nxt.lieu}" if nxt.lieu else ""
        following.append(
            para(
                Span("Prochain atelier : ", bold=True),
                f"{atelier_heading(nxt)} — {nxt.mode}{where}.",
            )
        )
    else:
        following.append(note("Aucun autre atelier n'est encore programmé dans ce cycle."))
    # marks are printed as the animateur set them: nothing is invented for an unmarked atelier
    if carry:
        following.append(para("À reprendre au prochain atelier :", style="lead"))
        following.append(bullets(carry))
    else:
        following.append(note("Aucun point marqué « à reprendre » pendant cet atelier."))
    opened = [item for step, part in built for item in _with_step(step, part.open_questions)]
    if opened:
        following.append(para("Questions ouvertes :", style="lead"))
        following.append(bullets(opened))
    else:
        following.append(note("Aucun point marqué « question ouverte » pendant cet atelier."))

    return Document(
        kind=KIND,
        title="Compte rendu d'atelier",
        subtitle=f"{info.title} — {ctx.cycle.title}",
        facts=_facts(ctx),
        sections=(
            _participation(ctx),
            productions,
            decided,
            section("Pour la suite", following),
        ),
        filename=f"compte-rendu-atelier-{info.number}-{slug(info.title, 40)}",
        colophon=colophon(ctx.generated_at, "du tableau de l'atelier"),
    )
