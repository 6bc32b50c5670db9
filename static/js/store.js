// Client state of one atelier, fed by `sync` (snapshot / replay), live `event`s and acks.
// Envelope types and shapes: docs/protocol.md §2.

// A public card comes compact (docs/protocol.md, « Carte publique compacte »): the fields at
// their default are left out, and `author_id` is `author.id`. Every card entering the store
// goes through `normalCard`, so the views read the same complete card as before.
export function normalCard(card) {
  if (!card || card.withheld) return card;
  const out = {
    cluster: null, deleted: false, masked: false, moderation: null, moderation_reason: null,
    xy: null, by_animateur: false, author: null, group_id: null, ...card,
  };
  if (!Array.isArray(out.privacy)) out.privacy = [];
  if (!Array.isArray(out.marks)) out.marks = [];
  if (out.author_id === undefined) out.author_id = out.author ? out.author.id : null;
  return out;
}

export class Store {
  constructor(role) {
    this.role = role;
    this.seq = 0;
    this.loaded = false;
    this.atelier = null;
    this.steps = new Map();
    this.cards = new Map();
    this.tallies = new Map(); // card id → total
    this.myVotes = new Map(); // card id → my weight
    this.me = null;
    this.removed = new Set(); // ids of deleted cards (a late ack must not bring them back)
    this.clockOffset = 0; // server clock − local clock, ms
    this.listeners = new Set();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(change) {
    for (const fn of this.listeners) fn(change);
  }

  // --- reading ---------------------------------------------------------------------------

  stepList() {
    return [...this.steps.values()].sort((a, b) => a.position - b.position);
  }

  currentStep() {
    const id = this.atelier && this.atelier.current_step_id;
    return id ? this.steps.get(id) || null : null;
  }

  cardsOf(stepId) {
    return [...this.cards.values()]
      .filter((c) => c.step_id === stepId)
      .sort((a, b) => a.position - b.position || a.id - b.id);
  }

  isMine(card) {
    return Boolean(
      this.role === "participant" && this.me && card && card.author_id === this.me.id,
    );
  }

  usedVotes(stepId) {
    let used = 0;
    for (const [cardId, weight] of this.myVotes) {
      const card = this.cards.get(cardId);
      if (card && card.step_id === stepId) used += weight;
    }
    return used;
  }

  hasClientId(clientId) {
    for (const card of this.cards.values()) if (card.client_id === clientId) return true;
    return false;
  }

  // --- sync --------------------------------------------------------------------------------

  loadSnapshot(snap) {
    this.seq = snap.seq;
    this.atelier = snap.atelier;
    this.me = snap.me;
    this.steps = new Map(snap.steps.map((s) => [s.id, s]));
    this.cards = new Map(snap.cards.filter((c) => !c.deleted).map((c) => [c.id, normalCard(c)]));
    this.tallies = toNumberMap(snap.tallies);
    this.myVotes = toNumberMap(snap.my_votes);
    this.activity = snap.activity || {}; // activity-specific state by step id (none for cartes)
    this.groups = snap.groups || {}; // sub-groups by step id (groups.js, issue 18)
    this.removed = new Set();
    this.setClock(snap.atelier.timer);
    this.loaded = true;
    this.notify({ type: "snapshot", live: true });
  }

  setClock(timer) {
    if (timer && timer.server_time) this.clockOffset = timer.server_time - Date.now();
  }

  /** Apply one envelope; `live` is false for replayed ones (stale server_time). */
  apply(env, live = true) {
    if (!env || typeof env.seq !== "number" || env.seq <= this.seq) return false;
    this.seq = env.seq;
    const handler = HANDLERS[env.type] || EXTRA_HANDLERS.get(env.type);
    if (handler) handler(this, env.data || {}, live);
    // `by`: the animateur who did it (animateurs' envelopes only; docs/protocol.md)
    this.notify({ type: env.type, data: env.data || {}, live, by: env.by || null });
    return true;
  }

  // --- cards ---------------------------------------------------------------------------------

  /** Insert or replace a card. From an ack, only when newer than what we hold. */
  putCard(card, fromAck = false) {
    if (!card || this.removed.has(card.id)) return;
    card = normalCard(card);
    if (card.withheld) {
      // held again for moderation or refused: gone from this board until accepted
      this.cards.delete(card.id);
      this.tallies.delete(card.id);
      this.myVotes.delete(card.id);
      return;
    }
    if (card.deleted) {
      this.dropCard(card.id);
      return;
    }
    const old = this.cards.get(card.id);
    if (fromAck && old && old.version >= card.version) return;
    if (old && this.isMine(old)) {
      // a public copy of my own card must not hide its text or its author from me
      if (card.author_id == null) card = { ...card, author: old.author, author_id: old.author_id };
      if (card.face_down && old.version === card.version) {
        card = { ...card, text: old.text, cluster: old.cluster, face_down: false };
      }
      if (!card.client_id && old.client_id) card = { ...card, client_id: old.client_id };
    }
    this.cards.set(card.id, card);
  }

  dropCard(cardId) {
    this.cards.delete(cardId);
    this.tallies.delete(cardId);
    this.myVotes.delete(cardId);
    this.removed.add(cardId);
  }

  setMyVote(cardId, weight) {
    if (weight > 0) this.myVotes.set(cardId, weight);
    else this.myVotes.delete(cardId);
  }

  /** Results of acks (never move `seq`: the matching event will come too). */
  applyAck(event, result) {
    if (event === "card_add" || event === "card_edit") this.putCard(result.card, true);
    else if (event === "card_delete") this.dropCard(result.card_id);
    else if (event === "vote") {
      this.setMyVote(result.card_id, result.weight);
      if (result.total !== undefined) this.tallies.set(result.card_id, result.total);
    }
    this.notify({ type: "ack", event, data: result, live: true });
  }

  /**
   * Apply the result of an acknowledged activity action as if it were its envelope `type`
   * (registered with registerHandlers), unless that envelope or a later one was applied
   * already: `seq` orders them. Like card acks, it never moves `seq`.
   */
  applyActivityAck(type, data, seq) {
    const handler = EXTRA_HANDLERS.get(type);
    if (!handler || !(seq > this.seq)) return;
    handler(this, data, true);
    this.notify({ type: "ack", event: type, data, live: true });
  }

  setSteps(steps) {
    if (Array.isArray(steps)) for (const step of steps) this.setStep(step);
  }

  /** Replace a step; for non-animateurs, hide what its flags no longer let them see. */
  setStep(step) {
    const old = this.steps.get(step.id);
    this.steps.set(step.id, step);
    if (this.role === "animateur" || !old) return;
    const cards = this.cardsOf(step.id);
    if (!step.cards_visible && old.cards_visible) {
      for (const c of cards) {
        if (this.isMine(c) || c.by_animateur) continue;
        this.cards.set(c.id, { ...c, text: null, cluster: null, face_down: true, author: null, author_id: null });
      }
    }
    if (step.anonymous && !old.anonymous) {
      for (const c of cards) {
        if (!this.isMine(c)) this.cards.set(c.id, { ...this.cards.get(c.id), author: null, author_id: null });
      }
    }
    if (!step.results_visible) for (const c of cards) this.tallies.delete(c.id);
  }
}

// Envelopes of activity types with their own state (docs/activities/): their reducers
// (static/js/activities/<type>/reducers.js) update `store.activity[step_id]`; registered by
// static/js/activities/registry.js.
const EXTRA_HANDLERS = new Map();

export function registerHandlers(handlers) {
  for (const [type, fn] of Object.entries(handlers)) EXTRA_HANDLERS.set(type, fn);
}

function toNumberMap(obj) {
  const map = new Map();
  for (const [k, v] of Object.entries(obj || {})) map.set(Number(k), v);
  return map;
}

const HANDLERS = {
  // d.card normalised in place: the page's announcements read the envelope after this
  "card.added": (s, d) => s.putCard((d.card = normalCard(d.card))),
  "card.updated": (s, d) => s.putCard((d.card = normalCard(d.card))),
  "card.deleted": (s, d) => s.dropCard(d.card_id),
  "vote.changed": (s, d) => {
    if (d.total !== undefined) s.tallies.set(d.card_id, d.total);
    // animateurs get every voter's weight: only a participant's own counts here
    if (s.role === "participant" && d.weight !== undefined) s.setMyVote(d.card_id, d.weight);
  },
  "step.changed": (s, d) => {
    // each step's status only (docs/protocol.md); events stored before carry whole steps
    for (const item of Array.isArray(d.steps) ? d.steps : []) {
      const old = s.steps.get(item.id);
      if (old) s.setStep({ ...old, ...item });
      else if (item.title !== undefined) s.setStep(item);
    }
    if (s.atelier) s.atelier = { ...s.atelier, current_step_id: d.current_step_id };
  },
  "step.updated": (s, d) => {
    s.setStep(d.step);
    if (Array.isArray(d.cards)) for (const card of d.cards) s.putCard(card);
    if (d.tallies) {
      for (const c of s.cardsOf(d.step.id)) s.tallies.delete(c.id);
      for (const [k, v] of Object.entries(d.tallies)) s.tallies.set(Number(k), v);
    }
  },
  "timer.updated": (s, d, live) => {
    if (s.atelier) s.atelier = { ...s.atelier, timer: d.timer };
    if (live) s.setClock(d.timer);
  },
  "groups.changed": (s, d) => {
    // animateurs get every group; the others read theirs again (groups.js), or get the
    // groups' state here when they were just planned or formed (then their own: groups.mine)
    if (s.role !== "animateur" && d.state !== undefined) {
      s.groups = { ...s.groups, [String(d.step_id)]: d.state && { ...d.state, mine: null, my_members: [] } };
      if (!d.state) delete s.groups[String(d.step_id)];
      return;
    }
    if (s.role !== "animateur" || d.groups === undefined) return;
    if (d.groups) s.groups = { ...s.groups, [String(d.step_id)]: d.groups };
    else {
      s.groups = { ...s.groups };
      delete s.groups[String(d.step_id)];
    }
  },
  "groups.mine": (s, d) => {
    const state = s.groups[String(d.step_id)];
    if (s.role !== "participant" || !state) return;
    s.groups = { ...s.groups, [String(d.step_id)]: { ...state, mine: d.group_id, my_members: d.members } };
  },
  "atelier.updated": (s, d, live) => {
    s.atelier = d.atelier;
    s.setSteps(d.steps);
    if (live) s.setClock(d.atelier.timer);
  },
};
