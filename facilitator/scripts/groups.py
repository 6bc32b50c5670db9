"""A step's ``groups:`` block in a script (issue 18, docs/scripts.md): the step runs in
sub-groups — how they are formed, how many, the cap per group when people choose."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError

from facilitator import contract
from facilitator.validation import StrictModel, format_loc, french_errors

#: how groups are formed → French label (the strategies live in core/groups.py)
FORMATIONS: dict[str, str] = {
    "aleatoire": "au hasard",
    "mixte": "mélangés par type de structure",
    "choix": "au choix des participants (un groupe par question essentielle)",
    "manuel": "à la main",
}


class GroupPlan(StrictModel):
    """``groups:`` of a step."""

    formation: Literal["aleatoire", "mixte", "choix", "manuel"] = "aleatoire"
    #: how many groups (``choix``: one per question essentielle when the cycle has some)
    count: int = Field(default=4, ge=2, le=60)
    #: most members per group when participants choose (None: no cap)
    cap: int | None = Field(default=None, ge=1, le=100)


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
