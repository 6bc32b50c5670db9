// Reducers of the `charte` envelopes (docs/activities/charte.md): they update every
// `store.activity[step_id]` that holds the cycle's charte (marked `charte: true`).
// Registered eagerly by ../registry.js: events may arrive before the view is loaded.

import { stepState, statesWhere, upsert } from "../state.js";

function states(store) {
  return statesWhere(store, (s) => s.charte);
}

function sortClauses(clauses, sections) {
  const order = new Map(sections.map((s, i) => [s.id, i]));
  clauses.sort((a, b) => (order.get(a.section) ?? 99) - (order.get(b.section) ?? 99)
    || a.position - b.position || a.id - b.id);
}

export const REDUCERS = {
  "charte.phase": (store, d) => {
    const state = stepState(store, d.step_id);
    if (state && state.charte) state.phase = d.phase;
  },
  "charte.version": (store, d) => {
    for (const state of states(store)) {
      state.versions = d.versions;
      const v = d.version;
      const newer = !state.current || v.number >= state.current.number;
      if (!newer) continue;
      if (!state.current || state.current.id !== v.id) {
        // another version: its amendments come with their own envelopes
        state.amendments = state.amendments.filter((a) => a.version_id === v.id);
        state.quick = {};
      }
      state.current = v;
      if (!v.vote_state) state.vote = null;
      else {
        const vote = state.vote && state.vote.version_id === v.id ? state.vote : {
          version_id: v.id, number: v.number, rules: {}, participation: null, tallies: null,
          my_ballot: null, structure_voted: false,
        };
        vote.state = v.vote_state;
        if (v.participation) vote.participation = v.participation;
        if (v.vote_rules && v.vote_rules.gradients) vote.rules = v.vote_rules;
        if (v.result && v.result.gradients) {
          vote.tallies = Object.fromEntries(v.result.gradients.map((g) => [g.id, g.count]));
        }
        state.vote = vote;
      }
      if (v.status === "adoptee") state.adopted_number = v.number;
    }
  },
  "charte.clause": (store, d) => {
    for (const state of states(store)) {
      const cur = state.current;
      if (!cur || cur.id !== d.clause.version_id) continue;
      upsert(cur.clauses, d.clause);
      sortClauses(cur.clauses, state.sections);
    }
  },
  "charte.clause_deleted": (store, d) => {
    for (const state of states(store)) {
      const cur = state.current;
      if (!cur || cur.id !== d.version_id) continue;
      cur.clauses = cur.clauses.filter((c) => c.id !== d.clause_id);
      cur.removed = d.removed;
    }
  },
  "charte.amendment": (store, d) => {
    const a = d.amendment;
    for (const state of states(store)) {
      if (state.current && a.version_id !== state.current.id) {
        state.amendments = state.amendments.filter((x) => x.id !== a.id);
        continue;
      }
      const old = state.amendments.find((x) => x.id === a.id);
      if (old && old.author_id != null && a.author_id == null && old.client_id) {
        // a public copy of my own amendment must not hide its author from me
        Object.assign(a, { author: old.author, author_id: old.author_id, client_id: old.client_id });
      }
      upsert(state.amendments, a);
      if (a.status !== "en_vote") delete state.quick[a.id];
    }
  },
  "charte.quick_vote": (store, d) => {
    for (const state of states(store)) {
      if (d.tally) state.quick[d.amendment_id] = d.tally;
      if (d.choice) state.my_quick[d.amendment_id] = d.choice;
    }
  },
  "charte.ballot": (store, d) => {
    for (const state of states(store)) {
      const vote = state.vote;
      if (!vote || vote.version_id !== d.version_id) continue;
      vote.participation = d.participation;
      if (d.tallies) vote.tallies = d.tallies;
      if (d.my_ballot !== undefined) vote.my_ballot = d.my_ballot;
    }
  },
};

