"""``charte`` in documents: in the compte rendu, what happened to the cycle's charte in that
atelier — versions started, consolidated or frozen there, the number of clauses, the
amendments proposed and decided there (between ateliers too, when its step was open for
asynchronous contributions), the adoption vote if it closed there. Accepted amendments and
an adoption are the atelier's decisions; amendments still pending are « à reprendre ». The
step's idea cards follow (the generic section). The charte itself is the cycle document
``charte`` (documents/charte.py).

What happened is read from the atelier's event log (``charte.version`` and
``charte.amendment`` envelopes: each is the state after a change made in that atelier), so a
compte rendu built later still tells that atelier's story."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from facilitator.activities.charte.models import (
    AMENDMENT_STATUSES,
    VERSION_STATUSES,
    CharteAmendment,
    CharteAmendmentVote,
    CharteBallot,
    CharteVersion,
)
from facilitator.activities.charte.settings import section_list
from facilitator.contract import ProductionCount
from facilitator.core.document_facts import (
    PerStepDocuments,
    counts,
    first_seen_counts,
    per_atelier,
    production_facts,
)
from facilitator.extensions import db
from facilitator.models import Atelier, Step
from facilitator.rendering import fr
from facilitator.rendering.cards import cards_section
from facilitator.rendering.groups import groups_blocks
from facilitator.rendering.model import Block, Section, inline, note, para, table
from facilitator.rendering.model import plain as clean
from facilitator.rendering.sections import StepSection

if TYPE_CHECKING:
    from facilitator.rendering.context import StepData

HEADER = ["Objet", "Proposition", "Raison", "Statut"]
ACCEPTED = ("acceptee", "integree")
PENDING = ("proposee", "en_vote")


def _numbers(version_ids: set[int], sections: list[str]) -> dict[int, str]:
    """Clause id → « 2.1 » (section rank . rank in the section) in its own version."""
    order = {s: i for i, s in enumerate(sections)}
    out: dict[int, str] = {}
    for version in db.session.scalars(
        select(CharteVersion).where(CharteVersion.id.in_(version_ids))
    ):
        ranks: dict[str, int] = {}
        for clause in sorted(version.clauses, key=lambda c: (order.get(c.section, 99), c.position)):
            ranks[clause.section] = ranks.get(clause.section, 0) + 1
            out[clause.id] = f"{order.get(clause.section, 98) + 1}.{ranks[clause.section]}"
    return out


def _load(step: Step) -> dict[str, Any]:
    """Plain data: the charte's story in the step's atelier."""
    atelier = step.atelier
    sections = section_list(step.settings or {})
    labels = {s["id"]: s["label"] for s in sections}
    versions: dict[int, dict[str, Any]] = {}  # id → last state seen in this atelier
    frozen: list[int] = []
    opened: list[int] = []
    closed: list[int] = []
    amendments: dict[int, dict[str, Any]] = {}
    before: dict[int, dict[str, Any]] = {}  # id → last state seen anywhere so far
    for fact in production_facts(atelier.cycle_id, ("charte.version", "charte.amendment")):
        here = fact.atelier_id == atelier.id
        if fact.type == "charte.version":
            v = fact.payload["version"]
            previous = before.get(v["id"], {})
            before[v["id"]] = v
            if not here:
                continue
            versions[v["id"]] = v
            # a freeze or an opening happened here only if the state changed here
            if (
                v["status"] == "gelee"
                and previous.get("status") != "gelee"
                and v["number"] not in frozen
            ):
                frozen.append(v["number"])
            if (
                v.get("vote_state") in ("ouvert", "clos")
                and not previous.get("vote_state")
                and v["number"] not in opened
            ):
                opened.append(v["number"])
            if (
                v.get("vote_state") == "clos"
                and previous.get("vote_state") != "clos"
                and v["number"] not in closed
            ):
                closed.append(v["number"])
        elif here:
            a = fact.payload["amendment"]
            amendments[a["id"]] = a
    created = db.session.scalars(
        select(CharteVersion)
        .where(CharteVersion.atelier_id == atelier.id)
        .order_by(CharteVersion.number)
    ).all()
    started = []
    for v in created:
        parent = db.session.get(CharteVersion, v.parent_id) if v.parent_id else None
        started.append(
            {
                "number": v.number,
                # a version made from a draft is its consolidation; else a new start
                "how": "consolidee" if parent is not None and parent.status == "remplacee" else "",
                "parent": parent.number if parent else None,
            }
        )
    vote = None
    for v in versions.values():
        if (
            v["number"] in closed
            and v.get("vote_state") == "clos"
            and (v.get("result") or {}).get("outcome")
        ):
            r = v["result"]
            vote = {
                "number": v["number"],
                "outcome": r["outcome"],
                "outcome_label": r.get("outcome_label", ""),
                "ballots": r.get("ballots", 0),
                "electors": r.get("electors", 0),
                "quorum_reached": bool(r.get("quorum_reached")),
                "share": r.get("share", 0),
                "threshold": r.get("threshold", 0),
                "signatories": [clean(s) for s in r.get("signatories", [])],
            }
    # the version as it stands after this atelier: the latest one it touched
    touched = {v["id"] for v in versions.values()} | {v.id for v in created}
    latest = db.session.scalar(
        select(CharteVersion)
        .where(CharteVersion.id.in_(touched))
        .order_by(CharteVersion.number.desc())
        .limit(1)
    )
    current = None
    if latest is not None:
        # its status as this atelier left it (a later atelier may have frozen or adopted it)
        status = versions.get(latest.id, {}).get("status") or latest.status
        current = {
            "number": latest.number,
            "status": status,
            "status_label": VERSION_STATUSES.get(status, status),
            "clauses": len(latest.clauses),
        }
    numbers = _numbers({a["version_id"] for a in amendments.values()}, [s["id"] for s in sections])
    created_at = dict(
        db.session.execute(
            select(CharteAmendment.id, CharteAmendment.created_at).where(
                CharteAmendment.id.in_(list(amendments))
            )
        ).all()
    )
    out_amendments = []
    for a in sorted(amendments.values(), key=lambda x: x["id"]):
        if a["status"] == "retiree":
            continue
        section = labels.get(a["section"], a["section"])
        number = numbers.get(a["clause_id"] or 0)
        when = created_at.get(a["id"])
        out_amendments.append(
            {
                "target": (
                    f"Nouvelle clause — {section}"
                    if a["kind"] == "ajout"
                    else f"Clause {number}"
                    if number
                    else f"Clause retirée — {section}"
                ),
                "kind": a["kind"],
                "kind_label": a.get("kind_label", a["kind"]),
                "text": clean(a["text"] if a["kind"] != "suppression" else a["base_text"]),
                "reason": clean(a["reason"]),
                "status": a["status"],
                "decision_reason": clean(a.get("decision_reason", "")),
                "between": bool(atelier.closed_at and when and when > atelier.closed_at),
            }
        )
    return {
        "started": started,
        "frozen": frozen,
        "opened": opened,
        "vote": vote,
        "current": current,
        "amendments": out_amendments,
    }


def _story(extra: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for v in extra["started"]:
        if v["how"] == "consolidee":
            out.append(f"version {v['number']} consolidée à partir de la version {v['parent']}")
        elif v["parent"]:
            out.append(f"version {v['number']} commencée à partir de la version {v['parent']}")
        else:
            out.append(f"version {v['number']} commencée")
    out.extend(f"version {n} gelée" for n in extra["frozen"])
    out.extend(f"vote d'adoption de la version {n} ouvert" for n in extra.get("opened", ()))
    return out


class CharteDocuments(PerStepDocuments):
    type_id = "charte"

    load_step = staticmethod(_load)

    @classmethod
    def step_section(cls, step: StepData) -> StepSection:
        extra = step.extra or {
            "started": [],
            "frozen": [],
            "opened": [],
            "vote": None,
            "current": None,
            "amendments": [],
        }
        amendments = extra["amendments"]
        accepted = [a for a in amendments if a["status"] in ACCEPTED]
        rejected = [a for a in amendments if a["status"] == "rejetee"]
        pending = [a for a in amendments if a["status"] in PENDING]
        current = extra["current"]
        blocks: list[Block | Section] = []
        story = _story(extra)
        summary = ""
        if current is None:
            blocks.append(note("La charte n'a pas encore de version."))
        else:
            summary = (
                f"Charte : version {current['number']} ({current['status_label'].lower()}), "
                + fr.count(current["clauses"], "clause")
            )
            lead = summary + "."
            if story:
                lead += " Dans cet atelier : " + fr.join(story) + "."
            blocks.append(para(lead, style="lead"))
        if amendments:
            between = sum(1 for a in amendments if a["between"])
            counts = (
                fr.count(len(amendments), "amendement proposé", "amendements proposés")
                + (f" (dont {fr.number(between)} entre les ateliers)" if between else "")
                + f" : {fr.number(len(accepted))} accepté(s), {fr.number(len(rejected))} "
                f"rejeté(s), {fr.number(len(pending))} en attente."
            )
            blocks.append(para(counts))
            rows = [
                (
                    f"{a['target']} ({a['kind_label'].lower()})",
                    a["text"] or "—",
                    a["reason"],
                    AMENDMENT_STATUSES.get(a["status"], a["status"])
                    + (f" — {a['decision_reason']}" if a["decision_reason"] else "")
                    + (" — entre les ateliers" if a["between"] else ""),
                )
                for a in amendments
            ]
            blocks.append(table("charte-amendements", "Amendements de la charte", HEADER, rows))
            summary += ", " + fr.count(len(amendments), "amendement")
        elif current is not None:
            blocks.append(note("Aucun amendement proposé dans cet atelier."))
        decisions = [
            inline(f"Amendement accepté ({a['target']}) : {fr.quoted(a['text'])}")
            if a["kind"] != "suppression"
            else inline(f"Amendement accepté : suppression de la {a['target'].lower()}")
            for a in accepted
        ]
        vote = extra["vote"]
        if vote is not None:
            signed = fr.join(vote["signatories"])
            text = (
                f"Vote d'adoption de la version {vote['number']} : {vote['outcome_label']} — "
                f"{fr.count(vote['ballots'], 'bulletin')} sur "
                f"{fr.count(vote['electors'], 'électeur', 'électeurs')}, quorum "
                f"{'atteint' if vote['quorum_reached'] else 'non atteint'}, "
                f"{fr.number(vote['share'])} % pour (seuil : plus de {vote['threshold']} %)."
            )
            blocks.append(para(text))
            if signed:
                blocks.append(para(f"Structures signataires : {signed}."))
            decisions.append(
                inline(f"Charte, version {vote['number']} : {vote['outcome_label'].lower()}")
            )
        carry = [
            inline(
                f"À reprendre : amendement ({a['target']}) — {fr.quoted(a['text'] or a['reason'])}"
            )
            for a in pending
        ]
        # the step's idea cards, as for any step
        if step.cards:
            cards = cards_section(step)
            blocks.append(para("Idées proposées pour la charte", style="lead"))
            blocks.extend(cards.blocks)
            decisions.extend(cards.decisions)
            carry.extend(cards.carry_over)
            opened = cards.open_questions
        else:
            blocks.extend(groups_blocks(step))  # amendments only, written in sub-groups
            opened = ()
        return StepSection(
            blocks=tuple(blocks),
            decisions=tuple(decisions),
            carry_over=tuple(carry),
            open_questions=opened,
            summary=summary,
        )


def production_counts(cycle_id: int) -> list[ProductionCount]:
    """Clauses written (first seen in an atelier's log), amendments proposed, quick votes
    on amendments and adoption ballots, per atelier."""
    clauses = first_seen_counts(production_facts(cycle_id, ("charte.clause",)), "clause")
    return [
        *counts(clauses, "clause rédigée", "clauses rédigées"),
        *counts(
            per_atelier(cycle_id, CharteAmendment.atelier_id, CharteAmendment.status != "retiree"),
            "amendement",
            "amendements",
        ),
        *counts(
            _quick_votes(cycle_id),
            "vote sur un amendement",
            "votes sur les amendements",
            vote=True,
        ),
        *counts(_ballots(cycle_id), "bulletin d'adoption", "bulletins d'adoption", vote=True),
    ]


def _quick_votes(cycle_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(CharteAmendment.atelier_id, func.count(CharteAmendmentVote.id))
        .join(CharteAmendment, CharteAmendment.id == CharteAmendmentVote.amendment_id)
        .join(Atelier, Atelier.id == CharteAmendment.atelier_id)
        .where(Atelier.cycle_id == cycle_id)
        .group_by(CharteAmendment.atelier_id)
    ).all()
    return {a: n for a, n in rows if n}


def _ballots(cycle_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(CharteVersion.vote_atelier_id, func.count(CharteBallot.id))
        .join(CharteVersion, CharteVersion.id == CharteBallot.version_id)
        .where(CharteVersion.cycle_id == cycle_id, CharteVersion.vote_atelier_id.is_not(None))
        .group_by(CharteVersion.vote_atelier_id)
    ).all()
    return {a: n for a, n in rows if a is not None and n}
