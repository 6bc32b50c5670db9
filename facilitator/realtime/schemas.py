"""Payload schemas of client → server events (docs/protocol.md). Unknown keys are refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from facilitator.validation import MAX_ID, UnitDelta

CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"
Id = Field(ge=1, le=2**31 - 1)


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Sync(Payload):
    last_seq: int = Field(default=0, ge=0, le=2**31 - 1)


class CardAdd(Payload):
    step_id: int = Id
    client_id: str = Field(pattern=CLIENT_ID)
    # the length limit is checked by the service, with the count in the message
    text: str = Field(max_length=20_000)
    column: str = Field(min_length=1, max_length=64)
    #: the author confirms a text the personal-data detector flagged
    confirm_personal: bool = False


class CardEdit(Payload):
    card_id: int = Id
    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=20_000)
    column: str | None = Field(default=None, min_length=1, max_length=64)
    cluster: str | None = Field(default=None, max_length=120)
    position: float | None = Field(default=None, ge=-1e9, le=1e9, allow_inf_nan=False)
    confirm_personal: bool = False


class CardMask(Payload):
    card_id: int = Id
    masked: bool


class CardMark(Payload):
    card_id: int = Id
    mark: Literal["decision", "carry_over", "open_question"]
    on: bool


class CardAccept(Payload):
    card_id: int = Id
    #: the version the animateur read; a newer one is refused with ``conflict``
    version: int | None = Field(default=None, ge=1)


class CardReject(Payload):
    card_id: int = Id
    #: shown to the author (trimmed; the service refuses more than 200 characters)
    reason: str = Field(default="", max_length=2000)
    version: int | None = Field(default=None, ge=1)


class CardAcceptAll(Payload):
    """Validate every card waiting for moderation in a step (bulk, animateur)."""

    step_id: int = Id


class CardCluster(Payload):
    """Put a selection of cards in one cluster (bulk, animateur); None: out of any."""

    card_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=500)
    cluster: str | None = Field(default=None, max_length=120)


class CardDelete(Payload):
    card_id: int = Id


class VoteCast(Payload):
    card_id: int = Id
    delta: UnitDelta
    expect: int | None = Field(default=None, ge=0)  # the voter's weight once counted


class StepGoto(Payload):
    step_id: int = Id


class StepFlags(Payload):
    step_id: int = Id
    locked: bool | None = None
    cards_visible: bool | None = None
    results_visible: bool | None = None
    anonymous: bool | None = None


class Timer(Payload):
    action: Literal["start", "pause", "resume", "add", "stop"]
    seconds: int | None = Field(default=None, ge=1, le=4 * 3600)


class StepAction(Payload):
    step_id: int = Id
    action: str = Field(min_length=1, max_length=64)
    #: validated by the activity's own schema for this action
    data: dict = Field(default_factory=dict)


class Empty(Payload):
    pass


class AttendanceRemote(Payload):
    """A participant of a hybride atelier: « je participe à distance » (true) or « je suis
    dans la salle » (false)."""

    remote: bool


# --- sub-groups (issue 18, core/groups.py) --------------------------------------------------


class GroupPlanIn(Payload):
    formation: Literal["aleatoire", "mixte", "choix", "manuel"] = "aleatoire"
    count: int = Field(default=4, ge=2, le=60)
    cap: int | None = Field(default=None, ge=1, le=100)
    #: the people at a distance (core/group_formation.py ``compose``)
    remote: Literal["indifferent", "ensemble", "melanges"] = "indifferent"


class GroupsConfigure(Payload):
    step_id: int = Id
    #: None: the step runs in plenary
    plan: GroupPlanIn | None = None


class GroupsStep(Payload):
    step_id: int = Id


class GroupsMove(Payload):
    step_id: int = Id
    participant_id: int = Id
    group_id: int = Id


class GroupsChoose(Payload):
    step_id: int = Id
    group_id: int = Id


class GroupsRename(Payload):
    step_id: int = Id
    group_id: int = Id
    name: str = Field(max_length=400)


class GroupsShow(Payload):
    step_id: int = Id
    #: None: every group (the grid)
    group_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    display: Literal["grille", "un"] = "grille"


class GroupsMessage(Payload):
    step_id: int = Id
    #: None: every group
    group_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    text: str = Field(default="", max_length=2000)
    extra_minutes: int = Field(default=0, ge=0, le=30)
