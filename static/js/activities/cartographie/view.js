// `cartographie` view: the cycle's questions, filters, the network (graph.js) or the table
// (table.js) of the same data, angles morts, forms to add and edit (forms.js), and the
// animateur's validate / merge / move / delete. State: store.activity[step.id]
// (docs/activities/cartographie.md).

import { h, plural } from "../../ui.js";
import { ActivityView } from "../activity-view.js";
import { button, field, select, short } from "../common.js";
import { QuestionsList } from "../questions-list.js";
import { FORMS } from "./forms.js";
import { MapGraph } from "./graph.js";
import { ActorDetails, Legend, exportLinks } from "./parts.js";
import { MapTable, summaryText } from "./table.js";

export class View extends ActivityView {
  static type = "cartographie";

  constructor(page) {
    super(page);
    this.mode = "graphe";
    this.filters = { question: "", type: "", champ: "" };
    this.selected = null;
    this.editor = null;
    this.editorKind = null;

    this.questions = new QuestionsList({ page, headingLevel: this.level });
    this.toolbar = h("div", { class: "carto__toolbar" });
    this.blind = h("section", { class: "carto__blind card-panel", "aria-label": "Angles morts" });
    this.editorEl = h("section", { class: "carto__editor card-panel", hidden: true, "aria-labelledby": "carto-editor-title" });
    this.adds = h("div", { class: "carto__adds" });
    this.graph = new MapGraph({
      onSelect: (id) => this.select(id, true),
      onMove: page.role === "animateur" ? (id, x, y) => this.move([{ actor_id: id, x, y }]) : null,
      onReady: () => page.schedule(),
      wall: this.projection,
    });
    this.graphTools = h("div", { class: "button-row carto__graph-tools" });
    this.graphEl = h("div", { class: "carto__graph" },
      h("div", { class: "map-frame" }, this.graph.svg), this.graphTools);
    this.legend = new Legend();
    this.details = new ActorDetails(this);
    this.table = new MapTable(this);
    this.count = h("p", { class: "carto__count muted" });
    // a phone: the actors as a list to search (the whole map does not fit a phone)
    this.search = h("input", { type: "search", id: "carto-search", autocomplete: "off" });
    this.search.addEventListener("input", () => page.schedule());
    this.listItems = h("ul", { class: "carto-list__items" });
    this.listEl = h("section", { class: "carto-list", "aria-label": "Acteurs de la carte" },
      field("Chercher un acteur (nom, type, champ)", this.search), this.listItems);
    this.root = h("div", { class: "carto" }, this.questions.root, this.adds, this.editorEl, this.toolbar,
      this.count, this.listEl, this.graphEl, this.legend.root, this.details.root, this.table.root, this.blind);
  }

  enterStep(_step, state) {
    this.mode = this.projection ? "graphe" : this.phone() ? "liste" : state.view;
    this.closeEditor();
    this.addsFor = null;
  }

  draw(step, state) {
    const ctx = this.ctx;
    this.questions.render(step, state.questions);
    this.renderAdds(state, ctx);
    this.renderToolbar(state);
    const { actors, relations } = this.filtered(state);
    const isolated = this.isolated(state);
    if (this.selected && !state.actors.some((a) => a.id === this.selected)) this.selected = null;
    this.count.textContent = `Affichés : ${summaryText(actors.length, relations.length)}` +
      (actors.length < state.actors.length ? ` (sur ${state.actors.length} acteurs)` : "");
    this.graphEl.hidden = this.mode !== "graphe";
    this.legend.root.hidden = this.mode !== "graphe";
    this.table.root.hidden = this.mode !== "tableau";
    this.listEl.hidden = this.mode !== "liste";
    if (this.mode === "liste") {
      this.renderList(state, actors, relations);
    } else if (this.mode === "graphe") {
      this.graph.render({ actors, relations, isolated, selected: this.selected,
        summary: `Carte des acteurs : ${summaryText(actors.length, relations.length)}. Le tableau donne le détail.` });
      this.renderGraphTools(state, ctx);
      this.legend.render(state.labels);
      if (this.projection) {
        // on the wall, labels of 0.75 rem at least (22 px on a 1920 px wide screen)
        this.graph.labelsAtLeast(0.75 * parseFloat(getComputedStyle(document.documentElement).fontSize));
      }
    } else {
      this.table.render({ actors, relations, isolated, ctx });
    }
    this.details.render(this.mode === "tableau" ? null : this.selected, ctx);
    this.renderBlind(state, isolated);
  }

