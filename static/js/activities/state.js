// Helpers of the activity types' reducers (<type>/reducers.js): they update
// `store.activity[step_id]`, the state each step's snapshot carries.

/** The state of one step, when the store holds it. */
export function stepState(store, stepId) {
  return store.activity && store.activity[stepId];
}

/** Every step's state that passes `test`: an envelope about the cycle's productions (its
 * questions, its map, its chains…) updates each step that shows them. */
export function statesWhere(store, test) {
  return Object.values(store.activity || {}).filter((s) => s && test(s));
}

/** Replace the item with the same id, or append it. */
export function upsert(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

/** Put `item` in the `key` list of every state that passes `test`. */
export function putItem(store, test, key, item) {
  for (const state of statesWhere(store, test)) upsert(state[key], item);
}

/** Drop the item `id` from the `key` list of every state that passes `test`; returns them. */
export function dropItem(store, test, key, id) {
  const states = statesWhere(store, test);
  for (const state of states) state[key] = state[key].filter((x) => x.id !== id);
  return states;
}

/** The reducer of a `<type>.vote` envelope: the item's total (its id is `d[key]`) and, for a
 * participant, their own weight on it. */
export function voteReducer(key) {
  return (store, d) => {
    const state = stepState(store, d.step_id);
    if (!state) return;
    if (d.total !== undefined) state.tallies[d[key]] = d.total;
    if (store.role === "participant" && d.weight !== undefined) {
      if (d.weight > 0) state.my_votes[d[key]] = d.weight;
      else delete state.my_votes[d[key]];
    }
  };
}

/** The reducer of a `<type>.phase` envelope: the step's phase, and the tallies it reveals. */
export function phaseReducer(store, d) {
  const state = stepState(store, d.step_id);
  if (!state) return;
  state.phase = d.phase;
  if (d.tallies) state.tallies = { ...d.tallies };
}
