// Reducers of the chaine_de_valeur envelopes (docs/activities/chaine_de_valeur.md): they
// update every state holding the cycle's chains. Registered eagerly by ../registry.js.

import { dropItem, putItem } from "../state.js";

const withChaines = (s) => "chaines" in s;

export const REDUCERS = {
  "chaine.updated": (store, d) => putItem(store, withChaines, "chaines", d.chaine),
  "chaine.deleted": (store, d) => dropItem(store, withChaines, "chaines", d.chaine_id),
};
