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

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from facilitator.activities.base import ActionSpec, Activity, StrictModel
from facilitator.activities.cartes import ID_PATTERN
from facilitator.services import charte, charte_amendments, charte_views, charte_vote

if TYPE_CHECKING:
    from facilitator.models import Step
    from facilitator.services.events import Viewer

CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"
BOTH = frozenset({"participant", "animateur"})
EVERYONE = frozenset({"participant", "animateur", "viewer"})
PARTICIPANT = frozenset({"participant"})
Id = Field(ge=1, le=2**31 - 1)

#: the sections of a charte as the field's chartes have them (GLOSSARY.md)
DEFAULT_SECTIONS: list[dict[str, str]] = [
    {"id": "objet", "label": "Objet et objectif atteignable"},
    {"id": "valeurs", "label": "Valeurs communes"},
    {"id": "fonctionnement", "label": "Règles de fonctionnement"},
    {"id": "engagements", "label": "Engagements et intérêt de chacun à coopérer"},
    {"id": "acteurs", "label": "Acteurs et publics"},
    {"id": "gouvernance", "label": "Gouvernance"},
    {
        "id": "partage",
        "label": "Partage d'informations",
        "hint": "Charte de partage d'informations nominatives : qui partage quoi, avec "
        "quel accord, dans le respect du secret professionnel.",
    },
    {"id": "suivi", "label": "Suivi et évaluation"},
    {"id": "communication", "label": "Communication vers l'extérieur"},
]

DEFAULT_GRADIENTS: list[dict[str, str]] = [
    {"id": "adhesion_totale", "label": "Adhésion totale", "counts_as": "pour"},
    {"id": "adhesion_reserves", "label": "Adhésion avec réserves", "counts_as": "pour"},
    {"id": "abstention", "label": "Abstention", "counts_as": "abstention"},
    {"id": "desaccord", "label": "Désaccord", "counts_as": "contre"},
    {"id": "opposition", "label": "Opposition", "counts_as": "contre"},
]


class Section(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=120)
    hint: str = Field(default="", max_length=300)


class Gradient(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=80)
    #: how the ballot counts: for the adoption, against it, or neither
    counts_as: Literal["pour", "contre", "abstention"]


def _unique(items: list[Any], what: str) -> list[Any]:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"identifiant de {what} en double : « {item.id} »")
        seen.add(item.id)
    return items


class CharteSettings(StrictModel):
    #: the charte's sections, in order (they are also the idea cards' columns)
    sections: list[Section] = Field(
        default_factory=lambda: [Section(**s) for s in DEFAULT_SECTIONS],
        min_length=1,
        max_length=15,
    )
    #: the phase the step opens on (atelier 6 continues with the amendments)
    start_phase: Literal["idees", "redaction", "amendements", "gel", "vote"] = "idees"
    #: one ballot per structure (its first representative to vote) or per participant
    ballot: Literal["structure", "participant"] = "structure"
    #: minimum share of the electors who must vote, in percent (0: no quorum)
    quorum: int = Field(default=50, ge=0, le=100)
    #: electors: the cycle's structures / participants, or those present at the atelier
    quorum_base: Literal["cycle", "atelier"] = "cycle"
    #: the share of ballots « pour » must be MORE than this percentage to adopt
    threshold: int = Field(default=50, ge=0, le=99)
    #: the share is of the ballots expressed (pour + contre) or of all ballots cast
    threshold_base: Literal["exprimes", "votants"] = "exprimes"
    #: the gradients of agreement offered on the ballot, from the strongest agreement
    gradients: list[Gradient] = Field(
        default_factory=lambda: [Gradient(**g) for g in DEFAULT_GRADIENTS],
        min_length=2,
        max_length=7,
    )
    #: live totals of the adoption vote shown to everyone (else only once closed)
    results_visible: bool = False
    #: idea cards and amendments without their authors' names
    anonymous: bool = False

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: list[Section]) -> list[Section]:
        return _unique(sections, "section")

    @field_validator("gradients")
    @classmethod
    def _valid_gradients(cls, gradients: list[Gradient]) -> list[Gradient]:
        _unique(gradients, "degré d'accord")
        kinds = {g.counts_as for g in gradients}
        if not {"pour", "contre"} <= kinds:
            raise ValueError(
                "il faut au moins un degré d'accord « pour » et un « contre » (counts_as)"
            )
        return gradients


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Empty(Data):
    pass


class Phase(Data):
    phase: Literal["idees", "redaction", "amendements", "gel", "vote"]


class VersionStart(Data):
    #: copy the clauses of this version (default: the latest); ``empty`` starts blank
    from_version_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    empty: bool = False


class ClauseAdd(Data):
    client_id: str = Field(pattern=CLIENT_ID)
    section: str = Field(max_length=64)
    text: str = Field(max_length=5000)
    source_card_ids: list[int] = Field(default_factory=list, max_length=50)
    confirm_personal: bool = False


class ClauseEdit(Data):
    clause_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=5000)
    section: str | None = Field(default=None, max_length=64)
    source_card_ids: list[int] | None = Field(default=None, max_length=50)
    confirm_personal: bool = False


class ClauseRef(Data):
    clause_id: int = Id
    version: int = Field(ge=1)


class ClauseMove(Data):
    clause_id: int = Id
    direction: Literal["up", "down"]


class AmendmentPropose(Data):
    client_id: str = Field(pattern=CLIENT_ID)
    kind: Literal["modification", "ajout", "suppression"] = "modification"
    clause_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    section: str | None = Field(default=None, max_length=64)
    text: str = Field(default="", max_length=5000)
    reason: str = Field(max_length=5000)
    confirm_personal: bool = False


class AmendmentRef(Data):
    amendment_id: int = Id


class AmendmentDecide(Data):
    amendment_id: int = Id
    decision: Literal["accepter", "rejeter"]
    #: accepting: the wording retained (the animateur may adjust it)
    text: str | None = Field(default=None, max_length=5000)
    #: rejecting: why, told to the author and the room
    reason: str | None = Field(default=None, max_length=1000)


class QuickVote(Data):
    amendment_id: int = Id
    choice: Literal["pour", "contre", "abstention"]


class Ballot(Data):
    gradient: str = Field(max_length=40)


class Charte(Activity):
    type_id = "charte"
    label = "Charte"
    default_help = "Proposez des idées par section, puis des amendements ; la charte est votée."
    Settings = CharteSettings

    actions = {
        "refresh": ActionSpec(Empty, charte.refresh, EVERYONE),
        "phase": ActionSpec(Phase, charte.set_phase),
        "version_start": ActionSpec(VersionStart, charte.version_start),
        "consolidate": ActionSpec(Empty, charte.consolidate),
        "freeze": ActionSpec(Empty, charte.freeze),
        "unfreeze": ActionSpec(Empty, charte.unfreeze),
        "clause_add": ActionSpec(ClauseAdd, charte.clause_add),
        "clause_edit": ActionSpec(ClauseEdit, charte.clause_edit),
        "clause_delete": ActionSpec(ClauseRef, charte.clause_delete),
        "clause_move": ActionSpec(ClauseMove, charte.clause_move),
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
    def columns(cls, settings: dict[str, Any]) -> list[dict[str, str]]:
        found = settings.get("sections") or DEFAULT_SECTIONS
        return [{"id": s["id"], "label": s["label"], "hint": s.get("hint", "")} for s in found]

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        return {
            "cards_visible": True,
            "results_visible": bool(settings.get("results_visible", False)),
            "anonymous": bool(settings.get("anonymous", False)),
        }
