"""Follow me sends each step's status only: the descriptions are in every client's
snapshot already, and a change of step reaches the whole room at once (issue 19)."""

from __future__ import annotations

import json
from typing import Any


def test_step_changed_carries_the_statuses_only(live_atelier: dict[str, Any]) -> None:
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    steps = live_atelier["steps"]
    assert anim.call("step_goto", {"step_id": steps["vote"]})["ok"]
    order = [s.id for s in sorted(live_atelier["atelier"].steps, key=lambda s: s.position)]
    vote_at = order.index(steps["vote"])
    for sock in (anim, a, b):
        changed = [e for e in sock.events() if e["type"] == "step.changed"]
        assert len(changed) == 1
        data = changed[0]["data"]
        assert data["current_step_id"] == steps["vote"]
        assert all(set(item) == {"id", "status"} for item in data["steps"])
        statuses = {item["id"]: item["status"] for item in data["steps"]}
        assert statuses[steps["vote"]] == "active"
        assert all(statuses[i] == "done" for i in order[:vote_at])
        assert all(statuses[i] == "pending" for i in order[vote_at + 1 :])
        assert len(json.dumps(data)) < 40 * len(order) + 40


def test_the_next_snapshot_has_the_whole_steps_with_their_new_status(
    live_atelier: dict[str, Any], connect: Any
) -> None:
    steps = live_atelier["steps"]
    assert live_atelier["anim"].call("step_goto", {"step_id": steps["vote"]})["ok"]
    late = connect("participant", live_atelier["atelier"], live_atelier["bob"])
    sync = next(m for m in late.received() if m["name"] == "sync")["args"][0]
    vote = next(s for s in sync["snapshot"]["steps"] if s["id"] == steps["vote"])
    assert vote["status"] == "active" and vote["title"] and "columns" in vote
