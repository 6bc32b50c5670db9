// The real-time connection (docs/protocol.md): connect with the signed token and the last
// applied seq, apply `sync` then live `event`s in seq order, and an outbox that keeps board
// actions in localStorage until the server acknowledges them.

const ACK_TIMEOUT = 10000;
const RETRY_CODES = new Set(["server_error", "rate_limited"]);
const OUTBOX_PREFIX = "facilitator.outbox";
const HEARTBEAT = 10000;
const STALE = 90 * 1000; // another tab's outbox untouched this long is adopted

/** A refusal made on this side (no answer from the server), shaped like the server's. */
export function failure(code, messageFr) {
  return { ok: false, error: { code, message_fr: messageFr } };
}

const OFFLINE = failure("offline", "Hors ligne : l'action n'a pas été envoyée. Réessayez une fois la connexion rétablie.");
const TIMEOUT = failure("timeout", "Le serveur ne répond pas : réessayez dans un instant.");

export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function tabId() {
  try {
    let id = sessionStorage.getItem("facilitator.tab");
    if (!id) {
      id = newClientId().slice(0, 12);
      sessionStorage.setItem("facilitator.tab", id);
    }
    return id;
  } catch {
    return newClientId().slice(0, 12);
  }
}

export class Live {
  /**
   * options: token, role, atelierId, store, onStatus(state), onError(message_fr),
   * onOutbox() (pending actions changed).
   */
  constructor(options) {
    Object.assign(this, options);
    this.base = `${OUTBOX_PREFIX}.${this.atelierId}.${this.role}`;
    this.key = `${this.base}.${tabId()}`;
    this.items = this.load(this.key);
    this.synced = false;
    this.buffer = [];
    this.flushing = false;
    this.retryTimer = null;
    this.status = "connecting";
    this.refused = false;
    this.fullTimer = null;
  }

