// Reducers of the questions_essentielles envelopes (docs/activities/questions_essentielles.md):
// proposals, votes and phase of a step, and the cycle's questions in every state that shows
// them. Registered eagerly by ../registry.js.

import { phaseReducer, stepState, statesWhere, upsert, voteReducer } from "../state.js";

const GONE = new Set(["deleted", "merged"]);

export const REDUCERS = {
  "qe.proposal": (store, d) => {
    const state = stepState(store, d.step_id);
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
  "qe.vote": voteReducer("proposal_id"),
  "qe.phase": phaseReducer,
  "questions.updated": (store, d) => {
    for (const state of statesWhere(store, (s) => "questions" in s)) state.questions = d.questions;
  },
};
