// Reducers of the feuille_de_route envelopes (docs/activities/feuille_de_route.md): the
// cycle's actions in every state that holds them, votes and phase of their step. Registered
// eagerly by ../registry.js.

import { dropItem, phaseReducer, putItem, voteReducer } from "../state.js";

const withActions = (s) => "actions" in s && "my_votes" in s;

export const REDUCERS = {
  "roadmap.action": (store, d) => putItem(store, withActions, "actions", d.action),
  "roadmap.action_deleted": (store, d) => {
    for (const state of dropItem(store, withActions, "actions", d.action_id)) {
      delete state.tallies[d.action_id];
      delete state.my_votes[d.action_id];
    }
  },
  "roadmap.vote": voteReducer("action_id"),
  "roadmap.phase": phaseReducer,
};
