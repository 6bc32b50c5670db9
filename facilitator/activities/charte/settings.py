"""Settings of a ``charte`` step: the ``settings:`` block of a script, validated when the
script loads (docs/scripts.md). Pure pydantic: imports nothing of the app but its validation
vocabulary."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from facilitator.validation import ID_PATTERN, StrictModel

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


def section_list(settings: dict[str, Any]) -> list[dict[str, str]]:
    """The step's sections (``id``, ``label``, ``hint``), from its settings or the default
    ones: the clauses' sections and the idea cards' columns."""
    found = settings.get("sections") or DEFAULT_SECTIONS
    return [{"id": s["id"], "label": s["label"], "hint": s.get("hint", "")} for s in found]


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
        default_factory=lambda: [Section.model_validate(s) for s in DEFAULT_SECTIONS],
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
        default_factory=lambda: [Gradient.model_validate(g) for g in DEFAULT_GRADIENTS],
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
