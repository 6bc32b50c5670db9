// `chaine_de_valeur` view: the cycle's chaînes de valeur (one shown at a time: its links
// ressources → … → impacts, objectives by target, indicators, « ceci conduit à cela »), the
// forms to add and link items, and the écosystème: the chains by question essentielle, who
// contributes what. State: store.activity[step.id] (docs/activities/chaine_de_valeur.md).

import { h, plural } from "../ui.js";
import { button, checkboxes, field, newClientId, personalPrompt, request, select, setOptions, textArea } from "./common.js";
import { loadStyles, questionText, rights } from "./chaine-common.js";
import { QuestionsList } from "./questions-list.js";

const MAX_ITEM = 300;
const MAX_TITLE = 200;

export class View {
  constructor(page) {
    loadStyles();
    this.page = page;
    this.level = page.root.id === "projection-app" ? 2 : 3;
    this.stepId = null;
    this.mode = "chaine";
    this.selected = null; // chain shown
    this.editing = null; // item id being edited
    this.questions = new QuestionsList({ page, headingLevel: this.level });
    this.modes = h("div", { class: "button-row cv__modes", role: "group", "aria-label": "Affichage" });
    this.addChain = this.buildChainForm();
    this.picker = select("cv-picker", []);
    this.picker.addEventListener("change", () => {
      this.selected = Number(this.picker.value) || null;
      this.editing = null;
      this.page.schedule();
    });
    this.pickerField = field("Chaîne affichée", this.picker);
    this.card = h("section", { class: "cv-chain card-panel", "aria-label": "Chaîne affichée" });
    this.itemForm = this.buildItemForm();
    this.linkForm = this.buildLinkForm();
    this.chainsPanel = h("div", { class: "cv__chains" }, this.addChain, this.pickerField, this.card,
      this.itemForm, this.linkForm);
    this.eco = h("div", { class: "cv__eco" });
    this.root = h("div", { class: "cv" }, this.questions.root, this.modes, this.chainsPanel, this.eco);
  }

  get state() {
    return (this.page.store.activity || {})[this.stepId];
  }

  render(step) {
    const state = (this.page.store.activity || {})[step.id];
    if (!state) return;
    if (step.id !== this.stepId) {
      this.stepId = step.id;
      this.mode = state.view;
      this.selected = null;
      this.editing = null;
    }
    this.step = step;
    this.ctx = rights(this.page, step);
    const names = new Map(state.structures.map((s) => [s.id, s.name]));
    this.names = names;
    if (!state.chaines.some((c) => c.id === this.selected)) {
      const mine = state.chaines.find((c) => state.my_structure_id && c.structure_id === state.my_structure_id);
      this.selected = (mine || state.chaines[0] || {}).id || null;
    }
    this.questions.render(step, state.questions);
    this.renderModes();
    this.chainsPanel.hidden = this.mode !== "chaine";
    this.eco.hidden = this.mode !== "ecosysteme";
    if (this.mode === "chaine") this.renderChains(state);
    else this.renderEco(state);
  }

  renderModes() {
    const key = this.mode;
    if (this.modesFor === key) return;
    this.modesFor = key;
    const toggle = (mode, label) => button(label, () => {
      this.mode = mode;
      this.page.schedule();
    }, { cls: "btn", "aria-pressed": String(this.mode === mode), "data-mode": mode });
    this.modes.replaceChildren(toggle("chaine", "Chaînes de valeur"), toggle("ecosysteme", "Écosystème par question"));
  }

  // --- chains ------------------------------------------------------------------------------

  chainLabel(c) {
    const kind = c.subject === "structure" ? "structure" : "action";
    return `${c.title} (${kind}${c.validated ? ", validée" : ""})`;
  }

