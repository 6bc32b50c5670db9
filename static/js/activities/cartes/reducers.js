// Reducers of the cartes envelopes. Cards and votes (`card.*`, `vote.changed`) are core
// envelopes every type may use (the charte's ideas are cards): the store applies them
// (../../store.js). Registered by ../registry.js like every type's.

export const REDUCERS = {
  // the ack of the animateur's `move` and `rename_group` (arrange.js): the changed cards,
  // applied at once (each also comes as its own `card.updated` envelope)
  "cards.arranged": (s, d, fromAck) => {
    for (const card of d.cards || []) s.putCard(card, fromAck);
  },
};