  start() {
    this.adoptOrphans();
    const socket = window.io({
      auth: (cb) => cb({ token: this.token, last_seq: this.store.seq }),
      transports: ["websocket", "polling"],
    });
    this.socket = socket;
    // python-socketio sends `sync` from its connect handler, so the client may deliver it
    // before "connect": the per-connection state is reset on disconnect, not on connect.
    socket.on("sync", (data) => this.onSync(data));
    socket.on("event", (env) => {
      if (this.synced) this.store.apply(env, true);
      else this.buffer.push(env);
    });
    socket.on("presence", (data) => this.onPresence && this.onPresence(data));
    // the server announces its restart (docs/protocol.md `restart`): come back as soon as it
    // is up, retrying every retry_ms (jittered ± 50 %) instead of the growing backoff, then
    // back to the usual delays once connected
    socket.on("restart", (data) => {
      const ms = data && Number.isInteger(data.retry_ms) ? Math.min(Math.max(data.retry_ms, 100), 5000) : 250;
      socket.io.reconnectionDelay(ms).reconnectionDelayMax(ms * 2);
    });
    socket.on("connect", () => socket.io.reconnectionDelay(1000).reconnectionDelayMax(5000));
    socket.on("disconnect", (reason) => {
      this.synced = false;
      this.buffer = [];
      this.setStatus(navigator.onLine ? "reconnecting" : "offline");
      // a server-side disconnect is not retried by the client on its own
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 2000);
    });
    socket.on("connect_error", (err) => {
      const data = err && err.data;
      if (data && data.code === "server_full") {
        // refused because the server is full (docs/protocol.md §1): say so, come back after
        // the delay it gives (jittered by the server), not the usual backoff
        const ms = Number.isInteger(data.retry_ms) ? Math.min(Math.max(data.retry_ms, 500), 120000) : 10000;
        this.setStatus("reconnecting");
        this.onError(data.message_fr || "Le serveur est complet, nouvel essai dans quelques secondes.");
        clearTimeout(this.fullTimer);
        this.fullTimer = setTimeout(() => {
          if (!socket.connected && !this.refused) socket.connect();
        }, ms);
        return;
      }
      if (data && (data.code === "unauthenticated" || data.code === "too_many_connections")) {
        this.refused = true;
        this.setStatus("offline");
        this.onError(data.message_fr || "Connexion refusée : rechargez la page.");
        return;
      }
      this.setStatus(navigator.onLine ? "reconnecting" : "offline");
    });
    window.addEventListener("online", () => {
      if (!socket.connected) {
        this.setStatus("reconnecting");
        if (!socket.active && !this.refused) socket.connect();
      }
    });
    window.addEventListener("offline", () => this.setStatus("offline"));
    socket.io.on("reconnect_attempt", () => {
      this.setStatus(navigator.onLine ? "reconnecting" : "offline");
    });
    // leaving the page: let another tab of this browser adopt the queue at once
    window.addEventListener("pagehide", () => this.save(0));
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) this.save();
    });
    setInterval(() => this.heartbeat(), HEARTBEAT);
  }

  setStatus(state) {
    this.status = state;
    this.onStatus(state);
    this.onOutbox();
  }

  get connected() {
    return Boolean(this.socket && this.socket.connected && this.synced);
  }

  onSync(data) {
    if (data.mode === "snapshot") {
      this.store.loadSnapshot(data.snapshot);
    } else {
      for (const env of data.events || []) this.store.apply(env, false);
      if (data.seq > this.store.seq) this.store.seq = data.seq;
      this.store.notify({ type: "replay", live: false });
    }
    const buffered = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const env of buffered) this.store.apply(env, true);
    this.synced = true;
    this.setStatus("connected");
    this.flush();
  }

  // --- direct requests (animateur steering) --------------------------------------------

  /** Emit with an ack; resolves to the ack, or null when the outcome is unknown. */
  emitAck(event, payload) {
    return new Promise((resolve) => {
      if (!this.connected) {
        resolve(null);
        return;
      }
      const onDisconnect = () => resolve(null);
      this.socket.once("disconnect", onDisconnect);
      this.socket.timeout(ACK_TIMEOUT).emit(event, payload, (err, res) => {
        this.socket.off("disconnect", onDisconnect);
        resolve(err ? null : res);
      });
    });
  }

  /** Not queued: shows the error and resolves to the ack. */
  async request(event, payload = {}) {
    const online = this.connected;
    const res = (await this.emitAck(event, payload)) || (online ? TIMEOUT : OFFLINE);
    if (res.ok) this.store.applyAck(event, res);
    else this.onError(res.error.message_fr);
    return res;
  }

  // --- outbox ------------------------------------------------------------------------------

  /** Queue a board action (card_add, card_edit, card_delete, vote) until acknowledged. */
  enqueue(event, payload, meta = {}) {
    this.items.push({ id: newClientId(), event, payload, meta, sent: false });
    this.save();
    this.onOutbox();
    this.flush();
  }

  pending() {
    return this.items;
  }

  async flush() {
    if (this.flushing || !this.connected) return;
    this.flushing = true;
    try {
      while (this.items.length && this.connected) {
        const item = this.items[0];
        if (this.alreadyDone(item)) {
          this.drop(item);
          continue;
        }
        item.sent = true;
        this.save();
        const res = await this.emitAck(item.event, item.payload);
        if (!res) {
          this.retryLater(5000);
          break;
        }
        if (res.ok) {
          this.drop(item);
          this.store.applyAck(item.event, res);
          continue;
        }
        if (RETRY_CODES.has(res.error.code)) {
          this.retryLater(res.error.code === "rate_limited" ? 3000 : 5000);
          break;
        }
        this.drop(item);
        if (res.error.code === "personal_data" && this.onPersonal) {
          this.onPersonal(item, res.error);
          continue;
        }
        if (res.error.card) this.store.putCard(res.error.card, true);
        if (item.event === "vote" && res.error.code === "conflict") {
          // the voter's dots changed elsewhere: take the server's figure
          this.store.applyAck("vote", res.error);
        }
        if (item.event === "card_add" && this.onRefusedAdd) {
          this.onRefusedAdd(item, res.error); // its text goes back into the form
          continue;
        }
        if (!this.harmless(item, res.error)) this.onError(res.error.message_fr);
      }
    } finally {
      this.flushing = false;
      this.onOutbox();
    }
  }

  retryLater(ms) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.flush(), ms);
  }

  /** An item sent before whose ack was lost may already be applied: do not repeat it. */
  alreadyDone(item) {
    const p = item.payload;
    const s = this.store;
    if (item.event === "card_add") return s.hasClientId(p.client_id);
    if (item.event === "card_delete") return s.removed.has(p.card_id);
    if (!item.sent) return false;
    if (item.event === "vote") return (s.myVotes.get(p.card_id) || 0) === item.meta.expect;
    if (item.event === "card_edit") {
      const card = s.cards.get(p.card_id);
      return Boolean(card && card.version > p.version && (p.text == null || card.text === p.text));
    }
    return false;
  }

  harmless(item, error) {
    if (error.code === "not_found" && item.event === "card_delete") return true;
    if (error.code === "conflict" && item.event === "card_edit" && error.card) {
      return item.payload.text != null && error.card.text === item.payload.text;
    }
    return false;
  }

  drop(item) {
    this.items = this.items.filter((i) => i !== item);
    this.save();
  }

  // --- persistence (one key per tab; a dead tab's queue is adopted) -------------------------

  load(key) {
    try {
      const data = JSON.parse(localStorage.getItem(key) || "null");
      return data && Array.isArray(data.items) ? data.items : [];
    } catch {
      return [];
    }
  }

  save(time = Date.now()) {
    try {
      if (this.items.length) {
        localStorage.setItem(this.key, JSON.stringify({ t: time, items: this.items }));
      } else {
        localStorage.removeItem(this.key);
      }
    } catch {
      /* storage full or disabled: the queue lives in memory only */
    }
  }

  heartbeat() {
    if (this.items.length) this.save();
    this.adoptOrphans();
  }

  adoptOrphans() {
    try {
      const now = Date.now();
      for (let i = localStorage.length - 1; i >= 0; i--) {
        const key = localStorage.key(i);
        if (!key || key === this.key || !key.startsWith(this.base + ".")) continue;
        const data = JSON.parse(localStorage.getItem(key) || "null");
        if (data && now - (data.t || 0) < STALE) continue;
        localStorage.removeItem(key);
        if (data && Array.isArray(data.items) && data.items.length) {
          this.items.push(...data.items);
          this.save();
          this.onOutbox();
          this.flush();
        }
      }
    } catch {
      /* ignore unreadable storage */
    }
  }
}
