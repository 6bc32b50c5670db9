"""The cartographie in sub-groups (issue 18, docs/groups.md): the map belongs to the cycle,
and a group adds to it. While groups work apart, a participant sees the whole map as it was
(everything not added by another group of the step) plus their own group's additions, live;
another group's actors, actions and relations do not exist for them until the mise en
commun. Each addition keeps its group (``group_id``): its tag on the map afterwards.

What this module decides: which groups a viewer may not see, which group an addition and an
event belong to, and the map's part in the console's counts and the compte rendu."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from facilitator.activities.cartographie.models import Actor, ActorAction, Relation
from facilitator.core import groups
from facilitator.core.events import Viewer
from facilitator.extensions import db
from facilitator.models import Step, StepGroup


def separate_groups(step: Step) -> frozenset[int]:
    """The groups working apart in ``step``'s atelier: the map is the cycle's, so a group
    of any step of the atelier (another cartographie step, say) counts, not only
    ``step``'s."""
    ids = [s.id for s in step.atelier.steps if groups.separate(s)]
    if not ids:
        return frozenset()
    return frozenset(db.session.scalars(select(StepGroup.id).where(StepGroup.step_id.in_(ids))))


def hidden(step: Step, viewer: Viewer) -> frozenset[int]:
    """The groups whose additions ``viewer`` may not see (other groups working apart in
    any step of the atelier: a second cartographie step shows the same map)."""
    return groups.hidden_groups(step.atelier.steps, viewer)


def audience(step: Step, *group_ids: int | None) -> int | None:
    """The group an event about these rows goes to: the first of them that is a group of
    the step working apart (an action of group A on a plenary actor: A; an animateur's
    action on group A's actor: A), else everyone."""
    working = separate_groups(step)
    return next((g for g in group_ids if g is not None and g in working), None)


def actions_for(actor: dict[str, Any], step: Step, group_id: int | None) -> dict[str, Any] | None:
    """The participants' version of an actor's event while groups work apart: its actions
    of the audience group and the plenary ones; ``withheld`` names the groups left out (a
    client keeps the actions it holds of those). None: the same for everyone."""
    working = separate_groups(step)
    if not working:
        return None
    left_out = working - {group_id} if group_id is not None else working
    return {
        **actor,
        "actions": [a for a in actor["actions"] if a.get("group_id") not in left_out],
        "withheld": sorted(left_out),
    }


def visible_map(data: dict[str, Any], concealed: frozenset[int]) -> dict[str, Any]:
    """``map_data`` without what the ``concealed`` groups added."""
    if not concealed:
        return data
    actors = [
        {**a, "actions": [x for x in a["actions"] if x.get("group_id") not in concealed]}
        for a in data["actors"]
        if a.get("group_id") not in concealed
    ]
    kept = {a["id"] for a in actors}
    relations = [
        r
        for r in data["relations"]
        if r.get("group_id") not in concealed and r["source_id"] in kept and r["target_id"] in kept
    ]
    return {**data, "actors": actors, "relations": relations}


#: the order of the additions of a group
KINDS = ("actor", "action", "relation")


def additions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every grouped addition of a map as ``{kind, id, group_id, text}``, actors first, then
    actions, then relations (the console's counts, the wall's grid: ``group_items``).
    static/js/activities/cartographie/reducers.js builds the same list after each event."""
    names = {a["id"]: a["name"] for a in data["actors"]}
    out: list[dict[str, Any]] = []
    for a in data["actors"]:
        if a.get("group_id"):
            out.append(
                {
                    "kind": "actor",
                    "id": a["id"],
                    "group_id": a["group_id"],
                    "text": f"Acteur : {a['name']}",
                }
            )
        for x in a["actions"]:
            if x.get("group_id"):
                out.append(
                    {
                        "kind": "action",
                        "id": x["id"],
                        "group_id": x["group_id"],
                        "text": f"Action de {a['name']} : {x['text']}",
                    }
                )
    for r in data["relations"]:
        if r.get("group_id"):
            pair = f"{names.get(r['source_id'], '?')} — {names.get(r['target_id'], '?')}"
            out.append(
                {
                    "kind": "relation",
                    "id": r["id"],
                    "group_id": r["group_id"],
                    "text": f"Relation : {pair}",
                }
            )
    return sorted(out, key=lambda item: KINDS.index(item["kind"]))


def _step_rows(step: Step) -> tuple[list[Actor], list[ActorAction], list[Relation]]:
    ids = [g.id for g in groups.groups_of_step(step.id)]
    if not ids:
        return [], [], []
    actors = db.session.scalars(
        select(Actor).where(Actor.group_id.in_(ids)).order_by(Actor.id)
    ).all()
    actions = db.session.scalars(
        select(ActorAction).where(ActorAction.group_id.in_(ids)).order_by(ActorAction.id)
    ).all()
    relations = db.session.scalars(
        select(Relation).where(Relation.group_id.in_(ids)).order_by(Relation.id)
    ).all()
    return list(actors), list(actions), list(relations)


def group_counts(step: Step) -> dict[int, int]:
    """Group → actors, actions and relations it added in ``step``."""
    out: dict[int, int] = {}
    rows: Iterable[Actor | ActorAction | Relation]
    for rows in _step_rows(step):
        for row in rows:
            assert row.group_id is not None
            out[row.group_id] = out.get(row.group_id, 0) + 1
    return out


def has_items(step: Step) -> bool:
    return any(_step_rows(step))


def group_texts(step: Step) -> dict[int, list[str]]:
    """Group → what it added to the map in ``step``, as plain texts (the compte rendu)."""
    actors, actions, relations = _step_rows(step)
    out: dict[int, list[str]] = {}

    def put(group_id: int | None, text: str) -> None:
        assert group_id is not None
        out.setdefault(group_id, []).append(text)

    for a in actors:
        put(a.group_id, f"Acteur : {a.name}")
    for x in actions:
        put(x.group_id, f"Action de {x.actor.name} : {x.text}")
    for r in relations:
        source, target = db.session.get(Actor, r.source_id), db.session.get(Actor, r.target_id)
        pair = f"{source.name if source else '?'} — {target.name if target else '?'}"
        put(r.group_id, f"Relation : {pair}")
    return out


def seen(viewer: Viewer, event: Any) -> dict[str, Any]:
    """What ``viewer`` gets of an event they caused (their ack): the participants'
    version."""
    if viewer.is_animateur or event.public_same:
        payload: dict[str, Any] = event.payload
        return payload
    public: dict[str, Any] = event.public
    return public
