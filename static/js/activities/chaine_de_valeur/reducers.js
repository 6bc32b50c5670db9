// Reducers of the chaine_de_valeur envelopes (docs/activities/chaine_de_valeur.md): they
// update every state holding the cycle's chains, and the sub-groups' entries built from
// them (issue 18: the grid, the wall and the counts read `group_entries`, see views.py
// `group_entries`). Registered eagerly by ../registry.js.

import { dropItem, putItem, statesWhere } from "../state.js";

const withChaines = (s) => "chaines" in s;

/** A group's chain, then each of its items, as texts (the server builds the same). */
export function groupEntries(state) {
  const labels = { ...state.labels.levels, ...state.labels.extra };
  const out = [];
  for (const c of state.chaines) {
    if (c.group_id == null) continue;
    out.push({ id: `c${c.id}`, group_id: c.group_id, text: c.title });
    for (const i of c.items) {
      out.push({ id: `i${i.id}`, group_id: c.group_id, text: `${c.title} → ${labels[i.level] || i.level} : ${i.text}` });
    }
  }
  return out;
}

function rebuild(store) {
  for (const state of statesWhere(store, (s) => withChaines(s) && "group_entries" in s)) {
    state.group_entries = groupEntries(state);
  }
}

export const REDUCERS = {
  "chaine.updated": (store, d) => {
    putItem(store, withChaines, "chaines", d.chaine);
    rebuild(store);
  },
  "chaine.deleted": (store, d) => {
    dropItem(store, withChaines, "chaines", d.chaine_id);
    rebuild(store);
  },
};
