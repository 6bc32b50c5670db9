"""``charte``: the cycle's charte, from ideas to an adopted version.

One step, five phases the animateur moves through: idées (participants write idea cards,
one column per section) → rédaction (the animateur drafts clauses from the ideas, or starts
again from the previous version) → amendements (participants propose new wordings with a
reason; the animateur accepts or rejects them, or asks the room by a quick vote; accepted
ones consolidate into the next numbered version) → gel (the version is frozen) → vote
(adoption by gradients of agreement, quorum and threshold; the structures that voted for it
become signatories). The charte belongs to the cycle: a later atelier continues from the
latest version (docs/activities/charte.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from facilitator.activities.charte import document as charte_document
from facilitator.activities.charte import operations as charte
from facilitator.activities.charte import operations_amendments as charte_amendments
from facilitator.activities.charte import operations_clauses as charte_clauses
from facilitator.activities.charte import operations_vote as charte_vote
from facilitator.activities.charte import views as charte_views
from facilitator.activities.charte import views_amendments as charte_amendments_views
from facilitator.activities.charte.cycle_document import KIND_CHARTE
from facilitator.activities.charte.document import CharteDocuments
from facilitator.activities.charte.schemas import (
    AmendmentDecide,
    AmendmentPropose,
    AmendmentRef,
    Ballot,
    ClauseAdd,
    ClauseEdit,
    ClauseMove,
    ClauseRef,
    Phase,
    QuickVote,
    VersionStart,
)
from facilitator.activities.charte.settings import CharteSettings, section_list
from facilitator.contract import (
    BOTH,
    EVERYONE,
    PARTICIPANT,
    ActionSpec,
    Activity,
    ProductionCount,
)
from facilitator.validation import Empty

if TYPE_CHECKING:
    from facilitator.core.events import Viewer
    from facilitator.models import Step


class Charte(Activity):
    type_id = "charte"
    label = "Charte"
    default_help = "Proposez des idées par section, puis des amendements ; la charte est votée."
    Settings = CharteSettings
    documents = CharteDocuments
    cycle_documents = (KIND_CHARTE,)
    js_module = "js/activities/charte/view.js"
    js_reducers = "js/activities/charte/reducers.js"
    stylesheet = "css/activities/charte.css"
    #: idea cards and amendments carry their sub-group (issue 18)
    groups = True

    actions = {
        "refresh": ActionSpec(Empty, charte.refresh, EVERYONE),
        "phase": ActionSpec(Phase, charte.set_phase),
        "version_start": ActionSpec(VersionStart, charte.version_start),
        "consolidate": ActionSpec(Empty, charte.consolidate),
        "freeze": ActionSpec(Empty, charte.freeze),
        "unfreeze": ActionSpec(Empty, charte.unfreeze),
        "clause_add": ActionSpec(ClauseAdd, charte_clauses.clause_add),
        "clause_edit": ActionSpec(ClauseEdit, charte_clauses.clause_edit),
        "clause_delete": ActionSpec(ClauseRef, charte_clauses.clause_delete),
        "clause_move": ActionSpec(ClauseMove, charte_clauses.clause_move),
        "amendment_propose": ActionSpec(AmendmentPropose, charte_amendments.propose, BOTH),
        "amendment_withdraw": ActionSpec(AmendmentRef, charte_amendments.withdraw, BOTH),
        "amendment_decide": ActionSpec(AmendmentDecide, charte_amendments.decide),
        "amendment_quick_open": ActionSpec(AmendmentRef, charte_amendments.quick_open),
        "amendment_quick_vote": ActionSpec(QuickVote, charte_amendments.quick_vote, PARTICIPANT),
        "amendment_quick_close": ActionSpec(AmendmentRef, charte_amendments.quick_close),
        "ballot": ActionSpec(Ballot, charte_vote.cast, PARTICIPANT),
        "vote_close": ActionSpec(Empty, charte_vote.close),
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return charte_views.state(step, viewer)

    @classmethod
    def group_counts(cls, step: Step) -> dict[int, int]:
        return charte_amendments_views.group_counts(step)

    @classmethod
    def group_texts(cls, step: Step) -> dict[int, list[str]]:
        return charte_amendments_views.group_texts(step)

    @classmethod
    def has_items(cls, step: Step) -> bool:
        return charte_amendments_views.has_items(step)

    @classmethod
    def columns(cls, settings: dict[str, Any]) -> list[dict[str, str]]:
        return section_list(settings)

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        return {
            "cards_visible": True,
            "results_visible": bool(settings.get("results_visible", False)),
            "anonymous": bool(settings.get("anonymous", False)),
        }

    @classmethod
    def production_counts(cls, cycle_id: int) -> list[ProductionCount]:
        return charte_document.production_counts(cycle_id)
