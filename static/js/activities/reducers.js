// Reducers of the activity-specific envelopes (docs/activities/*.md): they update
// `store.activity[step_id]`, the state each step's snapshot carries. Loaded eagerly (events
// may arrive before a view is), registered in the store by registry.js.

function states(store, key) {
  return Object.values(store.activity || {}).filter((s) => s && key in s);
}

function upsert(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

const GONE = new Set(["deleted", "merged"]);

export const REDUCERS = {
  // questions_essentielles ---------------------------------------------------------------
  "qe.proposal": (store, d) => {
    const state = store.activity && store.activity[d.step_id];
    if (!state) return;
    const p = d.proposal;
    const old = state.proposals.find((x) => x.id === p.id);
    if (old && old.author_id != null && p.author_id == null && old.client_id) {
      // a public copy of my own proposal must not hide its author from me
      Object.assign(p, { author: old.author, author_id: old.author_id, client_id: old.client_id });
    }
    if (GONE.has(p.status)) {
      state.proposals = state.proposals.filter((x) => x.id !== p.id);
      delete state.tallies[p.id];
      delete state.my_votes[p.id];
    } else upsert(state.proposals, p);
  },
  "qe.vote": (store, d) => {
    const state = store.activity && store.activity[d.step_id];
    if (!state) return;
    if (d.total !== undefined) state.tallies[d.proposal_id] = d.total;
    if (store.role === "participant" && d.weight !== undefined) {
      if (d.weight > 0) state.my_votes[d.proposal_id] = d.weight;
      else delete state.my_votes[d.proposal_id];
    }
  },
  "qe.phase": (store, d) => {
    const state = store.activity && store.activity[d.step_id];
    if (!state) return;
    state.phase = d.phase;
    if (d.tallies) state.tallies = { ...d.tallies };
  },
  "questions.updated": (store, d) => {
    for (const state of states(store, "questions")) state.questions = d.questions;
  },
  // cartographie ---------------------------------------------------------------------------
  "map.actor": (store, d) => {
    for (const state of states(store, "actors")) {
      upsert(state.actors, d.actor);
      for (const s of state.structures || []) {
        if (s.actor_id === d.actor.id && s.id !== d.actor.structure_id) s.actor_id = null;
        if (s.id === d.actor.structure_id) s.actor_id = d.actor.id;
      }
    }
  },
  "map.actor_deleted": (store, d) => {
    const dropped = new Set(d.relation_ids || []);
    for (const state of states(store, "actors")) {
      state.actors = state.actors.filter((a) => a.id !== d.actor_id);
      state.relations = state.relations.filter(
        (r) => !dropped.has(r.id) && (d.merged_into || (r.source_id !== d.actor_id && r.target_id !== d.actor_id)),
      );
      for (const s of state.structures || []) if (s.actor_id === d.actor_id) s.actor_id = null;
    }
  },
  "map.relation": (store, d) => {
    for (const state of states(store, "relations")) upsert(state.relations, d.relation);
  },
  "map.relation_deleted": (store, d) => {
    for (const state of states(store, "relations")) {
      state.relations = state.relations.filter((r) => r.id !== d.relation_id);
    }
  },
  "map.layout": (store, d) => {
    for (const state of states(store, "actors")) {
      for (const p of d.positions) {
        const actor = state.actors.find((a) => a.id === p.actor_id);
        if (actor) Object.assign(actor, { x: p.x, y: p.y });
      }
    }
  },
};

/**
 * Apply the result of an acknowledged action as if it were its envelope, unless the
 * envelope (or a later one) was applied already: `seq` orders them.
 */
export function applyAck(store, type, data, seq) {
  if (!REDUCERS[type] || !(seq > store.seq)) return;
  REDUCERS[type](store, data);
  store.notify({ type: "ack", event: type, data, live: true });
}
