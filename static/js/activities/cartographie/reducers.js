// Reducers of the cartographie envelopes (docs/activities/cartographie.md): the cycle's
// actors, relations and layout in every state that holds the map. Registered eagerly by
// ../registry.js. In sub-groups (docs/groups.md) an actor's envelope may leave out the
// actions of some groups (`withheld`): the ones held already are kept; `group_additions`
// (what each group added: the console's counts, the wall's grid) is rebuilt after each one.

import { dropItem, putItem, statesWhere, upsert } from "../state.js";

const withActors = (s) => "actors" in s;
const withRelations = (s) => "relations" in s;

const KINDS = ["actor", "action", "relation"];

/** What each group added, as core/groups' `group_items` (grouping.py `additions`). */
export function additions(state) {
  const names = new Map(state.actors.map((a) => [a.id, a.name]));
  const out = [];
  for (const a of state.actors) {
    if (a.group_id) out.push({ kind: "actor", id: a.id, group_id: a.group_id, text: `Acteur : ${a.name}` });
    for (const x of a.actions) {
      if (x.group_id) out.push({ kind: "action", id: x.id, group_id: x.group_id, text: `Action de ${a.name} : ${x.text}` });
    }
  }
  for (const r of state.relations || []) {
    if (r.group_id) {
      const pair = `${names.get(r.source_id) || "?"} — ${names.get(r.target_id) || "?"}`;
      out.push({ kind: "relation", id: r.id, group_id: r.group_id, text: `Relation : ${pair}` });
    }
  }
  return out.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind)); // stable: actors first
}

function recount(store) {
  for (const state of statesWhere(store, withActors)) {
    if ("group_additions" in state) state.group_additions = additions(state);
  }
}

export const REDUCERS = {
  "map.actor": (store, d) => {
    const kept = new Set(d.actor.withheld || []);
    for (const state of statesWhere(store, withActors)) {
      const held = state.actors.find((a) => a.id === d.actor.id);
      const actor = { ...d.actor };
      delete actor.withheld;
      if (held && kept.size) {
        actor.actions = [...actor.actions, ...held.actions.filter((x) => kept.has(x.group_id))]
          .sort((x, y) => x.id - y.id);
      }
      upsert(state.actors, actor);
      for (const s of state.structures || []) {
        if (s.actor_id === d.actor.id && s.id !== d.actor.structure_id) s.actor_id = null;
        if (s.id === d.actor.structure_id) s.actor_id = d.actor.id;
      }
    }
    recount(store);
  },
  "map.actor_deleted": (store, d) => {
    const dropped = new Set(d.relation_ids || []);
    for (const state of statesWhere(store, withActors)) {
      state.actors = state.actors.filter((a) => a.id !== d.actor_id);
      state.relations = state.relations.filter(
        (r) => !dropped.has(r.id) && (d.merged_into || (r.source_id !== d.actor_id && r.target_id !== d.actor_id)),
      );
      for (const s of state.structures || []) if (s.actor_id === d.actor_id) s.actor_id = null;
    }
    recount(store);
  },
  "map.relation": (store, d) => {
    putItem(store, withRelations, "relations", d.relation);
    recount(store);
  },
  "map.relation_deleted": (store, d) => {
    dropItem(store, withRelations, "relations", d.relation_id);
    recount(store);
  },
  "map.layout": (store, d) => {
    for (const state of statesWhere(store, withActors)) {
      for (const p of d.positions) {
        const actor = state.actors.find((a) => a.id === p.actor_id);
        if (actor) Object.assign(actor, { x: p.x, y: p.y });
      }
    }
  },
};