  filtered(state) {
    const f = this.filters;
    let actors = state.actors;
    if (f.type) actors = actors.filter((a) => a.type === f.type);
    if (f.champ) actors = actors.filter((a) => a.champs.includes(f.champ));
    const q = Number(f.question);
    if (q) {
      const served = new Set(state.actors.filter((a) => a.actions.some((x) => x.question_ids.includes(q))).map((a) => a.id));
      for (const r of state.relations) {
        if (r.question_id === q) {
          served.add(r.source_id);
          served.add(r.target_id);
        }
      }
      actors = actors.filter((a) => served.has(a.id));
    }
    const ids = new Set(actors.map((a) => a.id));
    let relations = state.relations.filter((r) => ids.has(r.source_id) && ids.has(r.target_id));
    if (q) relations = relations.filter((r) => r.question_id === q);
    actors = [...actors].sort((a, b) => a.name.localeCompare(b.name, "fr"));
    return { actors, relations };
  }

  /** A narrow screen, for a participant: the map starts as a list to search. */
  phone() {
    return this.role !== "animateur" && window.matchMedia("(max-width: 40rem)").matches;
  }

  /** The actors whose name, other names, type or fields contain what is searched; a tap
   * opens the actor's card (ActorDetails) below. */
  renderList(state, actors, relations) {
    const labels = state.labels;
    const words = this.search.value.trim().toLocaleLowerCase("fr").split(/\s+/).filter(Boolean);
    const text = (a) => [a.name, ...a.aliases, labels.types[a.type] || a.type,
      ...a.champs.map((c) => labels.champs[c] || c)].join(" ").toLocaleLowerCase("fr");
    const shown = actors.filter((a) => words.every((w) => text(a).includes(w)));
    const degree = new Map();
    for (const r of relations) for (const id of [r.source_id, r.target_id]) degree.set(id, (degree.get(id) || 0) + 1);
    const key = JSON.stringify([shown.map((a) => [a.id, a.name, a.type, degree.get(a.id) || 0]), this.selected]);
    if (this.listFor === key) return;
    this.listFor = key;
    this.listItems.replaceChildren(...shown.map((a) => h("li", { class: "carto-list__item" },
      button(a.name, () => this.select(a.id, true), { cls: "link-button carto-list__name",
        "aria-pressed": String(this.selected === a.id), "data-focus": `list-${a.id}` }),
      h("span", { class: "hint", text: ` — ${labels.types[a.type] || a.type}, ${plural(degree.get(a.id) || 0, "relation", "relations")}` }))),
      ...(shown.length ? [] : [h("li", { class: "muted", text: "Aucun acteur ne correspond : ajoutez-le avec le formulaire ci-dessus." })]));
  }

  isolated(state) {
    const linked = new Set(state.relations.flatMap((r) => [r.source_id, r.target_id]));
    return new Set(state.actors.filter((a) => !linked.has(a.id)).map((a) => a.id));
  }

  renderToolbar(state) {
    const key = JSON.stringify([state.questions.map((q) => [q.id, q.number, q.text]), this.mode, this.filters]);
    if (this.toolbarFor === key) return;
    this.toolbarFor = key;
    const labels = state.labels;
    const filter = (name, label, options) => {
      const control = select(`carto-filter-${name}`, [["", "Tous"], ...options], this.filters[name]);
      control.addEventListener("change", () => {
        this.filters[name] = control.value;
        this.page.schedule();
      });
      return field(label, control);
    };
    const questions = state.questions.filter((q) => q.active).map((q) => [String(q.id), `Q${q.number}. ${short(q.text, 60)}`]);
    this.toolbar.replaceChildren(
      h("div", { class: "button-row carto__modes", role: "group", "aria-label": "Affichage" },
        ...(this.phone() ? [this.modeButton("liste", "Liste")] : []),
        this.modeButton("graphe", "Carte"), this.modeButton("tableau", "Tableau")),
      h("div", { class: "carto__filters" },
        filter("question", "Question essentielle", questions),
        filter("type", "Type d'acteur", Object.entries(labels.types)),
        filter("champ", "Champ d'intervention", Object.entries(labels.champs))));
  }

