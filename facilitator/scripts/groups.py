"""A step's ``groups:`` block in a script (issue 18, docs/scripts.md): the step runs in
sub-groups — how they are formed, how many, the cap per group when people choose."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from facilitator import contract
from facilitator.validation import StrictModel, format_loc, french_errors

#: how groups are formed → French label (the strategies live in core/groups.py)
FORMATIONS: dict[str, str] = {
    "aleatoire": "au hasard",
    "mixte": "mélangés par type de structure",
    "choix": "au choix des participants (un groupe par question essentielle)",
    "manuel": "à la main",
}

#: what to do with the people who take part from a distance → French label
REMOTE: dict[str, str] = {
    "indifferent": "indifférent",
    "ensemble": "ensemble (leur propre groupe)",
    "melanges": "mélangés dans tous les groupes",
}


class GroupPlan(StrictModel):
    """``groups:`` of a step."""

    formation: Literal["aleatoire", "mixte", "choix", "manuel"] = "aleatoire"
    #: how many groups (``choix``: one per question essentielle when the cycle has some)
    count: int = Field(default=4, ge=2, le=60)
    #: most members per group when participants choose (None: no cap)
    cap: int | None = Field(default=None, ge=1, le=100)
    #: the people at a distance: in their own group(s), spread over all, or as they fall
    remote: Literal["indifferent", "ensemble", "melanges"] = "indifferent"

    @model_validator(mode="after")
    def _remote_needs_placing(self) -> GroupPlan:
        if self.remote != "indifferent" and self.formation not in ("aleatoire", "mixte"):
            raise ValueError(remote_refusal(self.formation))
        return self


def remote_refusal(formation: str) -> str:
    return (
        f"les personnes à distance ne peuvent être regroupées ou mélangées que si les groupes "
        f"sont formés au hasard ou mélangés par type de structure (ici : "
        f"{FORMATIONS.get(formation, formation)}) : mettez « remote: indifferent »"
    )


def plan_label(plan: dict[str, Any] | None) -> str:
    """« au hasard », « au hasard ; à distance : ensemble (leur propre groupe) »…"""
    plan = plan or {}
    label = FORMATIONS.get(plan.get("formation", ""), "")
    remote = plan.get("remote") or "indifferent"
    return label if remote == "indifferent" else f"{label} ; à distance : {REMOTE[remote]}"


def refusal(type_id: str) -> str | None:
    """The French reason a type cannot run in groups, or None when it can."""
    activity = contract.get(type_id)
    if activity.groups:
        return None
    able = ", ".join(f"« {a.label} »" for a in contract.REGISTRY.values() if a.groups)
    return (
        f"l'activité « {activity.label} » ne peut pas encore se dérouler en sous-groupes "
        f"(seules les activités {able} le peuvent)"
    )


def check_plan(
    raw: Any, type_id: str, where: tuple[str | int, ...]
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Validate a step's ``groups:`` block: (the plan as stored, problems)."""
    if raw is None:
        return None, []
    location = format_loc(list(where))
    reason = refusal(type_id)
    if reason is not None:
        return None, [(location, reason)]
    try:
        plan = GroupPlan.model_validate(raw)
    except ValidationError as exc:
        return None, french_errors(exc, where)
    return plan.model_dump(), []
