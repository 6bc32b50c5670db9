// Parts of the cartographie view: the selected actor's card (graph view), the legend, the
// links to the server-side exports (CSV, SVG, PNG).

import { h } from "../../ui.js";
import { LEVEL_STYLE, TYPE_COLORS } from "./graph.js";
import { button } from "../common.js";
import { questionLabel } from "../questions-list.js";

const NS = "http://www.w3.org/2000/svg";

function swatch(draw) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 40 20");
  svg.setAttribute("width", "40");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const [tag, attrs] of draw) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    svg.append(node);
  }
  return svg;
}

export class Legend {
  constructor() {
    this.root = h("details", { class: "map-legend card-panel" });
    this.key = null;
  }

  render(labels) {
    if (this.key) return;
    this.key = true;
    const item = (draw, text) => h("li", {}, swatch(draw), h("span", { text }));
    const types = Object.entries(labels.types).map(([k, label]) =>
      item([["circle", { cx: 20, cy: 10, r: 8, fill: TYPE_COLORS[k] || TYPE_COLORS.autre, stroke: "#16202c" }]], label));
    const levels = Object.entries(labels.levels).map(([k, label]) => {
      const s = LEVEL_STYLE[k];
      return item([["line", { x1: 2, y1: 10, x2: 38, y2: 10, stroke: s.color, "stroke-width": s.width }]], label);
    });
    this.root.replaceChildren(
      h("summary", { text: "Légende" }),
      h("div", { class: "map-legend__grid" },
        h("div", {}, h("p", { class: "map-legend__title", text: "Types d'acteurs" }), h("ul", {}, types)),
        h("div", {}, h("p", { class: "map-legend__title", text: "Niveaux de coopération" }), h("ul", {}, levels,
          item([["line", { x1: 2, y1: 10, x2: 38, y2: 10, stroke: "#1d4e89", "stroke-width": 3, "stroke-dasharray": "8 5" }]],
            "Relation à créer (pointillés)"))),
        h("div", {}, h("p", { class: "map-legend__title", text: "Repères" }), h("ul", {},
          item([["circle", { cx: 20, cy: 10, r: 7, fill: "#ffffff", stroke: "#16202c", "stroke-dasharray": "3 2" }]],
            "Acteur proposé, pas encore validé"),
          item([["circle", { cx: 20, cy: 10, r: 8, fill: "none", stroke: "#a3191d", "stroke-width": 2, "stroke-dasharray": "4 3" }]],
            "Angle mort : acteur sans relation"),
          item([["circle", { cx: 20, cy: 10, r: 4, fill: "#16202c" }]], "Position figée par l'animateur"),
          h("li", { text: "Taille du disque : nombre de relations" })))));
  }
}

/** Links to the server exports: animateur (console) or organiser (read-only link). */
export function exportLinks(page) {
  let base = null;
  if (page.role === "animateur") base = `/animateur/ateliers/${page.root.dataset.atelierId}/cartographie/`;
  else if (page.role === "viewer" && window.location.pathname.startsWith("/lecture/")) {
    base = `${window.location.pathname.replace(/\/$/, "")}/cartographie/`;
  }
  if (!base) return [];
  const link = (file, text) => h("a", { class: "btn btn-small", href: base + file, download: "", text });
  return [link("acteurs.csv", "Acteurs (CSV)"), link("relations.csv", "Relations (CSV)")];
}

/** The selected actor, under the graph: what it does, with whom, and what one may do. */
export class ActorDetails {
  constructor(view) {
    this.view = view;
    this.reveal = false;
    this.root = h("section", { class: "map-details card-panel", hidden: true, "aria-labelledby": "map-details-title" });
    this.key = null;
  }

  render(id, ctx) {
    const state = this.view.state;
    const actor = id && state.actors.find((a) => a.id === id);
    this.root.hidden = !actor;
    if (!actor) {
      this.key = null;
      return;
    }
    const relations = state.relations.filter((r) => r.source_id === id || r.target_id === id);
    const key = JSON.stringify([actor, relations, state.questions, ctx]);
    if (key !== this.key) {
      this.key = key;
      this.build(actor, relations, ctx);
    }
    if (this.reveal) {
      this.reveal = false;
      const heading = this.root.querySelector("#map-details-title");
      this.root.scrollIntoView({ block: "nearest" });
      heading.focus({ preventScroll: true });
    }
  }

  build(actor, relations, ctx) {
    const state = this.view.state;
    const labels = state.labels;
    const names = new Map(state.actors.map((a) => [a.id, a.name]));
    const facts = [
      ["Type", labels.types[actor.type] || actor.type],
      ["Champs", actor.champs.map((c) => labels.champs[c] || c).join(", ") || "—"],
      ["Territoire", actor.territoire || "—"],
      ["Statut", `${actor.validated ? "validé" : "proposé"}, ${actor.structure_id ? "structure du répertoire" : "absent de la salle"}`],
    ];
    if (actor.aliases.length) facts.push(["Autres noms", actor.aliases.join(", ")]);
    const level = this.view.level;
    const tools = this.view.table.actorButtons(actor, ctx);
    if (ctx.anim && ctx.open && actor.x != null) {
      tools.append(button("Libérer la position", () => this.view.move([{ actor_id: actor.id, x: null, y: null }])));
    }
    this.root.replaceChildren(
      h(`h${level}`, { id: "map-details-title", tabindex: "-1", text: actor.name }),
      h("dl", { class: "map-details__facts" }, facts.flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
      h(`h${level + 1}`, { text: `Actions (${actor.actions.length})` }),
      actor.actions.length ? h("ul", {}, actor.actions.map((x) => h("li", {}, x.text, h("span", { class: "hint",
        text: ` (${x.question_ids.map((q) => questionLabel(state.questions, q)).join(", ") || "sans question"})` }))))
        : h("p", { class: "muted", text: "Aucune action décrite." }),
      h(`h${level + 1}`, { text: `Relations (${relations.length})` }),
      relations.length ? h("ul", {}, relations.map((r) => {
        const other = names.get(r.source_id === actor.id ? r.target_id : r.source_id);
        const q = r.question_id ? questionLabel(state.questions, r.question_id) : "toutes questions";
        return h("li", { text: `${other} — ${labels.levels[r.level]}, ${labels.statuses[r.status].toLowerCase()} (${q})` });
      })) : h("p", { class: "muted", text: "Aucune relation : angle mort." }),
      tools,
      button("Fermer la fiche", () => this.view.select(null), { cls: "btn btn-small" }));
  }
}
