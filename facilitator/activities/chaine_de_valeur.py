"""``chaine_de_valeur``: each structure (or action) presents the social value it creates —
ressources → activités → réalisations → résultats → impacts, objectives by target (jeunes
et familles / territoire / structure) and indicators — and the écosystème view aggregates
the chains by question essentielle: who contributes what (docs/activities/
chaine_de_valeur.md). The chains are productions of the cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from facilitator.activities.base import ActionSpec, Activity, StrictModel
from facilitator.activities.questions_essentielles import QUESTION_ACTIONS
from facilitator.models.roadmap import CHAINE_LEVELS
from facilitator.services import chaine_de_valeur as service

if TYPE_CHECKING:
    from facilitator.models import Step
    from facilitator.services.events import Viewer

CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"
BOTH = frozenset({"participant", "animateur"})
Id = Field(ge=1, le=2**31 - 1)
OptionalId = Field(default=None, ge=1, le=2**31 - 1)


class Level(StrictModel):
    #: one of ressources, activites, realisations, resultats, impacts
    id: Literal["ressources", "activites", "realisations", "resultats", "impacts"]
    #: the label shown (default: the usual French name)
    label: str = Field(default="", max_length=80)


class ChaineSettings(StrictModel):
    #: the links of the chain this step shows, in order (default: all five)
    levels: list[Level] = Field(default_factory=list, max_length=5)
    #: what the participants' form proposes first: a structure's chain, an action's, or both
    subject: Literal["structure", "action", "libre"] = "libre"
    #: the view shown first (everyone can switch)
    view: Literal["chaine", "ecosysteme"] = "chaine"

    @field_validator("levels")
    @classmethod
    def _ordered_once(cls, levels: list[Level]) -> list[Level]:
        ids = [lv.id for lv in levels]
        if len(set(ids)) != len(ids):
            raise ValueError("un maillon figure deux fois")
        order = list(CHAINE_LEVELS)
        if ids != sorted(ids, key=order.index):
            raise ValueError("les maillons suivent l'ordre ressources → … → impacts")
        return levels


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ChaineAdd(Data):
    client_id: str = Field(pattern=CLIENT_ID)
    subject: Literal["structure", "action"]
    title: str | None = Field(default=None, max_length=1000)
    structure_id: int | None = OptionalId
    question_ids: list[int] = Field(default_factory=list, max_length=20)
    confirm_personal: bool = False


class ChaineEdit(Data):
    chaine_id: int = Id
    version: int = Field(ge=1)
    title: str | None = Field(default=None, max_length=1000)
    structure_id: int | None = OptionalId
    question_ids: list[int] | None = Field(default=None, max_length=20)
    confirm_personal: bool = False


class ChaineRef(Data):
    chaine_id: int = Id


class ChaineValidate(Data):
    chaine_id: int = Id
    validated: bool


class ItemAdd(Data):
    chaine_id: int = Id
    client_id: str = Field(pattern=CLIENT_ID)
    level: str = Field(max_length=16)
    text: str = Field(max_length=5000)
    cible: str = Field(default="", max_length=24)
    structure_id: int | None = OptionalId
    confirm_personal: bool = False


class ItemEdit(Data):
    item_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=5000)
    level: str | None = Field(default=None, max_length=16)
    cible: str | None = Field(default=None, max_length=24)
    structure_id: int | None = OptionalId
    confirm_personal: bool = False


class ItemRef(Data):
    item_id: int = Id


class LinkAdd(Data):
    source_id: int = Id
    target_id: int = Id


class LinkRef(Data):
    link_id: int = Id


class ChaineDeValeur(Activity):
    type_id = "chaine_de_valeur"
    label = "Chaîne de valeur"
    default_help = (
        "Décrivez ce que votre structure ou votre action mobilise, fait, produit, change."
    )
    Settings = ChaineSettings

    actions = {
        "chaine_add": ActionSpec(ChaineAdd, service.chaine_add, BOTH),
        "chaine_edit": ActionSpec(ChaineEdit, service.chaine_edit, BOTH),
        "chaine_delete": ActionSpec(ChaineRef, service.chaine_delete, BOTH),
        "chaine_validate": ActionSpec(ChaineValidate, service.chaine_validate),
        "item_add": ActionSpec(ItemAdd, service.item_add, BOTH),
        "item_edit": ActionSpec(ItemEdit, service.item_edit, BOTH),
        "item_delete": ActionSpec(ItemRef, service.item_delete, BOTH),
        "link_add": ActionSpec(LinkAdd, service.link_add, BOTH),
        "link_delete": ActionSpec(LinkRef, service.link_delete, BOTH),
        **QUESTION_ACTIONS,
    }

    @classmethod
    def state(cls, step: Step, viewer: Viewer) -> dict[str, Any] | None:
        return service.state(step, viewer)
