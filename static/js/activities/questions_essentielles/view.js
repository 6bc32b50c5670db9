// `questions_essentielles` view: formulation (proposals from the enjeux) → vote →
// validation, for participants, the animateur (merge, edit, validate, phases) and the
// projection. State: store.activity[step.id] (docs/activities/questions_essentielles.md).

import { groupName } from "../../groups.js";
import { $, h, plural, setText } from "../../ui.js";
import { ActivityView } from "../activity-view.js";
import { KeyedList, button, field, newClientId, onSubmit, personalPrompt, select, textArea } from "../common.js";
import { PhaseBar } from "../phases.js";
import { QuestionsList } from "../questions-list.js";
import { proposalNode } from "./proposal.js";

const MAX = 300;
const HELP = {
  formulation: "Proposez la question que le groupe doit se poser, à partir d'un enjeu.",
  vote: "Votez pour les formulations qui vous semblent essentielles.",
  validation: "L'animateur valide les questions essentielles du cycle.",
};
const OTHER = "";
const NEXT = { formulation: ["vote", "Passer au vote"], vote: ["validation", "Passer à la validation"] };
const BACK = { vote: ["formulation", "Revenir à la formulation"], validation: ["vote", "Revenir au vote"] };

export class View extends ActivityView {
  static type = "questions_essentielles";

  constructor(page) {
    super(page);
    // modes: proposal id → "edit" | "validate" | "delete"
    this.drafts = new Map(); // proposal id → {text, enjeu}
    this.selected = new Set(); // proposals chosen for a merge (animateur)
    this.clientId = newClientId();
    const level = this.level;

    this.phaseBar = new PhaseBar("Phases de l'activité", "qe__steer");
    this.status = h("p", { class: "qe__status", "aria-live": "polite" });
    this.questions = new QuestionsList({ page, headingLevel: level });
    this.enjeuxList = h("ol", { class: "enjeux" });
    this.enjeux = h("details", { class: "card-panel enjeux-panel", open: true },
      h("summary", {}, h(`h${level}`, { class: "enjeux__title", text: "Enjeux prioritaires" })),
      this.enjeuxList);
    this.form = this.buildForm();
    this.mergeBar = h("div", { class: "merge-bar card-panel", hidden: true });
    this.groupsEl = h("div", { class: "proposals" });
    this.proposalsTitle = h(`h${level}`, { class: "proposals__title" });
    this.root = h("div", { class: "qe" },
      this.phaseBar.list, this.phaseBar.steer, this.status, this.questions.root, this.enjeux, this.form,
      this.mergeBar, h("section", { class: "proposals-panel" }, this.proposalsTitle, this.groupsEl));
    this.groups = new Map(); // group key → {section, list}
  }

  enterStep() {
    this.modes.clear();
    this.selected.clear();
    this.groups.clear();
    this.groupsEl.replaceChildren();
  }

  draw(step, state) {
    // the enjeux keep changing in the earlier step until it is left, names come and go
    this.refreshOn(`${step.id}:${this.ctx.current}:${step.anonymous}:${this.page.live.connected}`, step);
    const { open, canWrite, anim } = this.ctx;
    this.ctx = { state, phase: state.phase, open, canWrite, anim };
    this.phaseBar.render(this, {
      phases: state.phases.map((p) => [p.id, p.label]),
      current: state.phase,
      back: BACK[state.phase],
      next: NEXT[state.phase],
      envelope: "qe.phase",
    });
    this.renderStatus(state);
    this.questions.render(step, state.questions, { target: state.max_questions });
    this.renderEnjeux(state);
    this.renderForm(state);
    this.renderMerge(state);
    this.renderProposals(state);
  }

  renderStatus(state) {
    let text = HELP[state.phase];
    if (state.phase === "vote" && this.role === "participant") {
      const { budget, max_per_card: cap } = state.votes;
      const left = Math.max(0, budget - this.usedVotes(state));
      text = `Votes restants : ${left} sur ${budget} (${plural(cap, "vote", "votes")} au plus par proposition).`;
    }
    if (state.phase === "vote" && this.ctx.anim) text = "Vote en cours : les totaux ne sont visibles que par vous.";
    setText(this.status, text);
  }

  usedVotes(state) {
    return Object.values(state.my_votes).reduce((n, w) => n + w, 0);
  }

