// `chaine_de_valeur` view: the cycle's chaînes de valeur (one shown at a time: its links
// ressources → … → impacts, objectives by target, indicators, « ceci conduit à cela »), the
// forms to add and link items (forms.js), and the écosystème (ecosystem.js): the chains by
// question essentielle, who contributes what. State: store.activity[step.id]
// (docs/activities/chaine_de_valeur.md).

import { groupName } from "../../groups.js";
import { h } from "../../ui.js";
import { ActivityView } from "../activity-view.js";
import { button, checkboxes, field, personalPrompt, select, setOptions, textArea } from "../common.js";
import { QuestionsList, questionText } from "../questions-list.js";
import { Ecosystem } from "./ecosystem.js";
import { ChainForm, ItemForm, LinkForm } from "./forms.js";

const MAX_ITEM = 300;

export class View extends ActivityView {
  static type = "chaine_de_valeur";

  constructor(page) {
    super(page);
    this.mode = "chaine";
    this.selected = null; // chain shown
    this.editing = null; // item id being edited
    this.questions = new QuestionsList({ page, headingLevel: this.level });
    this.modesEl = h("div", { class: "button-row cv__modes", role: "group", "aria-label": "Affichage" });
    this.chainForm = new ChainForm(this);
    this.picker = select("cv-picker", []);
    this.picker.addEventListener("change", () => {
      this.selected = Number(this.picker.value) || null;
      this.editing = null;
      this.page.schedule();
    });
    this.pickerField = field("Chaîne affichée", this.picker);
    this.card = h("section", { class: "cv-chain card-panel", "aria-label": "Chaîne affichée" });
    this.itemForm = new ItemForm(this);
    this.linkForm = new LinkForm(this);
    this.chainsPanel = h("div", { class: "cv__chains" }, this.chainForm.root, this.pickerField, this.card,
      this.itemForm.root, this.linkForm.root);
    this.eco = new Ecosystem(this);
    this.root = h("div", { class: "cv" }, this.questions.root, this.modesEl, this.chainsPanel, this.eco.root);
  }

  enterStep(_step, state) {
    this.mode = state.view;
    this.selected = null;
    this.editing = null;
  }

  draw(step, state) {
    const names = new Map(state.structures.map((s) => [s.id, s.name]));
    this.names = names;
    if (!state.chaines.some((c) => c.id === this.selected)) {
      const mine = state.chaines.find((c) => state.my_structure_id && c.structure_id === state.my_structure_id);
      this.selected = (mine || state.chaines[0] || {}).id || null;
    }
    this.questions.render(step, state.questions);
    this.renderModes();
    this.chainsPanel.hidden = this.mode !== "chaine";
    this.eco.root.hidden = this.mode !== "ecosysteme";
    if (this.mode === "chaine") this.renderChains(state);
    else this.eco.render(state, names);
  }

  renderModes() {
    const key = this.mode;
    if (this.modesFor === key) return;
    this.modesFor = key;
    this.modesEl.replaceChildren(this.modeButton("chaine", "Chaînes de valeur"),
      this.modeButton("ecosysteme", "Écosystème par question"));
  }

  // --- chains ------------------------------------------------------------------------------

  chainLabel(c) {
    const kind = c.subject === "structure" ? "structure" : "action";
    const group = this.groupOf(c);
    return `${c.title} (${kind}${c.validated ? ", validée" : ""}${group ? `, ${group}` : ""})`;
  }

  /** « Groupe « … » » for a chain written in a sub-group of this step (issue 18), once
   * the viewer sees several groups' work (animateurs, the wall, after the mise en commun). */
  groupOf(c) {
    const group = groupName(this.page.store, c, this.step.id);
    return !group ? "" : /^groupe/i.test(group) ? group : `Groupe « ${group} »`;
  }

  renderChains(state) {
    const ctx = this.ctx;
    this.chainForm.root.hidden = !ctx.canWrite;
    if (ctx.canWrite) this.chainForm.refresh(state);
    this.pickerField.hidden = state.chaines.length < 2;
    setOptions(this.picker, state.chaines.map((c) => [String(c.id), this.chainLabel(c)]));
    this.picker.value = String(this.selected || "");
    const chaine = state.chaines.find((c) => c.id === this.selected) || null;
    const key = JSON.stringify([chaine, state.questions, state.levels, ctx, this.editing, [...this.names],
      chaine && this.groupOf(chaine)]);
    if (this.cardFor !== key) {
      this.cardFor = key;
      this.buildCard(state, chaine);
    }
    const writable = Boolean(chaine) && ctx.canWrite && (ctx.anim || !chaine.validated);
    this.itemForm.root.hidden = !writable;
    this.linkForm.root.hidden = !writable || (chaine && chaine.items.length < 2);
    if (writable) {
      this.itemForm.refresh(state, chaine);
      this.linkForm.refresh(state, chaine);
    }
  }

