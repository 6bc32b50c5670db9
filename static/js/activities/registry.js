// Activity types with their own view (everything else is drawn by the cartes board).
// Views are loaded on first use (keep the participant page light); reducers eagerly.

import { registerHandlers } from "../store.js";
import { REDUCERS } from "./reducers.js";
import "./chaine-reducers.js"; // registers its reducers
import "./feuille-reducers.js"; // registers its reducers
import "./charte-reducers.js"; // charte envelopes (registered eagerly)

registerHandlers(REDUCERS);

export const VIEWS = {
  questions_essentielles: () => import("./questions_essentielles.js"),
  cartographie: () => import("./cartographie.js"),
  chaine_de_valeur: () => import("./chaine_de_valeur.js"),
  feuille_de_route: () => import("./feuille_de_route.js"),
  evaluation: () => import("./evaluation.js"),
  charte: () => import("./charte.js"),
};

let css = null;
/** The activities' stylesheet, once (not on pages that never show these views). */
function stylesheet() {
  if (!css) {
    css = new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL("../../css/activities.css", import.meta.url).href;
      link.onload = link.onerror = () => resolve();
      document.head.append(link);
    });
  }
  return css;
}

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
    return Boolean(step && VIEWS[step.type]);
  }

  render(step) {
    const board = this.page.board;
    if (!this.has(step)) {
      this.show(null);
      board.render(step);
      return;
    }
    board.render(null);
    const view = this.views.get(step.type);
    if (view && !(view instanceof Promise)) {
      this.show(view);
      view.render(step);
      return;
    }
    if (!view) {
      this.root.hidden = false;
      this.root.replaceChildren(Object.assign(document.createElement("p"), { textContent: "Chargement…" }));
      const pending = Promise.all([VIEWS[step.type](), stylesheet()]).then(([mod]) => {
        const made = new mod.View(this.page);
        this.views.set(step.type, made);
        this.page.schedule();
      }, (err) => {
        this.views.delete(step.type);
        this.page.showError("Impossible de charger cette activité : rechargez la page.");
        throw err;
      });
      this.views.set(step.type, pending);
    }
  }

  show(view) {
    if (this.shown === view) return;
    this.shown = view;
    this.root.hidden = !view;
    this.root.replaceChildren(...(view ? [view.root] : []));
  }
}