  renderEnjeux(state) {
    this.enjeux.hidden = !state.enjeux.length;
    if (this.enjeuxFor !== JSON.stringify(state.enjeux)) {
      this.enjeuxFor = JSON.stringify(state.enjeux);
      this.enjeuxList.replaceChildren(...state.enjeux.map((e) => h("li", { class: "enjeu" },
        h("p", { class: "enjeu__label" }, h("strong", { text: e.label }), ` — ${plural(e.votes, "vote", "votes")}`),
        e.cards.length > 1 ? h("p", { class: "hint", text: e.cards.join(" · ") }) : null,
        this.role !== "viewer" ? button("Proposer une question pour cet enjeu", () => this.startFor(e.label),
          { cls: "btn btn-small enjeu__propose", "aria-label": `Proposer une question pour l'enjeu « ${e.label} »` }) : null)));
    }
    for (const b of this.enjeuxList.querySelectorAll(".enjeu__propose")) {
      b.hidden = !(this.ctx.canWrite && (state.phase === "formulation"));
    }
    if (state.phase !== "formulation" && !this.enjeuxClosed) {
      this.enjeuxClosed = true;
      this.enjeux.open = false;
    }
  }

  buildForm() {
    const { area, counter } = textArea("qe-text", MAX, "", 3);
    this.area = area;
    this.enjeuSelect = h("select", { id: "qe-enjeu" });
    this.enjeuField = field("Enjeu", this.enjeuSelect);
    const form = h("form", { class: "card-panel qe-add", novalidate: true, hidden: true },
      this.enjeuField,
      h("div", { class: "field" }, h("label", { for: "qe-text", text: "Votre question" }), area, counter),
      h("div", { class: "form-prompt", role: "alert", id: "qe-warning" }),
      h("button", { type: "submit", class: "btn btn-primary btn-block", text: "Proposer" }),
      h("p", { class: "rgpd", text: "Pas de nom d'enfant ni de famille : contenu professionnel uniquement" }));
    return onSubmit(form, () => this.propose(false));
  }

  renderForm(state) {
    const show = this.ctx.canWrite && state.phase === "formulation";
    this.form.hidden = !show;
    if (!show) return;
    this.enjeuField.hidden = !state.enjeux.length; // no enjeux: every question is transversal
    const key = JSON.stringify(state.enjeux.map((e) => e.label));
    if (this.optionsFor !== key) {
      this.optionsFor = key;
      const value = this.enjeuSelect.value;
      const options = [...state.enjeux.map((e) => [e.label, e.label]), [OTHER, "Autre (question transversale)"]];
      this.enjeuSelect.replaceChildren(...select("x", options, value).children);
      if (value && state.enjeux.some((e) => e.label === value)) this.enjeuSelect.value = value;
    }
  }

  startFor(label) {
    this.enjeuSelect.value = label;
    this.area.focus();
  }

  async propose(confirm) {
    const text = this.area.value.trim();
    if (!text) {
      this.page.showError("Écrivez votre question avant de la proposer.");
      this.area.focus();
      return;
    }
    const data = { client_id: this.clientId, text, enjeu: this.enjeuSelect.value };
    if (confirm) data.confirm_personal = true;
    const res = await this.act("propose", data, {
      quiet: ["personal_data"],
      ackAs: (r) => [["qe.proposal", { step_id: this.step.id, proposal: r.proposal }]],
    });
    if (res.ok) {
      this.clientId = newClientId();
      this.area.value = "";
      this.area.dispatchEvent(new Event("input"));
      $("qe-warning").replaceChildren();
      this.page.announcer.say("Proposition envoyée");
    } else if (res.error.code === "personal_data") {
      personalPrompt($("qe-warning"), res.error, () => this.propose(true));
    }
  }

