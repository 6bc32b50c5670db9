// The feuille_de_route's form: propose an action, or edit one (the animateur, or its author
// while it is proposed): intitulé, question, pilot, contributors, deadline, texts.

import { h } from "../../ui.js";
import { button, checkboxes, field, newClientId, onSubmit, personalPrompt, select, setOptions, textArea } from "../common.js";

const TEXTS = [
  ["moyens", "Moyens", 1000],
  ["indicateurs_effectivite", "Indicateurs d'effectivité (l'a-t-on fait ?)", 1000],
  ["indicateurs_resultat", "Indicateurs de résultat (qu'est-ce qui a changé ?)", 1000],
  ["charte_ref", "Engagements de la charte concernés", 300],
];

/** The form to propose an action, or to edit one (animateur, or its author). */
export class ActionForm {
  constructor(view) {
    this.view = view;
    const L = `h${view.level}`;
    this.title = h(L, { class: "fdr-form__title", text: "Proposer une action" });
    this.intitule = h("input", { id: "fdr-intitule", type: "text", maxlength: "300", required: true });
    this.question = select("fdr-question", []);
    this.pilote = select("fdr-pilote", []);
    this.contributeurs = checkboxes("Contributeurs", []);
    this.echeance = h("input", { id: "fdr-echeance", type: "date" });
    this.texts = TEXTS.map(([name, label, max]) => [name, label, textArea(`fdr-${name}`, max, "", 2)]);
    this.warning = h("div", { class: "form-prompt", role: "alert" });
    this.submit = h("button", { type: "submit", class: "btn btn-primary", text: "Proposer l'action" });
    this.cancel = button("Annuler la modification", () => this.reset(), { cls: "btn" });
    this.form = h("form", { class: "form-stack", novalidate: true },
      field("Intitulé de l'action", this.intitule),
      field("Question essentielle", this.question),
      field("Structure pilote", this.pilote, "Sans pilote, l'action reste un brouillon signalé « sans pilote »."),
      this.contributeurs,
      field("Échéance", this.echeance, "Une date à venir."),
      ...this.texts.map(([, label, t]) => h("div", { class: "field" }, h("label", { for: t.area.id, text: label }), t.area, t.counter)),
      this.warning,
      h("div", { class: "button-row" }, this.submit, this.cancel),
      h("p", { class: "rgpd", text: "Pas de nom d'enfant ni de famille : structures et contenu professionnel uniquement" }));
    onSubmit(this.form, () => this.send(false));
    this.root = h("details", { class: "card-panel fdr-form" }, h("summary", {}, this.title), this.form);
    this.cancel.hidden = true;
  }

  render(state) {
    const v = this.view;
    const show = v.ctx.canWrite && (v.ctx.anim || state.phase === "propositions" || this.target);
    this.root.hidden = !show;
    if (!show) return;
    if (!this.opened && v.page.role === "participant" && state.phase === "propositions") {
      this.opened = true;
      this.root.open = true;
    }
    const active = state.questions.filter((q) => q.active);
    setOptions(this.question, [["", "— Aucune —"], ...active.map((q) => [String(q.id), `Q${q.number}. ${q.text}`])]);
    const structures = state.structures.map((s) => [String(s.id), s.name]);
    setOptions(this.pilote, [["", "— Sans pilote (brouillon) —"], ...structures]);
    const key = JSON.stringify(structures);
    if (this.structuresFor !== key) {
      this.structuresFor = key;
      this.contributeurs.setOptions(structures);
    }
    this.echeance.min = state.today;
  }

  edit(action) {
    this.target = action;
    this.title.textContent = `Modifier « ${action.intitule} »`;
    this.submit.textContent = "Enregistrer la modification";
    this.cancel.hidden = false;
    this.intitule.value = action.intitule;
    this.question.value = action.question_id ? String(action.question_id) : "";
    this.pilote.value = action.pilote_id ? String(action.pilote_id) : "";
    this.contributeurs.setOptions(this.view.state.structures.map((s) => [String(s.id), s.name]), action.contributeur_ids.map(String));
    this.echeance.value = action.echeance || "";
    for (const [name, , t] of this.texts) {
      t.area.value = action[name] || "";
      t.area.dispatchEvent(new Event("input"));
    }
    this.root.hidden = false;
    this.root.open = true;
    this.root.scrollIntoView({ block: "nearest" });
    this.intitule.focus();
  }

  reset() {
    this.target = null;
    this.clientId = null;
    this.title.textContent = "Proposer une action";
    this.submit.textContent = "Proposer l'action";
    this.cancel.hidden = true;
    this.intitule.value = "";
    this.echeance.value = "";
    this.question.value = "";
    this.pilote.value = "";
    this.contributeurs.setOptions(this.view.state ? this.view.state.structures.map((s) => [String(s.id), s.name]) : [], []);
    for (const [, , t] of this.texts) {
      t.area.value = "";
      t.area.dispatchEvent(new Event("input"));
    }
    this.view.page.schedule();
  }

  async send(confirm) {
    const v = this.view;
    if (!this.intitule.value.trim()) {
      v.page.showError("Donnez un intitulé à l'action.");
      this.intitule.focus();
      return;
    }
    const data = {
      intitule: this.intitule.value,
      question_id: this.question.value ? Number(this.question.value) : null,
      pilote_id: this.pilote.value ? Number(this.pilote.value) : null,
      contributeur_ids: this.contributeurs.values().map(Number),
      echeance: this.echeance.value,
      confirm_personal: confirm,
    };
    for (const [name, , t] of this.texts) data[name] = t.area.value;
    const editing = this.target;
    const res = editing
      ? await v.act("edit", { ...data, action_id: editing.id, version: editing.version },
        { quiet: ["personal_data", "conflict"], ackAs: (r) => [["roadmap.action", { action: r.action }]] })
      : await v.act("propose", { ...data, client_id: this.clientId || (this.clientId = newClientId()) },
        { quiet: ["personal_data"], ackAs: (r) => [["roadmap.action", { action: r.action }]] });
    if (res.ok) {
      const sansPilote = res.action.flags.includes("sans_pilote");
      v.page.announcer.say(`${editing ? "Action modifiée" : "Action proposée"}${sansPilote ? " (brouillon sans pilote)" : ""}`);
      this.reset();
      this.root.open = false; // back to the table: the new action is there
    } else if (res.error.code === "personal_data") {
      personalPrompt(this.warning, res.error, () => this.send(true));
    } else if (res.error.code === "conflict") {
      v.conflict(res.error);
      this.edit(res.error.action);
    }
  }
}
