// Small DOM helpers shared by every page: element builder, connection indicator,
// alert region, polite announcer, timer display, step header.
// User text is always inserted with textContent (never innerHTML).

/**
 * Build an element. attrs: `class`, `text`, `hidden` (bool), `on<Event>` (listener),
 * anything else is set as an attribute (null/false skips it, true sets "").
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") el.textContent = value;
    else if (key === "class") el.className = value;
    else if (key === "hidden") el.hidden = true;
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (id) => document.getElementById(id);

/** Set text and visibility in one go (empty text hides the element). */
export function setText(el, text) {
  if (!el) return;
  el.textContent = text || "";
  el.hidden = !text;
}

/** Keep `parent`'s children equal to `nodes`, moving only what is out of place. */
export function syncChildren(parent, nodes) {
  let ref = parent.firstChild;
  for (const node of nodes) {
    if (node === ref) {
      ref = ref.nextSibling;
    } else {
      parent.insertBefore(node, ref);
    }
  }
  while (ref) {
    const next = ref.nextSibling;
    ref.remove();
    ref = next;
  }
}

export function plural(n, one, many) {
  return `${n} ${n > 1 ? many : one}`;
}

// --- connection indicator ------------------------------------------------------------

const CONN_LABELS = {
  connecting: "Connexion…",
  connected: "Connecté",
  reconnecting: "Reconnexion…",
  offline: "Hors ligne",
};

export function showConnection(el, state) {
  if (!el) return;
  el.dataset.state = state;
  const text = el.querySelector(".conn__text") || el;
  text.textContent = CONN_LABELS[state] || state;
}

// --- alerts (role=alert region) ----------------------------------------------------------

export function makeAlerts(region) {
  return function showError(message) {
    if (!region || !message) return;
    const item = h(
      "p",
      { class: "alert alert--dismissable" },
      h("span", { text: message }),
      h("button", {
        type: "button",
        class: "link-button",
        text: "Fermer",
        onClick: () => item.remove(),
      }),
    );
    region.append(item);
    setTimeout(() => item.remove(), 12000);
    while (region.children.length > 3) region.firstElementChild.remove();
  };
}

/**
 * A decision the user has to take (not dismissed automatically): message, details, and
 * buttons [{label, primary, run}]; any button closes it.
 */
export function showPrompt(region, { message, details = [], actions, focus = false }) {
  if (!region) return;
  const item = h(
    "div",
    { class: "alert prompt" },
    h("p", { text: message }),
    details.length ? h("ul", {}, details.map((d) => h("li", { text: d }))) : null,
    h(
      "div",
      { class: "button-row" },
      actions.map(({ label, primary, run }) =>
        h("button", {
          type: "button",
          class: primary ? "btn btn-primary btn-small" : "btn btn-small",
          text: label,
          onClick: () => {
            item.remove();
            if (run) run();
          },
        }),
      ),
    ),
  );
  region.append(item);
  if (focus) item.querySelector("button").focus();
}

// --- polite announcer ---------------------------------------------------------------------

/** Batches messages for an aria-live="polite" region: at most one announcement per `gap` ms. */
export class Announcer {
  constructor(region, gap = 3000) {
    this.region = region;
    this.gap = gap;
    this.messages = [];
    this.newCards = 0;
    this.last = 0;
    this.timer = null;
  }

  say(message) {
    if (!this.messages.includes(message)) this.messages.push(message);
    this.schedule();
  }

  cards(count = 1) {
    this.newCards += count;
    this.schedule();
  }

  schedule() {
    if (this.timer || !this.region) return;
    const wait = Math.max(0, this.last + this.gap - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    this.timer = null;
    const parts = [...this.messages];
    if (this.newCards === 1) parts.push("1 nouvelle carte");
    else if (this.newCards > 1) parts.push(`${this.newCards} nouvelles cartes`);
    this.messages = [];
    this.newCards = 0;
    if (!parts.length) return;
    this.last = Date.now();
    this.region.textContent = parts.join(". ") + ".";
  }
}

// --- timer --------------------------------------------------------------------------------

export function formatSeconds(total) {
  const s = Math.max(0, Math.round(total));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** Shows the atelier's countdown; the timer informs, it never blocks anything. */
export class TimerView {
  constructor(el, { onElapsed } = {}) {
    this.el = el;
    this.onElapsed = onElapsed;
    this.timer = null;
    this.offset = 0;
    this.interval = null;
    this.elapsedFor = null;
  }

  /** timer: {running, ends_at, remaining, total}; offset: server clock − local clock (ms). */
  update(timer, offset) {
    this.timer = timer;
    this.offset = offset || 0;
    const running = Boolean(timer && timer.running && timer.ends_at);
    if (running && !this.interval) this.interval = setInterval(() => this.draw(), 1000);
    if (!running && this.interval) {
      clearInterval(this.interval);
      this.interval = null;
    }
    this.draw();
  }

  draw() {
    const t = this.timer;
    if (!this.el) return;
    if (!t || (!t.running && t.remaining == null)) {
      this.el.hidden = true;
      return;
    }
    this.el.hidden = false;
    let text;
    let state;
    if (t.running) {
      const left = (t.ends_at - (Date.now() + this.offset)) / 1000;
      if (left <= 0) {
        text = "Temps écoulé";
        state = "elapsed";
        if (this.elapsedFor !== t.ends_at) {
          this.elapsedFor = t.ends_at;
          if (this.onElapsed) this.onElapsed();
        }
      } else {
        text = formatSeconds(Math.ceil(left));
        state = left <= 60 ? "ending" : "running";
      }
    } else {
      text = `${formatSeconds(t.remaining)} (en pause)`;
      state = "paused";
    }
    this.el.dataset.state = state;
    if (!this.value) {
      this.value = h("span", { class: "timer__value" });
      const prefix = h("span", { class: "visually-hidden", text: "Minuteur : " });
      this.el.replaceChildren(prefix, this.value);
    }
    if (this.value.textContent !== text) this.value.textContent = text;
  }
}

// --- step header --------------------------------------------------------------------------

/** Fills #step-number, #step-title, #step-consigne, #step-help for `step` (or hides #step). */
export function renderStepHeader(step, index, count) {
  const section = $("step");
  if (section) section.hidden = !step;
  if (!step) return;
  setText($("step-number"), count ? `Étape ${index + 1} sur ${count}` : "");
  setText($("step-title"), step.title);
  setText($("step-consigne"), step.consigne);
  setText($("step-help"), step.help);
}

/** Short French description of a step's runtime flags. */
export function stepFlagsText(step) {
  const parts = [step.locked ? "Contributions verrouillées" : "Contributions ouvertes"];
  if (!step.cards_visible) parts.push("cartes retournées");
  if (step.votes) parts.push(step.results_visible ? "résultats affichés" : "résultats masqués");
  if (step.anonymous) parts.push("anonyme");
  return parts.join(" · ");
}