  buildCard(state, chaine) {
    const L = `h${this.level}`;
    const sub = `h${this.level + 1}`;
    if (!chaine) {
      this.card.replaceChildren(h(L, { text: "Chaînes de valeur" }),
        h("p", { class: "muted", text: "Aucune chaîne de valeur pour l'instant." +
          (this.ctx.canWrite ? " Ajoutez celle de votre structure ou d'une action." : "") }));
      return;
    }
    const byId = new Map(chaine.items.map((i) => [i.id, i]));
    const who = (item) => this.names.get(item.structure_id || chaine.structure_id) || "";
    const questions = chaine.question_ids.map((id) => questionText(state.questions, id, false)).filter(Boolean);
    const meta = [
      chaine.subject === "structure" ? "Chaîne de la structure" : `Action${chaine.structure_id ? ` portée par ${this.names.get(chaine.structure_id) || "?"}` : ""}`,
      questions.length ? `Questions : ${questions.join(", ")}` : "Sans question essentielle",
      chaine.validated ? "validée par l'animateur" : "proposée",
    ];
    const levels = state.levels.map((lv, index) => {
      const items = chaine.items.filter((i) => i.level === lv.id);
      return [
        index ? h("span", { class: "cv-flow__arrow", "aria-hidden": "true", text: "→" }) : null,
        h("section", { class: "cv-level", "data-level": lv.id, "aria-label": lv.label },
          h(sub, { class: "cv-level__title", text: `${lv.label} (${items.length})` }),
          items.length ? h("ul", { class: "cv-items" }, items.map((i) => this.itemNode(chaine, i, who(i))))
            : h("p", { class: "muted cv-empty", text: "Rien encore." })),
      ];
    });
    const objectives = chaine.items.filter((i) => i.level === "objectif");
    const indicators = chaine.items.filter((i) => i.level === "indicateur");
    const cibles = state.labels.cibles;
    const links = chaine.links.filter((x) => byId.has(x.source_id) && byId.has(x.target_id));
    this.card.replaceChildren(...[
      h(L, { class: "cv-chain__title", text: chaine.title }),
      this.groupOf(chaine) ? h("p", { class: "card__group", text: this.groupOf(chaine) }) : null,
      h("p", { class: "muted", text: meta.join(" · ") }),
      this.chainButtons(state, chaine),
      h("div", { class: "cv-flow" }, levels.flat()),
      h("section", { class: "cv-block", "aria-label": "Objectifs par cible" },
        h(sub, { text: "Objectifs par cible" }),
        h("div", { class: "table-wrap" }, h("table", { class: "table table--stack" },
          h("caption", { class: "visually-hidden", text: `Objectifs de « ${chaine.title} » par cible` }),
          h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Cible" }), h("th", { scope: "col", text: "Objectifs" }))),
          h("tbody", {}, Object.entries(cibles).map(([key, label]) => {
            const mine = objectives.filter((o) => o.cible === key);
            return h("tr", {}, h("th", { scope: "row", text: label }),
              h("td", { "data-label": "Objectifs" }, mine.length
                ? h("ul", { class: "cv-items" }, mine.map((o) => this.itemNode(chaine, o, who(o))))
                : h("span", { class: "muted", text: "—" })));
          }))))),
      h("section", { class: "cv-block", "aria-label": "Indicateurs" },
        h(sub, { text: `Indicateurs (${indicators.length})` }),
        indicators.length ? h("ul", { class: "cv-items" }, indicators.map((i) => {
          const measured = links.filter((x) => x.target_id === i.id).map((x) => byId.get(x.source_id).text);
          const extra = [i.cible ? cibles[i.cible] : "", measured.length ? `mesure : ${measured.join(" ; ")}` : ""]
            .filter(Boolean).join(" — ");
          return this.itemNode(chaine, i, who(i), extra);
        })) : h("p", { class: "muted", text: "Aucun indicateur : ajoutez-en un (l'a-t-on fait ? qu'est-ce qui a changé ?)." })),
      h("section", { class: "cv-block", "aria-label": "Liens de la chaîne" },
        h(sub, { text: `Ceci conduit à cela (${links.length})` }),
        links.length ? h("ul", { class: "cv-links" }, links.map((x) => h("li", {},
          `${byId.get(x.source_id).text} → ${byId.get(x.target_id).text}`,
          this.mayChange(chaine, null) ? button("Retirer", () => this.act("link_delete", { link_id: x.id }),
            { "aria-label": `Retirer le lien « ${byId.get(x.source_id).text} » vers « ${byId.get(x.target_id).text} »` }) : null)))
          : h("p", { class: "muted", text: "Aucun lien pour l'instant." })),
    ].filter(Boolean));
    if (this.editing) {
      const area = this.card.querySelector(".cv-edit textarea");
      if (area) requestAnimationFrame(() => area.focus());
    }
  }

