"""``feuille_de_route``: the cycle's plan of action — each action linked to a question
essentielle (and, as free text, to charter commitments) with a pilote, contributors, a
deadline, means, indicators and a state. One step, three phases the animateur moves
through: propositions → vote de priorité → validation (docs/activities/
feuille_de_route.md). The actions are productions of the cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from facilitator.activities.base import ActionSpec, Activity, StrictModel
from facilitator.activities.cartes import VoteSettings
from facilitator.services import feuille_de_route as service

if TYPE_CHECKING:
    from facilitator.models import Step
    from facilitator.services.events import Viewer

CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"
BOTH = frozenset({"participant", "animateur"})
EVERYONE = frozenset({"participant", "animateur", "viewer"})
Id = Field(ge=1, le=2**31 - 1)
OptionalId = Field(default=None, ge=1, le=2**31 - 1)
Text = Field(default=None, max_length=5000)


class FeuilleSettings(StrictModel):
    #: priority vote: dots per participant in the vote phase
    votes: VoteSettings = Field(default_factory=lambda: VoteSettings(budget=3, max_per_card=1))
    #: the view shown first (everyone can switch)
    view: Literal["tableau", "chronologie"] = "tableau"


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Fields(Data):
    intitule: str | None = Text
    question_id: int | None = OptionalId
    charte_ref: str | None = Text
    pilote_id: int | None = OptionalId
    contributeur_ids: list[int] | None = Field(default=None, max_length=60)
    #: AAAA-MM-JJ, or "" for none
    echeance: str | None = Field(default=None, max_length=10)
    moyens: str | None = Text
    indicateurs_effectivite: str | None = Text
    indicateurs_resultat: str | None = Text
    confirm_personal: bool = False


class Propose(Fields):
    client_id: str = Field(pattern=CLIENT_ID)
    intitule: str = Field(max_length=5000)


class Edit(Fields):
    action_id: int = Id
    version: int = Field(ge=1)


class ActionRef(Data):
    action_id: int = Id


class Vote(Data):
    action_id: int = Id
    delta: Literal[1, -1]


class Phase(Data):
    phase: Literal["propositions", "vote", "validation"]


class Validate(Data):
    action_id: int = Id
    validated: bool


class Etat(Data):
    action_id: int = Id
    version: int = Field(ge=1)
    etat: Literal["a_lancer", "en_cours", "fait", "abandonne"]


class Empty(Data):
    pass


class FeuilleDeRoute(Activity):
    type_id = "feuille_de_route"
    label = "Feuille de route"
    default_help = "Proposez une action : qui la pilote, avec qui, pour quand, avec quels moyens."
    Settings = FeuilleSettings

    actions = {
        "propose": ActionSpec(Propose, service.propose, BOTH),
        "edit": ActionSpec(Edit, service.edit, BOTH),
        "delete": ActionSpec(ActionRef, service.remove, BOTH),
        "vote": ActionSpec(Vote, service.vote, frozenset({"participant"})),
        "phase": ActionSpec(Phase, service.set_phase),
        "validate": ActionSpec(Validate, service.validate),
        "etat": ActionSpec(Etat, service.etat),
        "refresh": ActionSpec(Empty, service.refresh, EVERYONE),
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return service.state(step, viewer)

    @classmethod
    def vote_rules(cls, settings: dict[str, Any]) -> tuple[int, int] | None:
        return None