  renderMerge(state) {
    const live = new Set(state.proposals.filter((p) => p.status === "active").map((p) => p.id));
    for (const id of this.selected) if (!live.has(id)) this.selected.delete(id);
    const show = this.ctx.anim && this.ctx.open && state.phase !== "validation" && this.selected.size > 0;
    this.mergeBar.hidden = !show;
    const key = [...this.selected].join(",");
    if (!show || this.mergeFor === key) return;
    this.mergeFor = key;
    const chosen = state.proposals.filter((p) => this.selected.has(p.id));
    const { area, counter } = textArea("qe-merge-text", MAX, chosen[0] ? chosen[0].text : "", 3);
    const enjeux = [...new Set(chosen.map((p) => p.enjeu))];
    const enjeu = select("qe-merge-enjeu", [...state.enjeux.map((e) => [e.label, e.label]),
      [OTHER, "Autre (question transversale)"]], enjeux[0] || OTHER);
    const form = h("form", { novalidate: true },
      h("p", { text: `${plural(chosen.length, "proposition sélectionnée", "propositions sélectionnées")} :` }),
      h("ul", {}, chosen.map((p) => h("li", { text: p.text }))),
      h("div", { class: "field" }, h("label", { for: "qe-merge-text", text: "Formulation commune" }), area, counter),
      field("Enjeu", enjeu),
      h("div", { class: "button-row" },
        h("button", { type: "submit", class: "btn btn-primary btn-small", text: "Fusionner",
          "aria-disabled": chosen.length < 2 ? "true" : null }),
        button("Annuler la sélection", () => {
          this.selected.clear();
          this.page.schedule();
        })));
    onSubmit(form, async () => {
      if (chosen.length < 2) return this.page.showError("Sélectionnez au moins deux propositions.");
      const res = await this.act("merge", { proposal_ids: chosen.map((p) => p.id), text: area.value,
        enjeu: enjeu.value }, { ackAs: (r) => [["qe.proposal", { step_id: this.step.id, proposal: r.proposal }]] });
      if (res.ok) {
        this.selected.clear();
        const back = res.votes_returned ? ` ${plural(res.votes_returned, "vote rendu", "votes rendus")} aux votants.` : "";
        this.page.announcer.say(`Propositions fusionnées.${back}`);
        this.page.schedule();
      }
    });
    this.mergeBar.replaceChildren(h(`h${this.level + 1}`, { text: "Fusionner des propositions" }), form);
  }

  renderProposals(state) {
    const list = [...state.proposals];
    const totals = (p) => Number(state.tallies[p.id] || 0);
    const showTotals = (this.ctx.anim && state.phase !== "formulation") || state.phase === "validation";
    this.proposalsTitle.textContent = `Propositions (${list.length})`;
    let groups;
    if (state.phase === "validation") {
      list.sort((a, b) => totals(b) - totals(a) || a.id - b.id);
      groups = [["", "Classées par nombre de votes", list]];
    } else {
      const order = [...state.enjeux.map((e) => e.label), OTHER];
      const by = new Map(order.map((k) => [k, []]));
      for (const p of list) (by.get(p.enjeu) || by.get(OTHER)).push(p);
      groups = [...by].filter(([, items]) => items.length)
        .map(([k, items]) => [k, k || "Questions transversales", items]);
    }
    const sections = groups.map(([key, title, items]) => {
      let g = this.groups.get(key);
      if (!g) {
        const ul = h("ul", { class: "proposal-list" });
        const heading = h(`h${this.level + 1}`, { class: "proposal-group__title" });
        g = { section: h("section", { class: "proposal-group" }, heading, ul), heading, list: null };
        g.list = new KeyedList(ul, {
          key: (p) => p.id,
          sig: (p, ctx) => this.signature(p, ctx),
          keep: (p) => this.modes.get(p.id) === "edit" || this.modes.get(p.id) === "validate",
          build: (p, ctx) => proposalNode(this, p, ctx),
        });
        this.groups.set(key, g);
      }
      g.heading.textContent = `${title} (${items.length})`;
      g.list.render(items, { ...this.ctx, showTotals, totals });
      return g.section;
    });
    this.groupsEl.replaceChildren(...sections);
    if (!list.length) {
      this.groupsEl.append(h("p", { class: "muted", text: state.phase === "formulation"
        ? "Aucune proposition pour l'instant." : "Aucune proposition." }));
    }
  }

  signature(p, ctx) {
    const state = ctx.state;
    return [p.version, p.text, p.status, p.author, ctx.phase, ctx.canWrite, ctx.showTotals,
      state.tallies[p.id] || 0, state.my_votes[p.id] || 0, this.usedVotes(state),
      this.modes.get(p.id) || "", this.selected.has(p.id), this.questionNumber(p),
      groupName(this.page.store, p)];
  }

  questionNumber(p) {
    const q = p.question_id && this.state.questions.find((x) => x.id === p.question_id);
    return q && q.active ? q.number : null;
  }
}
