// Forms of the chaine_de_valeur view: a new chain (of a structure or of an action), an item
// added to the chain shown (a link of the chain, an objective by target, an indicator), and a
// link « ceci conduit à cela » between two of its items.

import { h } from "../../ui.js";
import { checkboxes, field, newClientId, onSubmit, personalPrompt, select, setOptions, textArea } from "../common.js";

const MAX_ITEM = 300;
const MAX_TITLE = 200;

/** A new chain: its subject (when the step leaves the choice), structure, title, questions. */
export class ChainForm {
  constructor(view) {
    this.view = view;
    this.subject = select("cv-subject", [["structure", "D'une structure"], ["action", "D'une action"]]);
    this.subjectField = field("Chaîne de valeur", this.subject);
    this.structure = select("cv-structure", []);
    this.title = h("input", { id: "cv-title", type: "text", maxlength: String(MAX_TITLE) });
    this.titleField = field("Nom de l'action", this.title);
    this.questions = checkboxes("Questions essentielles servies", []);
    this.warning = h("div", { class: "form-prompt", role: "alert" });
    const form = onSubmit(h("form", { class: "form-stack", novalidate: true },
      this.subjectField, field("Structure", this.structure, "La structure concernée, ou qui porte l'action"),
      this.titleField, this.questions, this.warning,
      h("button", { type: "submit", class: "btn btn-primary", text: "Créer la chaîne" })), () => this.create(false));
    this.subject.addEventListener("change", () => view.page.schedule());
    this.root = h("details", { class: "card-panel cv-add" },
      h("summary", {}, h(`h${view.level}`, { class: "cv-add__title", text: "Ajouter une chaîne de valeur" })), form);
  }

  refresh(state) {
    this.subjectField.hidden = state.subject !== "libre";
    if (state.subject !== "libre") this.subject.value = state.subject;
    this.titleField.hidden = this.subject.value !== "action";
    setOptions(this.structure, [["", "— Aucune —"], ...state.structures.map((s) => [String(s.id), s.name])]);
    if (!this.structure.dataset.touched && state.my_structure_id) {
      this.structure.value = String(state.my_structure_id);
      this.structure.dataset.touched = "1";
    }
    const key = JSON.stringify(state.questions.map((q) => [q.id, q.number, q.text, q.active]));
    if (this.questionsFor !== key) {
      this.questionsFor = key;
      this.questions.setOptions(state.questions.filter((q) => q.active).map((q) => [String(q.id), `Q${q.number}. ${q.text}`]));
    }
  }

  async create(confirm) {
    const view = this.view;
    const subject = this.subject.value;
    const data = {
      client_id: this.clientId || (this.clientId = newClientId()),
      subject,
      question_ids: this.questions.values().map(Number),
      confirm_personal: confirm,
    };
    if (this.structure.value) data.structure_id = Number(this.structure.value);
    if (subject === "action") data.title = this.title.value;
    const res = await view.act("chaine_add", data, {
      quiet: ["personal_data"], ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] });
    if (res.ok) {
      this.clientId = null;
      this.title.value = "";
      view.selected = res.chaine.id;
      this.root.open = false;
      view.page.announcer.say(`Chaîne « ${res.chaine.title} » créée`);
    } else if (res.error.code === "personal_data") personalPrompt(this.warning, res.error, () => this.create(true));
    view.page.schedule();
  }
}

