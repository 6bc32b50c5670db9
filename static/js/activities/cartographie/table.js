// Table view of the cartographie: the same data as the graph, for keyboards and screen
// readers (real tables with captions and header cells), editable from its buttons.

import { groupName } from "../../groups.js";
import { h, plural } from "../../ui.js";
import { button } from "../common.js";
import { questionLabel } from "../questions-list.js";

export class MapTable {
  constructor(view) {
    this.view = view;
    this.actorsCaption = h("caption");
    this.actorsBody = h("tbody");
    this.relationsCaption = h("caption");
    this.relationsBody = h("tbody");
    const head = (cells) => h("thead", {}, h("tr", {}, cells.map((c) => h("th", { scope: "col", text: c }))));
    this.matrixCaption = h("caption");
    this.matrixHead = h("thead");
    this.matrixBody = h("tbody");
    this.matrix = h("div", { class: "table-wrap" }, h("table", { class: "table table--stack", id: "map-matrix" },
      this.matrixCaption, this.matrixHead, this.matrixBody));
    this.root = h("div", { class: "map-table" },
      h("div", { class: "table-wrap" }, h("table", { class: "table table--stack", id: "map-actors" },
        this.actorsCaption,
        head(["Acteur", "Profil", "Actions", "Relations", "Gérer"]),
        this.actorsBody)),
      h("div", { class: "table-wrap" }, h("table", { class: "table table--stack", id: "map-relations" },
        this.relationsCaption,
        head(["Acteur A", "Acteur B", "Relation", "Niveau", "Nature", "Question", "Gérer"]),
        this.relationsBody)),
      this.matrix);
    this.key = null;
  }

  render({ actors, relations, isolated, ctx }) {
    const state = this.view.state;
    const groups = this.view.page.store.groups && this.view.page.store.groups[String(this.view.stepId)];
    const key = JSON.stringify([actors, relations, state.questions, [...isolated], ctx.canWrite, ctx.anim,
      groups && [groups.phase, groups.groups.map((g) => g.name)],
      this.view.page.store.me && this.view.page.store.me.id]);
    if (key === this.key) return;
    const focus = document.activeElement && this.root.contains(document.activeElement)
      ? document.activeElement.dataset.focus : null;
    this.key = key;
    const labels = state.labels;
    const names = new Map(state.actors.map((a) => [a.id, a.name]));
    const count = new Map();
    for (const r of state.relations) {
      count.set(r.source_id, (count.get(r.source_id) || 0) + 1);
      count.set(r.target_id, (count.get(r.target_id) || 0) + 1);
    }
    this.actorsCaption.textContent = `Acteurs (${actors.length})`;
    this.actorsBody.replaceChildren(...actors.map((a) => {
      const flags = [a.validated ? "validé" : "proposé", a.structure_id ? "répertoire" : "absent de la salle"];
      const group = groupName(this.view.page.store, a, this.view.stepId);
      if (group) flags.push(`groupe ${group}`);
      if (isolated.has(a.id)) flags.push("angle mort : sans relation");
      return h("tr", { "data-actor-id": a.id, class: isolated.has(a.id) ? "is-blind" : null },
        h("th", { scope: "row" }, h("span", { text: a.name }),
          h("span", { class: "map-flags", text: ` (${flags.join(", ")})` }),
          a.aliases.length ? h("span", { class: "hint", text: ` — aussi : ${a.aliases.join(", ")}` }) : null),
        h("td", { "data-label": "Profil" },
          h("span", { class: "map-profile", text: labels.types[a.type] || a.type }),
          h("span", { class: "map-profile", text: `Champs : ${a.champs.map((c) => labels.champs[c] || c).join(", ") || "—"}` }),
          h("span", { class: "map-profile", text: `Territoire : ${a.territoire || "—"}` })),
        h("td", { "data-label": "Actions" }, a.actions.length ? h("ul", { class: "map-actions" },
          a.actions.map((x) => h("li", {}, x.text,
            h("span", { class: "hint", text: ` (${x.question_ids.map((q) => questionLabel(state.questions, q)).join(", ") || "sans question"})` }),
            this.actionButtons(a, x, ctx)))) : "—"),
        h("td", { "data-label": "Relations", text: String(count.get(a.id) || 0) }),
        h("td", { "data-label": "Gérer" }, this.actorButtons(a, ctx)));
    }));
    this.relationsCaption.textContent = `Relations (${relations.length})`;
    this.relationsBody.replaceChildren(...relations.map((r) => h("tr", { "data-relation-id": r.id },
      h("th", { scope: "row", text: names.get(r.source_id) || "?" }),
      h("td", { "data-label": "Acteur B", text: names.get(r.target_id) || "?" }),
      h("td", { "data-label": "Relation", text: `${labels.statuses[r.status]}${r.validated ? ", validée" : ""}${
        groupName(this.view.page.store, r, this.view.stepId) ? `, groupe ${groupName(this.view.page.store, r, this.view.stepId)}` : ""}` }),
      h("td", { "data-label": "Niveau", text: labels.levels[r.level] }),
      h("td", { "data-label": "Nature", text: r.natures.map((n) => labels.natures[n]).join(", ") || "—" }),
      h("td", { "data-label": "Question",
        text: r.question_id ? questionLabel(state.questions, r.question_id) : "Toutes / transversale" }),
      h("td", { "data-label": "Gérer" }, this.relationButtons(r, names, ctx)))));
    this.renderMatrix(actors, state.questions.filter((q) => q.active));
    if (focus) {
      const again = this.root.querySelector(`[data-focus="${focus}"]`);
      if (again) again.focus();
    }
  }

