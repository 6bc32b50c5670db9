"""``evaluation``: the end of an atelier or of the cycle — météo (1–5), utilité (1–5), a
suggestion and, with ``conditions: true``, a self-assessment of the five conditions of
collective impact (1 absente … 4 solide). One answer per participant, re-editable; only
anonymous aggregates are shown, to the animateur at once and to everyone (projection
included) once the animateur reveals the results (docs/cycle-life.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from facilitator.activities.base import ActionSpec, Activity, StrictModel
from facilitator.services import evaluation

if TYPE_CHECKING:
    from facilitator.models import Step
    from facilitator.services.events import Viewer

EVERYONE = frozenset({"participant", "animateur", "viewer"})


class EvaluationSettings(StrictModel):
    #: "atelier" (end of an atelier) or "cycle" (end of the cycle): wording only
    scope: Literal["atelier", "cycle"] = "atelier"
    #: also ask for the self-assessment of the five conditions of collective impact
    conditions: bool = False


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Submit(Data):
    #: the version of the answer the client holds (0: first answer)
    version: int = Field(ge=0, le=2**31 - 1)
    meteo: int | None = Field(default=None, ge=1, le=5)
    utilite: int | None = Field(default=None, ge=1, le=5)
    suggestion: str = Field(default="", max_length=5000)
    conditions: dict[str, int] = Field(default_factory=dict, max_length=10)
    confirm_personal: bool = False


class Empty(Data):
    pass


class Evaluation(Activity):
    type_id = "evaluation"
    label = "Évaluation"
    default_help = (
        "Donnez votre météo et l'utilité de l'atelier, et une suggestion si vous voulez : "
        "les réponses sont anonymes."
    )
    Settings = EvaluationSettings

    actions = {
        "submit": ActionSpec(Submit, evaluation.submit, frozenset({"participant"})),
        "results": ActionSpec(Empty, evaluation.reveal_results, EVERYONE),
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return evaluation.state(step, viewer)

    @classmethod
    def initial_flags(cls, settings: dict[str, Any]) -> dict[str, bool]:
        return {"cards_visible": True, "results_visible": False, "anonymous": True}