/** An item of the chain shown: its level (or objective, indicator), target, text, structure. */
export class ItemForm {
  constructor(view) {
    this.view = view;
    this.level = select("cv-level", []);
    this.cible = select("cv-cible", []);
    this.cibleField = field("Cible", this.cible);
    const { area, counter } = textArea("cv-text", MAX_ITEM, "", 2);
    this.text = area;
    this.structure = select("cv-item-structure", []);
    this.warning = h("div", { class: "form-prompt", role: "alert" });
    this.level.addEventListener("change", () => view.page.schedule());
    this.root = onSubmit(h("form", { class: "card-panel form-stack cv-item-form", novalidate: true },
      h(`h${view.level}`, { text: "Compléter la chaîne" }),
      field("Maillon", this.level), this.cibleField,
      h("div", { class: "field" }, h("label", { for: "cv-text", text: "Texte" }), area, counter),
      field("Apporté par", this.structure, "La structure qui contribue cet élément"),
      this.warning,
      h("button", { type: "submit", class: "btn btn-primary", text: "Ajouter à la chaîne" }),
      h("p", { class: "rgpd", text: "Pas de nom d'enfant ni de famille : contenu professionnel uniquement" })),
    () => this.add(false));
  }

  refresh(state, chaine) {
    setOptions(this.level, [
      ...state.levels.map((lv) => [lv.id, lv.label]),
      ["objectif", "Objectif (par cible)"],
      ["indicateur", "Indicateur"],
    ]);
    const extra = ["objectif", "indicateur"].includes(this.level.value);
    this.cibleField.hidden = !extra;
    const cibles = Object.entries(state.labels.cibles);
    setOptions(this.cible, this.level.value === "objectif" ? cibles : [["", "— Toutes —"], ...cibles]);
    const base = chaine.subject === "structure" ? chaine.structure_id : state.my_structure_id || chaine.structure_id;
    setOptions(this.structure, [["", "— Non précisé —"], ...state.structures.map((s) => [String(s.id), s.name])]);
    if (this.structureFor !== chaine.id) {
      this.structureFor = chaine.id;
      this.structure.value = base ? String(base) : "";
    }
  }

  async add(confirm) {
    const view = this.view;
    const state = view.state;
    const chaine = state && state.chaines.find((c) => c.id === view.selected);
    if (!chaine) return;
    const data = {
      chaine_id: chaine.id,
      client_id: this.clientId || (this.clientId = newClientId()),
      level: this.level.value,
      text: this.text.value,
      cible: this.cibleField.hidden ? "" : this.cible.value,
      structure_id: this.structure.value ? Number(this.structure.value) : null,
      confirm_personal: confirm,
    };
    const res = await view.act("item_add", data, {
      quiet: ["personal_data"], ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] });
    if (res.ok) {
      this.clientId = null;
      this.text.value = "";
      this.text.dispatchEvent(new Event("input"));
      view.page.announcer.say("Ajouté à la chaîne");
      this.text.focus();
    } else if (res.error.code === "personal_data") personalPrompt(this.warning, res.error, () => this.add(true));
  }
}

/** « Ceci conduit à cela »: a link between two items of the chain shown. */
export class LinkForm {
  constructor(view) {
    this.view = view;
    this.source = select("cv-link-source", []);
    this.target = select("cv-link-target", []);
    this.root = onSubmit(h("form", { class: "card-panel form-stack cv-link-form", novalidate: true },
      h(`h${view.level}`, { text: "Relier deux éléments" }),
      h("p", { class: "hint", text: "D'un maillon vers un maillon suivant (ressources → … → impacts), vers un objectif, ou vers l'indicateur qui le mesure." }),
      field("De", this.source), field("Conduit à (ou est mesuré par)", this.target),
      h("button", { type: "submit", class: "btn", text: "Relier" })), async () => {
      const res = await view.act("link_add", { source_id: Number(this.source.value), target_id: Number(this.target.value) },
        { ackAs: (r) => [["chaine.updated", { chaine: r.chaine }]] });
      if (res.ok) view.page.announcer.say(res.duplicate ? "Ce lien existe déjà" : "Lien ajouté");
    });
  }

  refresh(state, chaine) {
    const label = (i) => `${(state.levels.find((lv) => lv.id === i.level) || { label: i.level === "objectif" ? "Objectif" : "Indicateur" }).label} : ${i.text}`;
    const options = chaine.items.map((i) => [String(i.id), label(i)]);
    setOptions(this.source, options);
    setOptions(this.target, options);
  }
}
