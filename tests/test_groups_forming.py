"""Forming groups with everyone connected (issue 18): nobody reads a snapshot again; the
groups' public state comes with ``groups.changed`` and each group's members in one
``groups.mine`` sent to that group's audience only."""

from __future__ import annotations

from typing import Any

from tests.groups_helpers import room, snapshot


def test_forming_sends_the_state_and_each_group_its_members_only(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r = room(make_atelier, make_animateur, connect)
    assert r["anim"].call("groups_form", {"step_id": r["step"]})["ok"]
    full = snapshot(r["anim"])["groups"][str(r["step"])]
    where = {m["id"]: g["id"] for g in full["groups"] for m in g["members"]}
    for name, sock in r["socks"].items():
        got = sock.events()
        assert [e["type"] for e in got] == ["groups.changed", "groups.mine"], name
        changed, mine = (e["data"] for e in got)
        assert changed["affected"] == []  # nobody reads their group again
        state = changed["state"]
        assert state["phase"] == "groupes" and state["mine"] is None
        assert [g["name"] for g in state["groups"]] == ["Groupe 1", "Groupe 2"]
        assert all("members" not in g for g in state["groups"])
        me = r["people"][name].id
        assert mine["group_id"] == where[me]
        assert sorted(m["id"] for m in mine["members"]) == sorted(
            pid for pid, gid in where.items() if gid == where[me]
        )
        # what the phone holds then is what a snapshot gives
        again = snapshot(sock)["groups"][str(r["step"])]
        assert again["mine"] == mine["group_id"]
        assert sorted(m["id"] for m in again["my_members"]) == sorted(
            m["id"] for m in mine["members"]
        )
    wall = [e["type"] for e in r["wall"].events()]
    assert wall == ["groups.changed", "groups.mine", "groups.mine"]
