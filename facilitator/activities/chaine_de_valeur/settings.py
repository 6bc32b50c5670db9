"""Settings of a ``chaine_de_valeur`` step: the ``settings:`` block of a script, validated when the
script loads (docs/scripts.md). Pure pydantic: imports nothing of the app but its validation
vocabulary."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from facilitator.validation import StrictModel

#: the links of a chaîne de valeur, in order (a script may show a subset)
CHAINE_LEVELS: dict[str, str] = {
    "ressources": "Ressources",
    "activites": "Activités",
    "realisations": "Réalisations",
    "resultats": "Résultats",
    "impacts": "Impacts",
}


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