  mayChange(chaine, authorId) {
    const ctx = this.ctx;
    if (!ctx.canWrite) return false;
    if (ctx.anim) return true;
    const me = this.page.store.me && this.page.store.me.id;
    // the server's rule (operations._may_change): only what they added themselves; what the
    // animateur added (no author) is not theirs to change or delete
    return !chaine.validated && authorId != null && authorId === me;
  }

  itemNode(chaine, item, who, extra = "") {
    if (this.editing === item.id) return this.editNode(chaine, item);
    const may = this.mayChange(chaine, item.author_id);
    return h("li", { class: "cv-item", "data-item-id": item.id },
      h("span", { class: "cv-item__text", text: item.text }),
      who ? h("span", { class: "cv-item__who", text: ` — ${who}` }) : null,
      extra ? h("span", { class: "hint", text: ` (${extra})` }) : null,
      may ? h("span", { class: "cv-item__tools" },
        button("Modifier", () => {
          this.editing = item.id;
          this.page.schedule();
        }, { "aria-label": `Modifier « ${item.text} »`, "data-focus": `edit-${item.id}` }),
        button("Supprimer", () => this.act("item_delete", { item_id: item.id }),
          { cls: "btn btn-small btn-danger", "aria-label": `Supprimer « ${item.text} »` })) : null);
  }

  editNode(chaine, item) {
    const { area, counter } = textArea(`cv-edit-${item.id}`, MAX_ITEM, item.text, 2);
    const warning = h("div", { class: "form-prompt", role: "alert" });
    const save = async (confirm) => {
      const res = await this.act("item_edit", { item_id: item.id, version: item.version, text: area.value, confirm_personal: confirm },
        { quiet: ["personal_data", "conflict"], ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] });
      if (res.ok) {
        this.editing = null;
        this.page.announcer.say("Élément modifié");
      } else if (res.error.code === "personal_data") personalPrompt(warning, res.error, () => save(true));
      else if (res.error.code === "conflict") {
        this.applyChain(res.error.chaine);
        this.editing = null;
        this.page.showError(res.error.message_fr);
      }
      this.page.schedule();
    };
    return h("li", { class: "cv-item cv-edit" },
      h("label", { for: area.id, text: "Nouveau texte" }), area, counter, warning,
      h("div", { class: "button-row" },
        button("Enregistrer", () => save(false), { cls: "btn btn-small btn-primary" }),
        button("Annuler", () => {
          this.editing = null;
          this.page.schedule();
        })));
  }

  chainButtons(state, chaine) {
    const ctx = this.ctx;
    const tools = [];
    if (this.mayChange(chaine, chaine.author_id)) {
      const boxes = checkboxes("Questions essentielles servies",
        state.questions.filter((q) => q.active).map((q) => [String(q.id), `Q${q.number}. ${q.text}`]),
        chaine.question_ids.map(String));
      tools.push(h("details", { class: "cv-questions" }, h("summary", { text: "Questions servies…" }), boxes,
        button("Enregistrer les questions", () => this.act("chaine_edit", {
          chaine_id: chaine.id, version: chaine.version, question_ids: boxes.values().map(Number),
        }, { quiet: ["conflict"], ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] }).then((res) => {
          if (!res.ok && res.error.code === "conflict") {
            this.applyChain(res.error.chaine);
            this.page.showError(res.error.message_fr);
          }
        }), { cls: "btn btn-small btn-primary" })));
      tools.push(button("Supprimer la chaîne", () => this.act("chaine_delete", { chaine_id: chaine.id }),
        { cls: "btn btn-small btn-danger", "aria-label": `Supprimer la chaîne « ${chaine.title} »` }));
    }
    if (ctx.anim && ctx.open) {
      tools.unshift(button(chaine.validated ? "Retirer la validation" : "Valider la chaîne",
        () => this.act("chaine_validate", { chaine_id: chaine.id, validated: !chaine.validated },
          { ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] }),
        { cls: "btn btn-small", "aria-label": `${chaine.validated ? "Retirer la validation de" : "Valider"} la chaîne « ${chaine.title} »` }));
    }
    return tools.length ? h("div", { class: "button-row cv-chain__tools" }, tools) : null;
  }

  applyChain(chaine) {
    const state = this.state;
    if (!state || !chaine) return;
    const i = state.chaines.findIndex((c) => c.id === chaine.id);
    if (i >= 0) state.chaines[i] = chaine;
  }
}
