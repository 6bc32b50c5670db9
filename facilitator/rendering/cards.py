"""``cartes`` (and any card-based type without its own module): cards by column and cluster,
ranked by votes when the step had dot voting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from facilitator.rendering import fr
from facilitator.rendering.context import CardData, StepData
from facilitator.rendering.groups import groups_blocks
from facilitator.rendering.model import (
    Block,
    Inline,
    Section,
    Span,
    Table,
    bullets,
    inline,
    note,
    para,
    section,
    table,
)
from facilitator.rendering.sections import StepSection

#: ranks shown as priorities of a voted step (ties included)
TOP_RANKS = 3
NO_CLUSTER = "Hors regroupement"


def card_item(card: CardData, *, votes: bool = False) -> Inline:
    """« text » — author (n votes): the card's words exactly as written."""
    parts: list[str | Span] = [fr.quoted(card.text)]
    if card.group:  # the sub-group it was written in (issue 18), kept when carried
        parts.append(f" (groupe {fr.quoted(card.group)})")
    if card.author:
        parts.append(Span(f" — {card.author}", italic=True))
    if votes:
        parts.append(f" ({fr.count(card.votes, 'vote')})")
    return inline(*parts)


class Voted(Protocol):
    """Anything ranked by its votes (a card, a proposal…)."""

    @property
    def votes(self) -> int: ...


V = TypeVar("V", bound=Voted)


def ranked(cards: Iterable[V]) -> list[tuple[int, V]]:
    """Cards (or proposals…) by votes, highest first, with competition ranks (1, 1, 3…);
    stable order."""
    ordered = sorted(cards, key=lambda c: -c.votes)
    out: list[tuple[int, V]] = []
    for index, card in enumerate(ordered):
        rank = out[-1][0] if out and out[-1][1].votes == card.votes else index + 1
        out.append((rank, card))
    return out


def clusters(cards: Iterable[CardData]) -> dict[str, list[CardData]]:
    """Cards by cluster name in order of first appearance; unclustered ones last."""
    groups: dict[str, list[CardData]] = {}
    loose: list[CardData] = []
    for card in cards:
        if card.cluster:
            groups.setdefault(card.cluster, []).append(card)
        else:
            loose.append(card)
    if loose:
        groups[""] = loose
    return groups


def _column_label(step: StepData, column_id: str) -> str:
    for column in step.columns:
        if column.id == column_id:
            return column.label
    return column_id


def _by_column(step: StepData) -> list[tuple[str, str, list[CardData]]]:
    """(label, hint, cards) per column in the script's order, then unknown columns."""
    known = [c.id for c in step.columns]
    groups: dict[str, list[CardData]] = {c: [] for c in known}
    for card in step.cards:
        groups.setdefault(card.column, []).append(card)
    hints = {c.id: c.hint for c in step.columns}
    return [(_column_label(step, cid), hints.get(cid, ""), cards) for cid, cards in groups.items()]


def _cluster_blocks(cards: list[CardData]) -> list[Block | Section]:
    if not cards:
        return [note("Aucune carte.")]
    groups = clusters(cards)
    if list(groups) == [""]:
        return [bullets(card_item(c) for c in cards)]
    out: list[Block | Section] = []
    for name, members in groups.items():
        title = name or NO_CLUSTER
        heading = f"{title} ({fr.count(len(members), 'carte')})"
        out.append(section(heading, bullets(card_item(c) for c in members)))
    return out


def _ranking_table(step: StepData) -> Table:
    with_clusters = any(c.cluster for c in step.cards)
    with_columns = len({c.column for c in step.cards}) > 1
    with_authors = any(c.author for c in step.cards)
    with_groups = any(c.group for c in step.cards)
    header = ["Rang", "Carte"]
    widths = [7, 41]
    if with_columns:
        header.append("Colonne")
        widths.append(13)
    if with_clusters:
        header.append("Regroupement")
        widths.append(17)
    if with_groups:
        header.append("Groupe")
        widths.append(14)
    if with_authors:
        header.append("Proposée par")
        widths.append(14)
    header.append("Votes")
    widths.append(8)
    rows = []
    for rank, card in ranked(step.cards):
        row = [str(rank), card.text]
        if with_columns:
            row.append(_column_label(step, card.column))
        if with_clusters:
            row.append(card.cluster or "—")
        if with_groups:
            row.append(card.group or "—")
        if with_authors:
            row.append(card.author or "—")
        row.append(fr.number(card.votes))
        rows.append(row)
    return ranking_table("cartes", "Cartes", step, header, rows, widths, len(header) - 1)


