// The activity types of the browser, one folder each (static/js/activities/<type>/): the
// same list as the server's registry (facilitator/activities). Views are loaded on first use
// (keep the participant page light: prefetched when idle, see ActivityHost.prefetch), except
// the cartes board that every live page draws;
// every type's reducers eagerly (events may arrive before a view is loaded).

import { registerHandlers } from "../store.js";
import { REDUCERS as cartes } from "./cartes/reducers.js";
import { REDUCERS as cartographie } from "./cartographie/reducers.js";
import { REDUCERS as chaineDeValeur } from "./chaine_de_valeur/reducers.js";
import { REDUCERS as charte } from "./charte/reducers.js";
import { REDUCERS as evaluation } from "./evaluation/reducers.js";
import { REDUCERS as feuilleDeRoute } from "./feuille_de_route/reducers.js";
import { REDUCERS as questionsEssentielles } from "./questions_essentielles/reducers.js";

const REDUCERS = [cartes, questionsEssentielles, cartographie, charte, chaineDeValeur, feuilleDeRoute, evaluation];
for (const reducers of REDUCERS) registerHandlers(reducers);

export const VIEWS = {
  cartes: () => import("./cartes/view.js"),
  questions_essentielles: () => import("./questions_essentielles/view.js"),
  cartographie: () => import("./cartographie/view.js"),
  charte: () => import("./charte/view.js"),
  chaine_de_valeur: () => import("./chaine_de_valeur/view.js"),
  feuille_de_route: () => import("./feuille_de_route/view.js"),
  evaluation: () => import("./evaluation/view.js"),
};

/** The type whose view draws the steps of every type without its own: the cartes board,
 * built with the page (page.board). */
export const DEFAULT_TYPE = "cartes";

/** Draws a step with its type's view, or with the cartes board (the default). */
export class ActivityHost {
  constructor(page, after) {
    this.page = page;
    this.root = document.createElement("div");
    this.root.className = "activity";
    this.root.id = "activity";
    this.root.hidden = true;
    after.after(this.root);
    this.views = new Map(); // type → view instance (or a pending promise)
    this.shown = null;
  }

  has(step) {
    return Boolean(step && step.type !== DEFAULT_TYPE && VIEWS[step.type]);
  }

  render(step) {
    const board = this.page.board;
    if (!this.has(step)) {
      this.show(null);
      board.render(step);
      return;
    }
    board.render(null);
    const view = this.load(step.type);
    if (!(view instanceof Promise)) {
      this.show(view);
      view.render(step);
      return;
    }
    this.show(null);
    this.root.hidden = false;
    if (this.root.dataset.loading !== step.type) {
      this.root.dataset.loading = step.type;
      this.root.replaceChildren(Object.assign(document.createElement("p"), { textContent: "Chargement…" }));
    }
  }

  /** The view of `type`, or the promise of it: its module and stylesheets fetched once.
   * `quiet` (a prefetch): a failure shows no error, the step shown asks again. */
  load(type, quiet = false) {
    const known = this.views.get(type);
    if (known) return known;
    const pending = VIEWS[type]()
      .then((mod) => {
        const made = new mod.View(this.page);
        return made.styled.then(() => made);
      })
      .then((made) => {
        this.views.set(type, made);
        this.page.schedule();
        return made;
      }, (err) => {
        this.views.delete(type);
        if (quiet) this.page.schedule();
        else this.page.showError("Impossible de charger cette activité : rechargez la page.");
        throw err;
      });
    this.views.set(type, pending);
    return pending;
  }

  /**
   * Fetch, while nothing happens, the views of the atelier's steps not yet loaded: a step
   * change then draws at once. Fetched on first use instead, 30 phones asking the server
   * for the same modules and stylesheets at the same moment took 1–3 s (bench/room.py).
   */
  prefetch(steps) {
    const types = [...new Set(steps.filter((s) => this.has(s)).map((s) => s.type))];
    const next = () => {
      const type = types.shift();
      if (!type) return;
      const known = this.views.get(type);
      const done = known ? Promise.resolve(known) : this.load(type, true);
      done.then(() => idle(next), () => {});
    };
    idle(next);
  }

  show(view) {
    if (this.shown === view) return;
    this.shown = view;
    delete this.root.dataset.loading;
    this.root.hidden = !view;
    this.root.replaceChildren(...(view ? [view.root] : []));
  }
}

/** Run `fn` when the page is idle (soon, at the latest). */
function idle(fn) {
  if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 2000 });
  else setTimeout(fn, 200);
}