  renderGraphTools(state, ctx) {
    const key = JSON.stringify([ctx.anim, ctx.open, state.actors.some((a) => a.x != null)]);
    if (this.toolsFor === key) return;
    this.toolsFor = key;
    const title = () => `Cartographie des acteurs — ${this.page.store.atelier.cycle}`;
    const zoomText = h("span", { class: "carto__zoom", "aria-live": "polite" });
    const zoom = (factor) => {
      this.zoom = Math.min(4, Math.max(1, (this.zoom || 1) * factor));
      this.graph.svg.style.width = `${Math.round(this.zoom * 100)}%`;
      this.graph.svg.style.maxHeight = this.zoom > 1 ? "none" : "";
      zoomText.textContent = `Zoom : ${Math.round(this.zoom * 100)} %`;
    };
    zoom(1);
    const tools = [
      button("Agrandir la carte", () => zoom(1.5)),
      button("Réduire la carte", () => zoom(1 / 1.5)),
      zoomText,
      button("Télécharger l'image (SVG)", () => download(new Blob([this.graph.svgText(title())],
        { type: "image/svg+xml" }), "cartographie.svg")),
      button("Télécharger l'image (PNG)", async () => download(await this.graph.pngBlob(title()), "cartographie.png")),
      ...exportLinks(this.page),
    ];
    if (ctx.anim && ctx.open) {
      tools.push(button("Figer la disposition", () => this.move(this.graph.positions()), {
        title: "Chaque acteur garde sa place, sur tous les écrans et dans les documents" }));
      if (state.actors.some((a) => a.x != null)) {
        tools.push(button("Libérer toutes les positions", () => this.move(
          state.actors.filter((a) => a.x != null).map((a) => ({ actor_id: a.id, x: null, y: null })))));
      }
    }
    this.graphTools.replaceChildren(...tools);
  }

  renderAdds(state, ctx) {
    const key = JSON.stringify([ctx.canWrite, state.focus]);
    if (this.addsFor !== key) {
      this.addsFor = key;
      this.adds.hidden = !ctx.canWrite;
      this.addForms = [];
      if (!ctx.canWrite) this.adds.replaceChildren();
      else {
        // participants start with the form of the step's focus open; the animateur curates
        const open = this.page.role === "animateur" ? []
          : { acteurs: ["actor"], relations: ["relation"], tout: ["actor"] }[state.focus] || [];
        const order = state.focus === "relations" ? ["relation", "action", "actor"] : ["actor", "action", "relation"];
        this.adds.replaceChildren(...order.map((kind) => {
          const form = new FORMS[kind](this);
          this.addForms.push(form);
          return h("details", { class: "card-panel carto__add", "data-kind": kind, open: open.includes(kind) },
            h("summary", {}, h(`h${this.level}`, { class: "carto__add-title", text: form.title })), form.form);
        }));
      }
    }
    // the forms stay (with what is typed in them); their choices follow the map
    for (const form of this.addForms || []) form.refresh();
    if (this.editor) this.editor.refresh();
  }

  renderBlind(state, isolated) {
    const active = state.questions.filter((q) => q.active);
    const served = new Set(state.actors.flatMap((a) => a.actions.flatMap((x) => x.question_ids)));
    const orphan = active.filter((q) => !served.has(q.id));
    const key = JSON.stringify([[...isolated], orphan.map((q) => q.id), state.actors.map((a) => a.name)]);
    if (this.blindFor === key) return;
    this.blindFor = key;
    const names = state.actors.filter((a) => isolated.has(a.id)).map((a) => a.name);
    this.blind.replaceChildren(
      h(`h${this.level}`, { text: "Angles morts" }),
      h("p", {}, h("strong", { text: `Acteurs sans relation (${names.length}) : ` }),
        names.length ? names.join(", ") : "aucun."),
      h("p", {}, h("strong", { text: `Questions sans action ni acteur (${orphan.length}) : ` }),
        orphan.length ? orphan.map((q) => `Q${q.number}. ${q.text}`).join(" ; ") : "aucune."));
  }

  select(id, reveal = false, mode = null) {
    this.selected = id;
    if (mode) this.mode = mode;
    if (reveal && this.mode !== "tableau") this.details.reveal = true;
    this.page.schedule();
  }

