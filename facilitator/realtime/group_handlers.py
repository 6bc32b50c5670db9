"""Socket events of sub-groups (issue 18, docs/protocol.md « Sous-groupes »): thin
handlers over core/groups.py, registered with the same ``action`` wrapper as the others
(identity, rate limits, schema, French errors)."""

from __future__ import annotations

from typing import Any

from facilitator.core import group_ops, steering
from facilitator.core.events import Viewer
from facilitator.realtime import schemas
from facilitator.realtime.handlers import action, forward


@action("groups_configure", schemas.GroupsConfigure)
def on_groups_configure(viewer: Viewer, p: schemas.GroupsConfigure) -> dict[str, Any]:
    return group_ops.configure(viewer, p.step_id, p.plan.model_dump() if p.plan else None)


forward("groups_form", schemas.GroupsStep, group_ops.form, "step_id")
forward("groups_move", schemas.GroupsMove, group_ops.move, "step_id", "participant_id", "group_id")
forward("groups_choose", schemas.GroupsChoose, group_ops.choose, "step_id", "group_id")
forward("groups_rename", schemas.GroupsRename, group_ops.rename, "step_id", "group_id", "name")
forward("groups_close", schemas.GroupsStep, group_ops.close, "step_id")
forward("groups_show", schemas.GroupsShow, group_ops.show, "step_id", "group_id", "display")
forward("groups_merge", schemas.GroupsStep, group_ops.merge, "step_id")
forward(
    "groups_message",
    schemas.GroupsMessage,
    steering.group_message,
    "step_id",
    "group_id",
    "text",
    "extra_minutes",
)
