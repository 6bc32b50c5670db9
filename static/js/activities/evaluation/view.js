// `evaluation` view (docs/cycle-life.md): météo and utilité (1–5), a suggestion and, when
// the step asks for it, the five conditions of collective impact (1–4). Participants answer
// (re-editable); results are anonymous aggregates, shown to the animateur at once and to
// everyone (projection included) once revealed. State: store.activity[step.id], with the
// labels of the scales (`labels`: meteo, utilite, conditions, levels) that the server owns.

import { h, plural, setText } from "../../ui.js";
import { ActivityView } from "../activity-view.js";
import { onSubmit, personalPrompt } from "../common.js";

const MAX = 1000;

let uid = 0;

function scale(legend, name, labels, value) {
  const id = `ev${++uid}`;
  return h("fieldset", { class: "ev-scale" },
    h("legend", { text: legend }),
    labels.map((label, i) => {
      const input = h("input", { type: "radio", name: `${name}-${id}`, value: String(i + 1) });
      input.checked = value === i + 1;
      return h("label", {}, input, h("span", { text: `${i + 1} — ${label}` }));
    }));
}

function picked(fieldset) {
  const input = fieldset.querySelector("input:checked");
  return input ? Number(input.value) : null;
}

export class View extends ActivityView {
  static type = "evaluation";

  constructor(page) {
    super(page);
    this.status = h("p", { class: "ev-status", role: "status" });
    this.formBox = h("div", {});
    this.steer = h("div", { class: "button-row" });
    this.resultsBox = h("section", { class: "ev-results", "aria-live": "polite" });
    this.prompt = h("div", { class: "form-prompt", role: "alert" });
    this.root = h("div", { class: "ev" }, this.steer, this.status, this.formBox, this.prompt, this.resultsBox);
    this.asking = false;
  }

  /** Participants answer (the animateur reads), by the views' one write rule. */
  canAnswer(step) {
    return this.role === "participant" && this.canWrite(step);
  }

  enterStep() {
    this.formKey = null;
  }

  draw(step, state) {
    this.renderSteer(step);
    if (this.canAnswer(step)) this.renderForm(step, state);
    else this.formBox.replaceChildren();
    const shown = this.role === "animateur" || step.results_visible;
    if (shown && !state.results && !this.asking) this.fetchResults();
    this.renderResults(state, shown);
  }

  renderSteer(step) {
    if (this.role !== "animateur") {
      this.steer.replaceChildren();
      return;
    }
    const label = step.results_visible ? "Masquer les résultats aux participants" : "Dévoiler les résultats à tous";
    if (this.steer.firstChild && this.steer.firstChild.textContent === label) return;
    this.steer.replaceChildren(h("button", {
      type: "button",
      class: "btn btn-small",
      text: label,
      onclick: async () => {
        const res = await this.page.live.emitAck("step_flags", { step_id: step.id, results_visible: !step.results_visible });
        if (res && !res.ok) this.page.showError(res.error.message_fr);
      },
    }));
  }

  async fetchResults() {
    this.asking = true;
    const res = await this.act("results", {}, { quiet: ["forbidden"] });
    this.asking = false;
    if (res.ok && this.state) {
      this.state.results = res.results;
      this.page.schedule();
    }
  }

  renderForm(step, state) {
    const mine = state.mine;
    const key = `${step.id}:${mine ? mine.version : 0}:${state.conditions_asked}`;
    if (this.formKey === key) return;
    this.formKey = key;
    const scope = state.scope || "atelier";
    const labels = state.labels;
    this.meteo = scale("Votre météo de l'atelier", "meteo", labels.meteo, mine && mine.meteo);
    this.utilite = scale("Utilité pour votre travail", "utilite", labels.utilite, mine && mine.utilite);
    this.conditions = {};
    const conditionFields = [];
    if (state.conditions_asked) {
      const rows = Object.entries(labels.conditions).map(([k, label]) => {
        const id = `ev${++uid}`;
        const sel = h("select", { id },
          h("option", { value: "", text: "— ne sais pas —" }),
          labels.levels.map((l, i) => h("option", { value: String(i + 1), text: `${i + 1} — ${l}` })));
        sel.value = mine && mine.conditions && mine.conditions[k] ? String(mine.conditions[k]) : "";
        this.conditions[k] = sel;
        return h("div", { class: "field" }, h("label", { for: id, text: label }), sel);
      });
      conditionFields.push(h("fieldset", { class: "fieldset" },
        h("legend", { text: "Les cinq conditions de l'impact collectif : où en est le groupe ?" }), rows));
    }
    const sid = `ev${++uid}`;
    this.suggestion = h("textarea", { id: sid, rows: "3", maxlength: String(MAX) });
    this.suggestion.value = (mine && mine.suggestion) || "";
    const form = h("form", { class: "card-panel stack", novalidate: true },
      h(`h${this.level}`, { text: mine ? "Votre réponse (modifiable)" : "Votre avis (anonyme)" }),
      this.meteo, this.utilite, conditionFields,
      h("div", { class: "field" }, h("label", { for: sid, text: "Une suggestion pour la suite (facultatif)" }), this.suggestion),
      h("button", { type: "submit", class: "btn btn-primary", text: mine ? "Modifier ma réponse" : "Envoyer ma réponse" }),
      h("p", { class: "hint", text: scope === "cycle" ? "Réponses anonymes : seuls les totaux du cycle sont montrés." : "Réponses anonymes : seuls les totaux sont montrés." }));
    this.formBox.replaceChildren(onSubmit(form, () => this.send(false)));
  }

