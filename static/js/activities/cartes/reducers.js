// Reducers of the cartes envelopes: none of its own. Cards and votes (`card.*`,
// `vote.changed`) are core envelopes every type may use (the charte's ideas are cards): the
// store applies them (../../store.js). Registered by ../registry.js like every type's.

export const REDUCERS = {};
