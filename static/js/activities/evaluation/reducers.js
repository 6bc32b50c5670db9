// Reducers of the evaluation envelopes (docs/cycle-life.md): the count of answers, the
// results when the viewer may see them, and the viewer's own answer. Registered eagerly by
// ../registry.js.

import { stepState } from "../state.js";

export const REDUCERS = {
  "evaluation.updated": (store, d) => {
    const state = stepState(store, d.step_id);
    if (!state) return;
    state.count = d.count;
    if (d.results) state.results = d.results;
    if (d.mine) state.mine = d.mine;
  },
};