  async send(confirmPersonal) {
    const state = this.state;
    const conditions = {};
    for (const [k, sel] of Object.entries(this.conditions)) if (sel.value) conditions[k] = Number(sel.value);
    const data = {
      version: state.mine ? state.mine.version : 0,
      meteo: picked(this.meteo),
      utilite: picked(this.utilite),
      suggestion: this.suggestion.value,
      conditions,
      confirm_personal: confirmPersonal,
    };
    const res = await this.act("submit", data, { quiet: ["personal_data", "conflict"] });
    if (res.ok) {
      state.mine = res.mine;
      if (typeof res.count === "number") state.count = res.count;
      this.formKey = null;
      setText(this.status, "Merci : votre réponse est enregistrée (anonyme).");
      this.page.announcer.say("Réponse enregistrée");
    } else if (res.error.code === "personal_data") {
      personalPrompt(this.prompt, res.error, () => this.send(true));
    } else if (res.error.code === "conflict") {
      state.mine = res.error.mine || null;
      this.formKey = null;
      this.page.showError(res.error.message_fr);
    }
    this.page.schedule();
  }

  renderResults(state, shown) {
    const title = h(`h${this.level}`, { text: "Résultats" });
    const count = h("p", { text: plural(state.count || 0, "réponse", "réponses") });
    if (!shown || !state.results) {
      this.resultsBox.replaceChildren(title, count,
        h("p", { class: "muted", text: "Les résultats seront dévoilés par l'animateur." }));
      return;
    }
    const r = state.results;
    const labels = state.labels;
    const max = Math.max(1, r.count);
    const row = (label, n) => h("tr", {}, h("th", { scope: "row", text: label }),
      h("td", {}, h("meter", { min: "0", max: String(max), value: String(n), "aria-hidden": "true" }), ` ${n}`));
    const table = (caption, labels, counts) => h("table", { class: "ev-table" },
      h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Niveau" }), h("th", { scope: "col", text: "Réponses" }))),
      h("tbody", {}, labels.map((l, i) => row(`${i + 1} — ${l}`, counts[String(i + 1)] || 0))));
    const avg = (v) => (v === null || v === undefined ? "—" : `${String(v).replace(".", ",")} / 5`);
    const parts = [title,
      h("p", { text: `${plural(r.count, "réponse", "réponses")} · météo moyenne ${avg(r.meteo_avg)} · utilité moyenne ${avg(r.utilite_avg)}` }),
      h("div", { class: "two-col" }, table("Météo", labels.meteo, r.meteo), table("Utilité", labels.utilite, r.utilite))];
    const conds = Object.entries(r.conditions || {});
    if (conds.length) {
      parts.push(h("table", { class: "ev-table" }, h("caption", { text: "Conditions de l'impact collectif (moyenne sur 4)" }),
        h("tbody", {}, conds.map(([k, v]) => h("tr", {}, h("th", { scope: "row", text: labels.conditions[k] || k }),
          h("td", { text: String(v).replace(".", ",") }))))));
    }
    if (r.suggestions && r.suggestions.length) {
      parts.push(h(`h${this.level + 1}`, { text: "Suggestions (anonymes)" }),
        h("ul", {}, r.suggestions.map((s) => h("li", { text: s }))));
    }
    this.resultsBox.replaceChildren(...parts);
  }
}