  openEditor(kind, item) {
    const form = new FORMS[kind](this, item);
    this.editor = form;
    this.editorKind = kind;
    this.returnFocus = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.focus : null;
    this.editorEl.hidden = false;
    this.editorEl.replaceChildren(h(`h${this.level}`, { id: "carto-editor-title", tabindex: "-1", text: form.title }),
      form.form);
    this.editorEl.scrollIntoView({ block: "nearest" });
    const first = form.form.querySelector("select:not([disabled]), input, textarea");
    (first || this.editorEl.firstChild).focus();
  }

  openPanel(title, body) {
    this.editor = null;
    this.editorKind = "panel";
    this.returnFocus = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.focus : null;
    this.editorEl.hidden = false;
    const heading = h(`h${this.level}`, { id: "carto-editor-title", tabindex: "-1", text: title });
    this.editorEl.replaceChildren(heading, ...body);
    this.editorEl.scrollIntoView({ block: "nearest" });
    heading.focus();
  }

  closeEditor(message = "") {
    if (!this.editorKind) return;
    this.editor = null;
    this.editorKind = null;
    this.editorEl.hidden = true;
    this.editorEl.replaceChildren();
    if (message) this.page.announcer.say(message);
    const back = this.returnFocus && this.root.querySelector(`[data-focus="${this.returnFocus}"]`);
    if (back) requestAnimationFrame(() => back.focus());
  }

  openMerge(actor) {
    const others = this.state.actors.filter((a) => a.id !== actor.id)
      .sort((a, b) => a.name.localeCompare(b.name, "fr")).map((a) => [String(a.id), a.name]);
    const target = select("carto-merge-target", [["", "— Choisir —"], ...others]);
    this.openPanel(`Fusionner « ${actor.name} »`, [
      h("p", { text: "Ses actions et ses relations passent à l'acteur choisi ; son nom est gardé parmi les autres noms de cet acteur. Les relations en double sont supprimées." }),
      field("Fusionner dans", target),
      h("div", { class: "button-row" },
        button("Fusionner", async () => {
          if (!target.value) return this.page.showError("Choisissez l'acteur qui reste.");
          const res = await this.act("actor_merge", { source_id: actor.id, target_id: Number(target.value) }, {
            ackAs: (r) => [["map.actor_deleted", { actor_id: r.merged, relation_ids: [], merged_into: r.actor.id }],
              ["map.actor", { actor: r.actor }]] });
          if (res.ok) {
            this.selected = res.actor.id;
            this.closeEditor(`Fusionné : ${plural(res.relations_moved, "relation déplacée", "relations déplacées")}, ${plural(res.relations_dropped, "doublon supprimé", "doublons supprimés")}.`);
          }
        }, { cls: "btn btn-primary" }),
        button("Annuler", () => this.closeEditor(), { cls: "btn" })),
    ]);
  }

  remove(kind, item) {
    const s = this.state;
    let what = "";
    let action = "";
    let data = {};
    if (kind === "actor") {
      const rels = s.relations.filter((r) => r.source_id === item.id || r.target_id === item.id).length;
      what = `Supprimer « ${item.name} » ? ${plural(item.actions.length, "action", "actions")} et ${plural(rels, "relation", "relations")} seront supprimées avec lui.`;
      action = "actor_delete";
      data = { actor_id: item.id };
    } else if (kind === "action") {
      what = `Supprimer l'action « ${item.text} » ?`;
      action = "action_delete";
      data = { action_id: item.id };
    } else {
      what = "Supprimer cette relation ?";
      action = "relation_delete";
      data = { relation_id: item.id };
    }
    this.openPanel("Confirmer la suppression", [h("p", { text: what }), h("div", { class: "button-row" },
      button("Confirmer la suppression", async () => {
        const res = await this.act(action, data);
        if (res.ok) this.closeEditor("Supprimé");
      }, { cls: "btn btn-danger" }),
      button("Annuler", () => this.closeEditor(), { cls: "btn" }))]);
  }

  validate(kind, item) {
    const action = kind === "actor" ? "actor_validate" : "relation_validate";
    const key = kind === "actor" ? "actor_id" : "relation_id";
    this.act(action, { [key]: item.id, validated: !item.validated }, {
      ackAs: (r) => (r.actor ? [["map.actor", { actor: r.actor }]] : [["map.relation", { relation: r.relation }]]),
    });
  }

  move(positions) {
    if (!positions.length) return;
    this.act("actor_move", { positions }, { ackAs: (r) => [["map.layout", { positions: r.positions }]] });
  }
}

function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
