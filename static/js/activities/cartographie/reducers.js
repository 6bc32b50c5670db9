// Reducers of the cartographie envelopes (docs/activities/cartographie.md): the cycle's
// actors, relations and layout in every state that holds the map. Registered eagerly by
// ../registry.js.

import { dropItem, putItem, statesWhere, upsert } from "../state.js";

const withActors = (s) => "actors" in s;
const withRelations = (s) => "relations" in s;

export const REDUCERS = {
  "map.actor": (store, d) => {
    for (const state of statesWhere(store, withActors)) {
      upsert(state.actors, d.actor);
      for (const s of state.structures || []) {
        if (s.actor_id === d.actor.id && s.id !== d.actor.structure_id) s.actor_id = null;
        if (s.id === d.actor.structure_id) s.actor_id = d.actor.id;
      }
    }
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
  },
  "map.relation": (store, d) => putItem(store, withRelations, "relations", d.relation),
  "map.relation_deleted": (store, d) => dropItem(store, withRelations, "relations", d.relation_id),
  "map.layout": (store, d) => {
    for (const state of statesWhere(store, withActors)) {
      for (const p of d.positions) {
        const actor = state.actors.find((a) => a.id === p.actor_id);
        if (actor) Object.assign(actor, { x: p.x, y: p.y });
      }
    }
  },
};