  /** Who does what for each question: the questions essentielles as columns. */
  renderMatrix(actors, questions) {
    this.matrix.hidden = !questions.length;
    if (!questions.length) return;
    this.matrixCaption.textContent = "Actions par question essentielle";
    this.matrixHead.replaceChildren(h("tr", {}, h("th", { scope: "col", text: "Acteur" }),
      questions.map((q) => h("th", { scope: "col", title: q.text }, `Q${q.number}`,
        h("span", { class: "visually-hidden", text: ` : ${q.text}` })))));
    const rows = actors.filter((a) => a.actions.some((x) => x.question_ids.length));
    this.matrixBody.replaceChildren(...rows.map((a) => h("tr", {},
      h("th", { scope: "row", text: a.name }),
      questions.map((q) => {
        const texts = a.actions.filter((x) => x.question_ids.includes(q.id)).map((x) => x.text);
        return h("td", { "data-label": `Q${q.number}` },
          texts.length ? h("ul", { class: "map-actions" }, texts.map((t) => h("li", { text: t }))) : "—");
      }))));
    if (!rows.length) {
      this.matrixBody.replaceChildren(h("tr", {}, h("td", { colspan: String(questions.length + 1),
        text: "Aucune action n'est encore reliée à une question." })));
    }
  }

  mine(item) {
    const me = this.view.page.store.me;
    return Boolean(me && item.author_id === me.id);
  }

  actorButtons(a, ctx) {
    if (!ctx.canWrite) return button("Voir sur la carte", () => this.view.select(a.id, true, "graphe"),
      { "data-focus": `see-${a.id}`, "aria-label": `Voir ${a.name} sur la carte` });
    const v = this.view;
    const out = [];
    const label = (what) => `${what} : ${a.name}`;
    if (ctx.anim || !a.validated) {
      out.push(button("Modifier", () => v.openEditor("actor", a), { "data-focus": `edit-${a.id}`,
        "aria-label": label("Modifier l'acteur") }));
    }
    out.push(button("Action +", () => v.openEditor("action", { actor_id: a.id }), { "data-focus": `act-${a.id}`,
      "aria-label": label("Ajouter une action") }));
    out.push(button("Relation +", () => v.openEditor("relation", { source_id: a.id }), {
      "data-focus": `rel-${a.id}`, "aria-label": label("Ajouter une relation") }));
    if (ctx.anim) {
      out.push(button(a.validated ? "Dévalider" : "Valider", () => v.validate("actor", a), {
        "data-focus": `val-${a.id}`, "aria-label": label(a.validated ? "Dévalider" : "Valider") }));
      out.push(button("Fusionner…", () => v.openMerge(a), { "data-focus": `merge-${a.id}`,
        "aria-label": label("Fusionner") }));
    }
    if (ctx.anim || (this.mine(a) && !a.validated)) {
      out.push(button("Supprimer", () => v.remove("actor", a), { cls: "btn btn-small btn-danger-outline",
        "data-focus": `del-${a.id}`, "aria-label": label("Supprimer") }));
    }
    return h("div", { class: "button-row" }, out);
  }

  actionButtons(a, x, ctx) {
    if (!ctx.canWrite) return null;
    const v = this.view;
    const canEdit = ctx.anim || this.mine(x) || !a.validated;
    if (!canEdit) return null;
    return h("span", { class: "map-action-buttons" }, " ",
      button("Modifier", () => v.openEditor("action", x), { cls: "link-button", "data-focus": `xe-${x.id}`,
        "aria-label": `Modifier l'action « ${x.text} »` }), " ",
      button("Supprimer", () => v.remove("action", x), { cls: "link-button", "data-focus": `xd-${x.id}`,
        "aria-label": `Supprimer l'action « ${x.text} »` }));
  }

  relationButtons(r, names, ctx) {
    if (!ctx.canWrite) return null;
    const v = this.view;
    const label = (what) => `${what} : ${names.get(r.source_id)} – ${names.get(r.target_id)}`;
    const out = [];
    if (ctx.anim || !r.validated) {
      out.push(button("Modifier", () => v.openEditor("relation", r), { "data-focus": `re-${r.id}`,
        "aria-label": label("Modifier la relation") }));
    }
    if (ctx.anim) {
      out.push(button(r.validated ? "Dévalider" : "Valider", () => v.validate("relation", r), {
        "data-focus": `rv-${r.id}`, "aria-label": label(r.validated ? "Dévalider" : "Valider") }));
    }
    if (ctx.anim || (this.mine(r) && !r.validated)) {
      out.push(button("Supprimer", () => v.remove("relation", r), { cls: "btn btn-small btn-danger-outline",
        "data-focus": `rd-${r.id}`, "aria-label": label("Supprimer la relation") }));
    }
    return out.length ? h("div", { class: "button-row" }, out) : null;
  }
}

export function summaryText(actors, relations) {
  return `${plural(actors, "acteur", "acteurs")}, ${plural(relations, "relation", "relations")}`;
}
