// Reducers of the chaine_de_valeur envelopes (docs/activities/chaine_de_valeur.md): they
// update every state holding the cycle's chains. Registered eagerly by registry.js.

import { registerHandlers } from "../store.js";

function states(store) {
  return Object.values(store.activity || {}).filter((s) => s && "chaines" in s);
}

export const CHAINE_REDUCERS = {
  "chaine.updated": (store, d) => {
    for (const state of states(store)) {
      const i = state.chaines.findIndex((c) => c.id === d.chaine.id);
      if (i >= 0) state.chaines[i] = d.chaine;
      else state.chaines.push(d.chaine);
    }
  },
  "chaine.deleted": (store, d) => {
    for (const state of states(store)) state.chaines = state.chaines.filter((c) => c.id !== d.chaine_id);
  },
};

registerHandlers(CHAINE_REDUCERS);