  renderChains(state) {
    const ctx = this.ctx;
    this.addChain.hidden = !ctx.canWrite;
    if (ctx.canWrite) this.refreshChainForm(state);
    this.pickerField.hidden = state.chaines.length < 2;
    setOptions(this.picker, state.chaines.map((c) => [String(c.id), this.chainLabel(c)]));
    this.picker.value = String(this.selected || "");
    const chaine = state.chaines.find((c) => c.id === this.selected) || null;
    const key = JSON.stringify([chaine, state.questions, state.levels, ctx, this.editing, [...this.names]]);
    if (this.cardFor !== key) {
      this.cardFor = key;
      this.buildCard(state, chaine);
    }
    const writable = Boolean(chaine) && ctx.canWrite && (ctx.anim || !chaine.validated);
    this.itemForm.hidden = !writable;
    this.linkForm.hidden = !writable || (chaine && chaine.items.length < 2);
    if (writable) this.refreshItemForms(state, chaine);
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
    return !chaine.validated && (authorId === null || authorId === me);
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

  // --- forms -------------------------------------------------------------------------------

  buildChainForm() {
    this.subject = select("cv-subject", [["structure", "D'une structure"], ["action", "D'une action"]]);
    this.subjectField = field("Chaîne de valeur", this.subject);
    this.chainStructure = select("cv-structure", []);
    this.chainTitle = h("input", { id: "cv-title", type: "text", maxlength: String(MAX_TITLE) });
    this.titleField = field("Nom de l'action", this.chainTitle);
    this.chainQuestions = checkboxes("Questions essentielles servies", []);
    this.chainWarning = h("div", { class: "form-prompt", role: "alert" });
    const form = h("form", { class: "form-stack", novalidate: true },
      this.subjectField, field("Structure", this.chainStructure, "La structure concernée, ou qui porte l'action"),
      this.titleField, this.chainQuestions, this.chainWarning,
      h("button", { type: "submit", class: "btn btn-primary", text: "Créer la chaîne" }));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.createChain(false);
    });
    this.subject.addEventListener("change", () => this.page.schedule());
    return h("details", { class: "card-panel cv-add" },
      h("summary", {}, h(`h${this.level}`, { class: "cv-add__title", text: "Ajouter une chaîne de valeur" })), form);
  }

  refreshChainForm(state) {
    this.subjectField.hidden = state.subject !== "libre";
    if (state.subject !== "libre") this.subject.value = state.subject;
    this.titleField.hidden = this.subject.value !== "action";
    setOptions(this.chainStructure, [["", "— Aucune —"], ...state.structures.map((s) => [String(s.id), s.name])]);
    if (!this.chainStructure.dataset.touched && state.my_structure_id) {
      this.chainStructure.value = String(state.my_structure_id);
      this.chainStructure.dataset.touched = "1";
    }
    const key = JSON.stringify(state.questions.map((q) => [q.id, q.number, q.text, q.active]));
    if (this.chainQuestionsFor !== key) {
      this.chainQuestionsFor = key;
      this.chainQuestions.setOptions(state.questions.filter((q) => q.active).map((q) => [String(q.id), `Q${q.number}. ${q.text}`]));
    }
  }

  async createChain(confirm) {
    const subject = this.subject.value;
    const data = {
      client_id: this.chainClientId || (this.chainClientId = newClientId()),
      subject,
      question_ids: this.chainQuestions.values().map(Number),
      confirm_personal: confirm,
    };
    if (this.chainStructure.value) data.structure_id = Number(this.chainStructure.value);
    if (subject === "action") data.title = this.chainTitle.value;
    const res = await this.act("chaine_add", data, {
      quiet: ["personal_data"], ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] });
    if (res.ok) {
      this.chainClientId = null;
      this.chainTitle.value = "";
      this.selected = res.chaine.id;
      this.addChain.open = false;
      this.page.announcer.say(`Chaîne « ${res.chaine.title} » créée`);
    } else if (res.error.code === "personal_data") personalPrompt(this.chainWarning, res.error, () => this.createChain(true));
    this.page.schedule();
  }

  buildItemForm() {
    this.itemLevel = select("cv-level", []);
    this.itemCible = select("cv-cible", []);
    this.cibleField = field("Cible", this.itemCible);
    const { area, counter } = textArea("cv-text", MAX_ITEM, "", 2);
    this.itemText = area;
    this.itemStructure = select("cv-item-structure", []);
    this.itemWarning = h("div", { class: "form-prompt", role: "alert" });
    this.itemLevel.addEventListener("change", () => this.page.schedule());
    const form = h("form", { class: "card-panel form-stack cv-item-form", novalidate: true },
      h(`h${this.level}`, { text: "Compléter la chaîne" }),
      field("Maillon", this.itemLevel), this.cibleField,
      h("div", { class: "field" }, h("label", { for: "cv-text", text: "Texte" }), area, counter),
      field("Apporté par", this.itemStructure, "La structure qui contribue cet élément"),
      this.itemWarning,
      h("button", { type: "submit", class: "btn btn-primary", text: "Ajouter à la chaîne" }),
      h("p", { class: "rgpd", text: "Pas de nom d'enfant ni de famille : contenu professionnel uniquement" }));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.addItem(false);
    });
    return form;
  }

  refreshItemForms(state, chaine) {
    setOptions(this.itemLevel, [
      ...state.levels.map((lv) => [lv.id, lv.label]),
      ["objectif", "Objectif (par cible)"],
      ["indicateur", "Indicateur"],
    ]);
    const extra = ["objectif", "indicateur"].includes(this.itemLevel.value);
    this.cibleField.hidden = !extra;
    const cibles = Object.entries(state.labels.cibles);
    setOptions(this.itemCible, this.itemLevel.value === "objectif" ? cibles : [["", "— Toutes —"], ...cibles]);
    const base = chaine.subject === "structure" ? chaine.structure_id : state.my_structure_id || chaine.structure_id;
    setOptions(this.itemStructure, [["", "— Non précisé —"], ...state.structures.map((s) => [String(s.id), s.name])]);
    if (this.itemStructureFor !== chaine.id) {
      this.itemStructureFor = chaine.id;
      this.itemStructure.value = base ? String(base) : "";
    }
    const label = (i) => `${(state.levels.find((lv) => lv.id === i.level) || { label: i.level === "objectif" ? "Objectif" : "Indicateur" }).label} : ${i.text}`;
    const options = chaine.items.map((i) => [String(i.id), label(i)]);
    setOptions(this.linkSource, options);
    setOptions(this.linkTarget, options);
  }

  async addItem(confirm) {
    const state = this.state;
    const chaine = state && state.chaines.find((c) => c.id === this.selected);
    if (!chaine) return;
    const data = {
      chaine_id: chaine.id,
      client_id: this.itemClientId || (this.itemClientId = newClientId()),
      level: this.itemLevel.value,
      text: this.itemText.value,
      cible: this.cibleField.hidden ? "" : this.itemCible.value,
      structure_id: this.itemStructure.value ? Number(this.itemStructure.value) : null,
      confirm_personal: confirm,
    };
    const res = await this.act("item_add", data, {
      quiet: ["personal_data"], ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] });
    if (res.ok) {
      this.itemClientId = null;
      this.itemText.value = "";
      this.itemText.dispatchEvent(new Event("input"));
      this.page.announcer.say("Ajouté à la chaîne");
      this.itemText.focus();
    } else if (res.error.code === "personal_data") personalPrompt(this.itemWarning, res.error, () => this.addItem(true));
  }

  buildLinkForm() {
    this.linkSource = select("cv-link-source", []);
    this.linkTarget = select("cv-link-target", []);
    const form = h("form", { class: "card-panel form-stack cv-link-form", novalidate: true },
      h(`h${this.level}`, { text: "Relier deux éléments" }),
      h("p", { class: "hint", text: "D'un maillon vers un maillon suivant (ressources → … → impacts), vers un objectif, ou vers l'indicateur qui le mesure." }),
      field("De", this.linkSource), field("Conduit à (ou est mesuré par)", this.linkTarget),
      h("button", { type: "submit", class: "btn", text: "Relier" }));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const res = await this.act("link_add", { source_id: Number(this.linkSource.value), target_id: Number(this.linkTarget.value) },
        { ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] });
      if (res.ok) this.page.announcer.say(res.duplicate ? "Ce lien existe déjà" : "Lien ajouté");
    });
    return form;
  }

  // --- écosystème ----------------------------------------------------------------------------

  renderEco(state) {
    const key = JSON.stringify([state.chaines, state.questions, state.levels, [...this.names]]);
    if (this.ecoFor === key) return;
    this.ecoFor = key;
    const groups = ecosystem(state, this.names);
    const L = `h${this.level}`;
    const rows = [...state.levels, { id: "objectif", label: "Objectifs" }];
    this.eco.replaceChildren(
      h("p", { class: "cv-eco__summary", text: `${plural(state.chaines.length, "chaîne de valeur rassemblée", "chaînes de valeur rassemblées")} par question essentielle.` }),
      ...(groups.length ? groups.map((g, index) => h("section", { class: "card-panel cv-eco", "aria-labelledby": `cv-eco-${index}` },
        h(L, { id: `cv-eco-${index}`, text: g.question ? `Q${g.question.number}. ${g.question.text}` : "Sans question essentielle" }),
        h("p", { class: "muted", text: `${plural(g.chaines.length, "chaîne", "chaînes")} · Contributeurs : ${g.contributors.join(", ") || "aucun"}` }),
        h("div", { class: "table-wrap" }, h("table", { class: "table table--stack cv-eco__table" },
          h("caption", { class: "visually-hidden", text: `Qui apporte quoi — ${g.question ? `Q${g.question.number}` : "sans question"}` }),
          h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Maillon" }), h("th", { scope: "col", text: "Ce qui est apporté, et par qui" }))),
          h("tbody", {}, rows.map((lv) => {
            const items = g.levels[lv.id] || [];
            return h("tr", { class: items.length ? null : "cv-eco__gap" }, h("th", { scope: "row", text: lv.label }),
              h("td", { "data-label": lv.label }, items.length
                ? h("ul", { class: "cv-items" }, items.map((i) => h("li", {}, i.text,
                  h("span", { class: "cv-item__who", text: ` — ${i.structure || "structure non précisée"}${i.chaine !== i.structure ? ` (${i.chaine})` : ""}` }))))
                : h("span", { class: "muted", text: "Personne pour l'instant" })));
          })))))) : [h("p", { class: "muted", text: "Aucune question essentielle ni chaîne de valeur pour l'instant." })]));
  }

  act(action, data, options = {}) {
    return request(this.page, this.step, action, data, options);
  }
}

/** The chains by active question (then « sans question »): who contributes what, by link. */
export function ecosystem(state, names) {
  const active = state.questions.filter((q) => q.active);
  const known = new Set(active.map((q) => q.id));
  const buckets = active.map((q) => [q, state.chaines.filter((c) => c.question_ids.includes(q.id))]);
  const loose = state.chaines.filter((c) => !c.question_ids.some((id) => known.has(id)));
  if (loose.length) buckets.push([null, loose]);
  return buckets.map(([question, chaines]) => {
    const levels = {};
    const contributors = new Set();
    for (const c of chaines) {
      for (const item of c.items) {
        if (item.level === "indicateur") continue;
        const who = names.get(item.structure_id || c.structure_id) || "";
        if (who) contributors.add(who);
        (levels[item.level] = levels[item.level] || []).push({ text: item.text, structure: who, chaine: c.title });
      }
    }
    return { question, chaines, levels, contributors: [...contributors].sort((a, b) => a.localeCompare(b, "fr")) };
  });
}
