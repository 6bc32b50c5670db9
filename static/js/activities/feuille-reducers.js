// Reducers of the feuille_de_route envelopes (docs/activities/feuille_de_route.md): the
// cycle's actions in every state that holds them, votes and phase of their step.
// Registered eagerly by registry.js.

import { registerHandlers } from "../store.js";

function states(store) {
  return Object.values(store.activity || {}).filter((s) => s && "actions" in s && "my_votes" in s);
}

export const FEUILLE_REDUCERS = {
  "roadmap.action": (store, d) => {
    for (const state of states(store)) {
      const i = state.actions.findIndex((a) => a.id === d.action.id);
      if (i >= 0) state.actions[i] = d.action;
      else state.actions.push(d.action);
    }
  },
  "roadmap.action_deleted": (store, d) => {
    for (const state of states(store)) {
      state.actions = state.actions.filter((a) => a.id !== d.action_id);
      delete state.tallies[d.action_id];
      delete state.my_votes[d.action_id];
    }
  },
  "roadmap.vote": (store, d) => {
    const state = store.activity && store.activity[d.step_id];
    if (!state) return;
    if (d.total !== undefined) state.tallies[d.action_id] = d.total;
    if (store.role === "participant" && d.weight !== undefined) {
      if (d.weight > 0) state.my_votes[d.action_id] = d.weight;
      else delete state.my_votes[d.action_id];
    }
  },
  "roadmap.phase": (store, d) => {
    const state = store.activity && store.activity[d.step_id];
    if (!state) return;
    state.phase = d.phase;
    if (d.tallies) state.tallies = { ...d.tallies };
  },
};

registerHandlers(FEUILLE_REDUCERS);