def ranking_table(
    name: str,
    what: str,
    step: StepData,
    header: list[str],
    rows: list[list[str]],
    widths: list[int],
    votes_column: int,
) -> Table:
    """The table of ``what`` (« Cartes »…) classées par nombre de votes in ``step``: the rank
    (first column) and the votes (``votes_column``) are numbers."""
    return table(
        name,
        f"{what} classées par nombre de votes — {step.title}",
        header,
        rows,
        numeric=(0, votes_column),
        widths=widths,
        context=step.title,
    )


def _cluster_table(step: StepData) -> Table | None:
    groups = {name: cards for name, cards in clusters(step.cards).items() if name}
    if not groups:
        return None
    rows = sorted(
        ((name, len(cards), sum(c.votes for c in cards)) for name, cards in groups.items()),
        key=lambda row: -row[2],
    )
    return table(
        "regroupements",
        f"Regroupements classés par nombre de votes — {step.title}",
        ["Regroupement", "Cartes", "Votes"],
        ((name, fr.number(n), fr.number(v)) for name, n, v in rows),
        numeric=(1, 2),
        widths=(60, 20, 20),
        context=step.title,
    )


def _flagged(step: StepData, flag: str) -> tuple[Inline, ...]:
    return tuple(card_item(c) for c in step.cards if flag in c.flags)


def _summary(step: StepData) -> str:
    cards = step.cards
    parts = [fr.count(len(cards), "contribution")]
    named = sorted({c.cluster for c in cards if c.cluster})
    if named:
        parts.append(fr.count(len(named), "regroupement"))
    if step.votes:
        parts.append(fr.count(sum(c.votes for c in cards), "vote"))
    return fr.join(parts)


def cards_section(step: StepData) -> StepSection:
    """The cards of a step as the compte rendu shows them: by column and regroupement, or
    ranked by votes, with the cards the animateur marked as décisions, points à reprendre
    and questions ouvertes (the ``cartes`` type's section, reused by others)."""
    # a step that ran in sub-groups: the groups and what each produced first (issue 18)
    blocks: list[Block | Section] = groups_blocks(step)
    decisions = list(_flagged(step, "decision"))
    if not step.cards:
        blocks.append(note("Aucune contribution à cette étape."))
    elif step.votes:
        budget, cap = step.votes
        blocks.append(
            para(
                f"{_summary(step).capitalize()}. Chaque participant disposait de "
                f"{fr.count(budget, 'vote')} ({cap} au plus par carte).",
                style="lead",
            )
        )
        cluster_table = _cluster_table(step)
        if cluster_table is not None:
            blocks.append(cluster_table)
        blocks.append(_ranking_table(step))
        top = [c for rank, c in ranked(step.cards) if rank <= TOP_RANKS and c.votes > 0]
        # a décision card among the most voted is listed once, with its votes
        top_ids = {id(c) for c in top}
        decisions = [
            card_item(c) for c in step.cards if "decision" in c.flags and id(c) not in top_ids
        ]
        decisions.extend(card_item(card, votes=True) for card in top)
    else:
        blocks.append(para(_summary(step).capitalize() + ".", style="lead"))
        columns = _by_column(step)
        if len(columns) == 1:
            blocks.extend(_cluster_blocks(columns[0][2]))
        else:
            for label, hint, cards in columns:
                blocks.append(
                    section(
                        label,
                        note(hint) if hint else None,
                        _cluster_blocks(cards),
                    )
                )
    return StepSection(
        blocks=tuple(blocks),
        decisions=tuple(decisions),
        carry_over=_flagged(step, "carry_over"),
        open_questions=_flagged(step, "open_question"),
        summary=_summary(step),
    )
