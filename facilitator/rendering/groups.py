"""A step that ran in sub-groups, in the compte rendu (issue 18): each group's composition
by structure type (names only when the step was not anonymous) and what it produced."""

from __future__ import annotations

from facilitator.rendering import fr
from facilitator.rendering.context import StepData
from facilitator.rendering.model import Block, Section, bullets, inline, note, para, section, table


def groups_blocks(step: StepData) -> list[Block | Section]:
    """« Travail en sous-groupes »: a table of the groups, then each group's cards."""
    if not step.groups:
        return []
    header = ["Groupe", "Composition par type de structure", "Contributions"]
    named = any(g.members for g in step.groups)
    if named:
        header.insert(2, "Membres")
    counts = {g.name: len(g.items) for g in step.groups}
    for card in step.cards:
        if card.group in counts:
            counts[card.group] += 1
    rows = []
    for group in step.groups:
        composition = ", ".join(f"{label} : {n}" for label, n in group.composition) or "—"
        row = [group.name + (f" — {group.question}" if group.question else ""), composition]
        if named:
            row.append(", ".join(group.members) or "—")
        row.append(fr.number(counts[group.name]))
        rows.append(row)
    widths = (22, 40, 26, 12) if named else (30, 52, 18)
    blocks: list[Block | Section] = [
        para(
            f"Cette étape s'est déroulée en {fr.count(len(step.groups), 'sous-groupe')} "
            "avant une mise en commun.",
            style="lead",
        ),
        table(
            "sous-groupes",
            f"Sous-groupes — {step.title}",
            header,
            rows,
            numeric=(len(header) - 1,),
            widths=widths,
            context=step.title,
        ),
        note(
            "Composition en fin d'étape : chaque groupe tel qu'il était à la fin du travail "
            "en groupes, après les éventuels changements de groupe."
        ),
    ]
    for group in step.groups:
        texts = [c.text for c in step.cards if c.group == group.name] + list(group.items)
        body: Block = (
            bullets(inline(fr.quoted(t)) for t in texts)
            if texts
            else note("Aucune contribution dans ce groupe.")
        )
        blocks.append(section(f"Production du groupe « {group.name} »", body))
    return blocks
