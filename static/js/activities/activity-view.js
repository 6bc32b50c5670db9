// The base of every activity view (static/js/activities/<type>/view.js): the shown step's
// state (store.activity[step.id]), what happens when another step is shown, the one rule of
// who may write on a step, the step's state asked again from the server, the type's actions
// (`step_action`), and its stylesheet (static/css/activities/<type>.css), loaded once.

import { button, request } from "./common.js";

const sheets = new Map(); // absolute href → promise

/** A stylesheet, once per page; resolves when it is loaded (or failed, or already linked). */
export function loadStylesheet(href) {
  const url = new URL(href, document.baseURI).href;
  if (!sheets.has(url)) {
    const linked = [...document.querySelectorAll("link[rel=stylesheet]")].some((l) => l.href === url);
    sheets.set(url, linked ? Promise.resolve() : new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      link.onload = link.onerror = () => resolve();
      document.head.append(link);
    }));
  }
  return sheets.get(url);
}

/** static/css/activities/<name>.css, once per page. */
export function activityStylesheet(name) {
  return loadStylesheet(new URL(`../../css/activities/${name}.css`, import.meta.url).href);
}

export class ActivityView {
  /** The activity type: its key in the registry (registry.js, VIEWS) and the name of its
   * stylesheet, static/css/activities/<type>.css. */
  static type = "";

  /** Stylesheets of static/css/activities/ put before the type's own: the rules the views
   * share (the cartes board, drawn on every live page, has none). */
  static shared = ["common"];

  constructor(page) {
    this.page = page;
    this.role = page.role;
    this.projection = page.root.id === "projection-app";
    this.level = this.projection ? 2 : 3; // of the view's headings
    this.stepId = null;
    this.step = null;
    this.modes = new Map(); // what is open on an item: "clause:12" → "edit", …
    const { shared, type } = this.constructor;
    /** Resolves once the view's stylesheets are there (the host shows the view then). */
    this.styled = Promise.all([...shared, type].map(activityStylesheet));
  }

  /** The shown step's state: from the snapshot, its envelopes, or a refresh. */
  get state() {
    return this.stateOf(this.stepId);
  }

  stateOf(stepId) {
    return (this.page.store.activity || {})[stepId];
  }

  /**
   * Draw `step` once its state is there: `enterStep` first when it is another step than the
   * one shown, then `draw(step, state)` with the viewer's rights in `this.ctx`.
   */
  render(step) {
    const state = this.stateOf(step.id);
    if (!state) return;
    if (step.id !== this.stepId) {
      this.stepId = step.id;
      this.enterStep(step, state);
    }
    this.step = step;
    this.ctx = this.rights(step);
    this.draw(step, state);
  }

  /** Another step is shown: forget what belonged to the previous one. */
  enterStep(_step, _state) {}

  draw(_step, _state) {}

  /**
   * The viewer's rights on `step`, the one write rule of the views (the server's:
   * Step.require_writable): the animateur writes while the atelier runs; a participant on
   * the current step, unlocked, while the atelier runs; and, between ateliers, on a step open
   * for asynchronous contributions until its deadline, whatever the atelier's state, its
   * current step or the lock. Viewers never write.
   */
  rights(step) {
    const atelier = this.page.store.atelier || {};
    const asyncOpen = this.asyncOpen(step);
    const open = atelier.state === "en_cours" || asyncOpen;
    const current = atelier.current_step_id === step.id || asyncOpen;
    const anim = this.role === "animateur";
    const canWrite = anim ? open : this.role === "participant" && open && current && (asyncOpen || !step.locked);
    return { open, current, anim, canWrite, projection: this.projection };
  }

  canWrite(step) {
    return this.rights(step).canWrite;
  }

  /** The page shows this step open for asynchronous contributions, before its deadline
   * (templates/cycle_life/async_board.html: data-step-id, data-async-until). */
  asyncOpen(step) {
    const data = this.page.root.dataset;
    if (Number(data.stepId) !== step.id) return false;
    const until = Date.parse(data.asyncUntil || "");
    if (!Number.isFinite(until)) return false;
    const left = until - Date.now();
    if (left > 0 && left < 2 ** 31 && this.deadlineTimer !== until) {
      // redraw when the deadline passes: the forms disappear
      this.deadlineTimer = until;
      setTimeout(() => this.page.schedule(), left + 50);
    }
    return left > 0;
  }

  /** The page shows this step between ateliers, and its deadline has passed. */
  asyncClosed(step) {
    const data = this.page.root.dataset;
    return Number(data.stepId) === step.id && Boolean(data.asyncUntil) && !this.asyncOpen(step);
  }

  /**
   * Ask the server for the step's state whenever `key` changes (the step is shown, becomes
   * current, changes anonymity, the connection comes back): what other steps feed it may have
   * changed meanwhile, names come and go.
   */
  refreshOn(key, step) {
    if (this.shownKey === key) return;
    this.shownKey = key;
    this.refresh(step);
  }

  async refresh(step) {
    if (!this.page.live.connected) return;
    const res = await this.page.live.emitAck("step_action", { step_id: step.id, action: "refresh", data: {} });
    const store = this.page.store;
    if (res && res.ok && store.activity && res.seq >= store.seq) {
      store.activity[step.id] = res.state;
      this.page.schedule();
    } else if (res && res.ok) {
      // newer events arrived meanwhile: ask again in a moment
      setTimeout(() => {
        this.shownKey = null;
        this.page.schedule();
      }, 1000);
    }
  }

  /** Open (`mode`) or close (null) something on an item, and redraw. */
  setMode(key, mode) {
    if (mode) this.modes.set(key, mode);
    else this.modes.delete(key);
    this.page.schedule();
  }

  /** A button that shows the view in `mode` ("graphe", "tableau", …); pressed when shown. */
  modeButton(mode, label) {
    return button(label, () => {
      this.mode = mode;
      this.page.schedule();
    }, { cls: "btn", "aria-pressed": String(this.mode === mode), "data-mode": mode });
  }

  /** One of the type's actions on the shown step (common.js, request). */
  act(action, data, options = {}) {
    return request(this.page, this.step, action, data, options);
  }
}
