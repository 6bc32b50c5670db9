"""``questions_essentielles``: from the enjeux to the few shared key questions of the cycle.

One step, three phases the animateur moves through: formulation (participants propose
wordings, each from an enjeu; the animateur merges and edits) → vote → validation
(validated proposals become the cycle's questions essentielles). The enjeux come from an
earlier ``cartes`` step (``enjeux_from``). Why one step with phases rather than three
steps: docs/activities/questions_essentielles.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from facilitator.activities.base import ActionSpec, Activity, StrictModel
from facilitator.activities.cartes import ID_PATTERN, VoteSettings
from facilitator.services import productions_live, question_views, questions

if TYPE_CHECKING:
    from facilitator.models import Step
    from facilitator.services.events import Viewer

CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"
BOTH = frozenset({"participant", "animateur"})
EVERYONE = frozenset({"participant", "animateur", "viewer"})


class QuestionsSettings(StrictModel):
    #: id of an earlier step whose clusters (or cards) are the enjeux, ranked by votes
    enjeux_from: str | None = Field(default=None, pattern=ID_PATTERN)
    #: dot voting on the proposals
    votes: VoteSettings = Field(default_factory=lambda: VoteSettings(budget=4, max_per_card=1))
    #: how many questions the group aims at (shown; not a hard limit)
    max_questions: int = Field(default=4, ge=1, le=12)
    #: hide the authors of proposals
    anonymous: bool = False


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


Id = Field(ge=1, le=2**31 - 1)


class Propose(Data):
    client_id: str = Field(pattern=CLIENT_ID)
    text: str = Field(max_length=5000)
    enjeu: str = Field(default="", max_length=400)
    confirm_personal: bool = False


class Edit(Data):
    proposal_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=5000)
    enjeu: str | None = Field(default=None, max_length=400)
    confirm_personal: bool = False


class ProposalRef(Data):
    proposal_id: int = Id


class Merge(Data):
    proposal_ids: list[int] = Field(min_length=2, max_length=20)
    text: str = Field(max_length=5000)
    enjeu: str | None = Field(default=None, max_length=400)


class Vote(Data):
    proposal_id: int = Id
    delta: Literal[1, -1]


class Empty(Data):
    pass


class Phase(Data):
    phase: Literal["formulation", "vote", "validation"]


class Validate(Data):
    proposal_id: int = Id
    text: str | None = Field(default=None, max_length=5000)


class QuestionEdit(Data):
    question_id: int = Id
    version: int = Field(ge=1)
    text: str = Field(max_length=5000)


class QuestionMove(Data):
    question_id: int = Id
    position: int = Field(ge=1, le=100)


class QuestionRemove(Data):
    question_id: int = Id
    version: int = Field(ge=1)


class QuestionRef(Data):
    question_id: int = Id


#: the cycle's questions, changed live by the animateur (shared with cartographie)
QUESTION_ACTIONS: dict[str, ActionSpec] = {
    "question_edit": ActionSpec(QuestionEdit, productions_live.question_edit),
    "question_move": ActionSpec(QuestionMove, productions_live.question_move),
    "question_remove": ActionSpec(QuestionRemove, productions_live.question_remove),
    "question_restore": ActionSpec(QuestionRef, productions_live.question_restore),
}


class QuestionsEssentielles(Activity):
    type_id = "questions_essentielles"
    label = "Questions essentielles"
    default_help = "Proposez une formulation de question à partir d'un enjeu, puis votez."
    Settings = QuestionsSettings

    actions = {
        "propose": ActionSpec(Propose, questions.propose, BOTH),
        "edit": ActionSpec(Edit, questions.edit, BOTH),
        "delete": ActionSpec(ProposalRef, questions.remove, BOTH),
        "merge": ActionSpec(Merge, questions.merge),
        "vote": ActionSpec(Vote, questions.vote, frozenset({"participant"})),
        "phase": ActionSpec(Phase, questions.set_phase),
        "validate": ActionSpec(Validate, questions.validate),
        "unvalidate": ActionSpec(ProposalRef, questions.unvalidate),
        "refresh": ActionSpec(Empty, questions.refresh, EVERYONE),
        **QUESTION_ACTIONS,
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return question_views.state(step, viewer)

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        return {
            "cards_visible": True,
            "results_visible": False,
            "anonymous": bool(settings.get("anonymous", False)),
        }
