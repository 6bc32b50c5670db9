"""The charte document: the cycle's adopted version (the latest one), or — when none is
adopted yet — the latest version, marked « Projet ». Sections and numbered clauses, the
version's number and history, the adoption vote's result and the signatory structures.
No participant's name appears: ballots are counted, structures sign."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from facilitator.activities.charte.models import VERSION_STATUSES, CharteSignatory, CharteVersion
from facilitator.activities.charte.settings import section_list
from facilitator.core.document_facts import cycle_info
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Atelier, Cycle, Step, Structure
from facilitator.rendering import fr
from facilitator.rendering.common import colophon, cycle_facts, slug
from facilitator.rendering.context import CycleInfo
from facilitator.rendering.kinds import DocumentKind
from facilitator.rendering.model import Document, Section, Span, bullets, note, para, section, table

KIND = "charte"


@dataclass(frozen=True)
class ClauseData:
    section: str
    section_label: str
    text: str


@dataclass(frozen=True)
class VersionRow:
    number: int
    status_label: str
    frozen: datetime | None
    closed: datetime | None
    outcome: str
    #: « atelier 8 (10 janvier 2027) »: where its adoption vote took place, or ""
    vote_atelier: str = ""


@dataclass(frozen=True)
class CharteContext:
    cycle: CycleInfo
    generated_at: datetime
    number: int | None = None
    status: str = ""
    adopted: bool = False
    frozen_at: datetime | None = None
    closed_at: datetime | None = None
    #: (section id, label) in the order of the script's sections
    sections: tuple[tuple[str, str], ...] = ()
    clauses: tuple[ClauseData, ...] = ()
    result: dict[str, Any] = field(default_factory=dict)
    #: (name, type label) of the signatory structures
    signatories: tuple[tuple[str, str], ...] = ()
    history: tuple[VersionRow, ...] = ()
    newer_draft: int | None = None
    #: where and when the chosen version's vote took place (« atelier 8, le 10 janvier 2027 »)
    vote_atelier: str = ""
    #: the public restitution's copy: no draft, no version in preparation
    public: bool = False


def _section_order(cycle_id: int) -> list[tuple[str, str]]:
    steps = db.session.scalars(
        select(Step)
        .join(Atelier, Atelier.id == Step.atelier_id)
        .where(Atelier.cycle_id == cycle_id, Step.type == "charte")
        .order_by(Atelier.position.desc(), Atelier.id.desc())
    ).all()
    sections = section_list((steps[0].settings or {}) if steps else {})
    return [(s["id"], s["label"]) for s in sections]


#: statuses a public page shows: versions the group froze or voted on
PUBLIC_STATUSES = ("gelee", "adoptee", "non_adoptee")


def _vote_places(versions: list[CharteVersion]) -> dict[int, str]:
    """Version id → « atelier 8 (10 janvier 2027) » where its adoption vote took place."""
    ids = {v.vote_atelier_id for v in versions if v.vote_atelier_id}
    ateliers = {a.id: a for a in db.session.scalars(select(Atelier).where(Atelier.id.in_(ids)))}
    out: dict[int, str] = {}
    for v in versions:
        atelier = ateliers.get(v.vote_atelier_id or 0)
        if atelier is not None:
            when = f" ({fr.date_medium(atelier.date)})" if atelier.date else ""
            out[v.id] = f"atelier {atelier.position}{when}"
    return out


def load_public(cycle_id: int) -> CharteContext:
    """The charte as the public restitution shows it: no draft, no version in preparation."""
    return load(cycle_id, public=True)


def load(cycle_id: int, *, now: datetime | None = None, public: bool = False) -> CharteContext:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("Cycle introuvable.")
    info = cycle_info(cycle)
    generated = now or datetime.now(UTC)
    versions = db.session.scalars(
        select(CharteVersion)
        .where(CharteVersion.cycle_id == cycle_id)
        .order_by(CharteVersion.number)
    ).all()
    if public:
        versions = [v for v in versions if v.status in PUBLIC_STATUSES]
    if not versions:
        return CharteContext(cycle=info, generated_at=generated, public=public)
    places = _vote_places(list(versions))
    adopted = [v for v in versions if v.status == "adoptee"]
    chosen = adopted[-1] if adopted else versions[-1]
    order = _section_order(cycle_id)
    known = {key for key, _ in order}
    extra = [(c.section, c.section_label or c.section) for c in chosen.clauses]
    order += list(dict.fromkeys((k, label) for k, label in extra if k not in known))
    signers = db.session.execute(
        select(Structure.name, Structure.type)
        .join(CharteSignatory, CharteSignatory.structure_id == Structure.id)
        .where(CharteSignatory.version_id == chosen.id)
        .order_by(Structure.name)
    ).all()
    return CharteContext(
        cycle=info,
        generated_at=generated,
        number=chosen.number,
        status=chosen.status,
        adopted=chosen.status == "adoptee",
        frozen_at=chosen.frozen_at,
        closed_at=chosen.closed_at,
        sections=tuple(order),
        clauses=tuple(
            ClauseData(c.section, c.section_label, c.text)
            for c in sorted(chosen.clauses, key=lambda c: (c.position, c.id))
        ),
        result=dict(chosen.result or {}),
        signatories=tuple((name, STRUCTURE_TYPES.get(t, t)) for name, t in signers),
        history=tuple(
            VersionRow(
                v.number,
                VERSION_STATUSES.get(v.status, v.status),
                v.frozen_at,
                v.closed_at,
                (v.result or {}).get("outcome_label", ""),
                places.get(v.id, ""),
            )
            for v in versions
        ),
        newer_draft=(
            versions[-1].number if versions[-1].number > chosen.number and not public else None
        ),
        vote_atelier=places.get(chosen.id, ""),
        public=public,
    )


def _result_section(ctx: CharteContext) -> Section | None:
    r = ctx.result
    if not r:
        return None
    who = "structures" if r.get("ballot") == "structure" else "participants"
    base = "des suffrages exprimés (pour + contre)"
    if r.get("threshold_base") == "votants":
        base = "des bulletins déposés"
    electors = "du cycle" if r.get("quorum_base") == "cycle" else "présents à l'atelier"
    rows = [
        (g["label"], _side(g["counts_as"]), fr.number(g["count"])) for g in r.get("gradients", [])
    ]
    return section(
        "Vote d'adoption",
        para(
            "Résultat : ",
            Span(r.get("outcome_label", ""), bold=True),
            (
                f" (vote à l'{ctx.vote_atelier}, clos le {fr.datetime_long(ctx.closed_at)})."
                if ctx.vote_atelier and ctx.closed_at
                else f" (vote clos le {fr.datetime_long(ctx.closed_at)})."
                if ctx.closed_at
                else "."
            ),
            style="lead",
        ),
        bullets(
            [
                f"Un bulletin par {'structure' if who == 'structures' else 'participant'} ; "
                f"{fr.count(r.get('ballots', 0), 'bulletin')} pour "
                f"{fr.count(r.get('electors', 0), who[:-1], who)} {electors}.",
                f"Quorum : {r.get('quorum', 0)} % des votants possibles, soit "
                f"{fr.number(r.get('quorum_needed', 0))} — "
                f"{'atteint' if r.get('quorum_reached') else 'non atteint'}.",
                f"Seuil d'adoption : plus de {r.get('threshold', 0)} % {base} — "
                f"{fr.number(r.get('pour', 0))} pour sur {fr.number(r.get('base', 0))}, soit "
                f"{fr.number(float(r.get('share', 0)))} % : "
                f"{'atteint' if r.get('threshold_reached') else 'non atteint'}.",
            ]
        ),
        table(
            "vote",
            "Bulletins par degré d'accord",
            ["Degré d'accord", "Compté comme", "Bulletins"],
            rows,
            numeric=(2,),
            widths=(50, 30, 20),
        ),
    )


def _side(counts_as: str) -> str:
    return {"pour": "pour l'adoption", "contre": "contre", "abstention": "abstention"}.get(
        counts_as, counts_as
    )


def _signatures(ctx: CharteContext) -> Section:
    """The signature page: each signatory structure, a line for its representative's name
    and quality, place and date, signature (printed on a page of its own)."""
    rows = [(name, "", "Fait à\u00a0:\nLe\u00a0:", "") for name, _kind in ctx.signatories]
    if not rows:  # an adopted charte with no signatory yet: blank lines to fill by hand
        rows = [("", "", "Fait à\u00a0:\nLe\u00a0:", "")] * 4
    return section(
        "Signatures",
        para(
            f"Les structures ci-dessous signent la charte « {ctx.cycle.title} », version "
            f"{ctx.number}, et s'engagent à la faire vivre.",
        ),
        table(
            "signatures",
            "Signatures des structures",
            ["Structure", "Nom et qualité du représentant", "Lieu et date", "Signature"],
            rows,
            widths=(26, 28, 20, 26),
            row_height=2.6,
        ),
        new_page=True,
    )


def compose(ctx: CharteContext) -> Document:
    title = f"Charte — {ctx.cycle.title}"
    facts = list(cycle_facts(ctx.cycle))
    sections: list[Section] = []
    if ctx.number is None:
        subtitle = "Aucune version rédigée"
        sections.append(
            section(
                "Charte",
                note(
                    "La charte de ce cycle n'a pas encore de version : elle se rédige dans "
                    "une étape « Charte » d'un atelier (idées, rédaction, amendements, vote)."
                ),
            )
        )
    else:
        state = VERSION_STATUSES.get(ctx.status, ctx.status).lower()
        if ctx.adopted:
            subtitle = f"Version {ctx.number}, adoptée"
        else:
            subtitle = f"Projet — version {ctx.number} ({state})"
        facts.append(("Version", f"{ctx.number} — {state}"))
        if ctx.adopted and ctx.closed_at:
            facts.append(("Adoptée le", fr.datetime_long(ctx.closed_at)))
        if ctx.vote_atelier:
            facts.append(("Vote d'adoption", ctx.vote_atelier))
        if not ctx.adopted:
            sections.append(
                section(
                    "Projet",
                    note(
                        "Projet : cette version n'a pas (encore) été adoptée. Elle peut "
                        "encore changer."
                    ),
                )
            )
        elif ctx.newer_draft:
            sections.append(
                section(
                    "Version en cours",
                    note(
                        f"Une version {ctx.newer_draft} est en préparation : ce document "
                        f"reste celui de la version {ctx.number}, adoptée."
                    ),
                )
            )
        number = 0
        for key, label in ctx.sections:
            clauses = [c for c in ctx.clauses if c.section == key]
            if not clauses:
                continue
            number += 1
            sections.append(
                section(
                    f"{number}. {label}",
                    [
                        para(Span(f"{number}.{i} ", bold=True), c.text)
                        for i, c in enumerate(clauses, start=1)
                    ],
                )
            )
        result = _result_section(ctx)
        if result is not None:
            sections.append(result)
        if ctx.adopted:
            sections.append(
                section(
                    "Structures signataires",
                    bullets([f"{name} ({kind})" for name, kind in ctx.signatories])
                    if ctx.signatories
                    else note("Aucune structure signataire."),
                )
            )
        sections.append(
            section(
                "Historique des versions",
                table(
                    "versions",
                    "Versions de la charte",
                    ["Version", "Statut", "Gelée le", "Vote", "Résultat"],
                    [
                        (
                            str(v.number),
                            v.status_label,
                            fr.date_medium(v.frozen.date(), "—") if v.frozen else "—",
                            (v.vote_atelier or "—")
                            + (f", clos le {fr.date_medium(v.closed.date())}" if v.closed else ""),
                            v.outcome or "—",
                        )
                        for v in ctx.history
                    ],
                    numeric=(0,),
                    widths=(10, 14, 20, 36, 20),
                ),
            )
        )
        if ctx.adopted:
            sections.append(_signatures(ctx))
    return Document(
        kind=KIND,
        title=title,
        subtitle=subtitle,
        facts=tuple(facts),
        sections=tuple(sections),
        filename=f"charte-{slug(ctx.cycle.title)}" + (f"-v{ctx.number}" if ctx.number else ""),
        colophon=colophon(ctx.generated_at, "de la charte du cycle"),
    )


KIND_CHARTE = DocumentKind(id=KIND, label="Charte", scope="cycle", load=load, compose=compose)
