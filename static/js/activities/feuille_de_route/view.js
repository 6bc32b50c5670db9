// `feuille_de_route` view: propositions → vote de priorité → validation; the cycle's actions
// as a table (by question essentielle) or a timeline (by deadline; the visual strip is
// doubled by a list by month, and the table says it all). State: store.activity[step.id]
// (docs/activities/feuille_de_route.md).

import { groupName } from "../../groups.js";
import { h, plural, setText } from "../../ui.js";
import { ActivityView } from "../activity-view.js";
import { button, select, short } from "../common.js";
import { PhaseBar } from "../phases.js";
import { QuestionsList, questionText } from "../questions-list.js";
import { ActionForm } from "./action-form.js";

const HELP = {
  propositions: "Proposez des actions : une structure pilote, des contributeurs, une échéance, des indicateurs.",
  vote: "Votez pour les actions prioritaires.",
  validation: "L'animateur valide les actions de la feuille de route.",
};
const NEXT = { propositions: ["vote", "Passer au vote"], vote: ["validation", "Passer à la validation"] };
const BACK = { vote: ["propositions", "Revenir aux propositions"], validation: ["vote", "Revenir au vote"] };
const FLAG_LABELS = { sans_pilote: "sans pilote", en_retard: "en retard" };

function frDate(iso) {
  if (!iso) return "—";
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

function monthLabel(iso) {
  const [y, m] = iso.split("-").map(Number);
  return new Date(y, m - 1, 1).toLocaleDateString("fr-FR", { month: "long", year: "numeric" });
}

export class View extends ActivityView {
  static type = "feuille_de_route";

  constructor(page) {
    super(page);
    this.mode = "tableau";
    this.editing = null; // action being edited (the form holds its fields)
    this.phaseBar = new PhaseBar("Phases de l'activité", "fdr__steer");
    this.status = h("p", { class: "fdr__status", "aria-live": "polite" });
    this.questions = new QuestionsList({ page, headingLevel: this.level });
    this.form = new ActionForm(this);
    this.modesEl = h("div", { class: "button-row fdr__modes", role: "group", "aria-label": "Affichage" });
    this.table = h("div", { class: "fdr__table" });
    this.timeline = h("div", { class: "fdr__timeline" });
    this.root = h("div", { class: "fdr" }, this.phaseBar.list, this.phaseBar.steer, this.status, this.questions.root,
      this.form.root, this.modesEl, this.table, this.timeline);
  }

  enterStep(_step, state) {
    this.mode = state.view === "chronologie" ? "chronologie" : "tableau";
    this.editing = null;
  }

  draw(step, state) {
    this.names = new Map(state.structures.map((s) => [s.id, s.name]));
    this.renderPhases(state);
    this.questions.render(step, state.questions);
    this.form.render(state);
    this.renderModes();
    this.table.hidden = this.mode !== "tableau";
    this.timeline.hidden = this.mode !== "chronologie";
    const key = JSON.stringify([state.actions, state.tallies, state.my_votes, state.phase, state.questions,
      state.structures, this.ctx, this.mode, state.actions.map((a) => this.groupOf(a))]);
    if (this.viewFor === key) return;
    this.viewFor = key;
    if (this.mode === "tableau") this.renderTable(state);
    else this.renderTimeline(state);
  }

  renderPhases(state) {
    this.phaseBar.render(this, {
      phases: Object.entries(state.labels.phases),
      current: state.phase,
      back: BACK[state.phase],
      next: NEXT[state.phase],
      envelope: "roadmap.phase",
    });
    let text = HELP[state.phase];
    if (state.phase === "vote" && this.role === "participant") {
      const used = Object.values(state.my_votes).reduce((n, w) => n + w, 0);
      const { budget, max_per_card: cap } = state.votes;
      text = `Votes restants : ${Math.max(0, budget - used)} sur ${budget} (${plural(cap, "vote", "votes")} au plus par action).`;
    }
    if (state.phase === "vote" && this.ctx.anim) text = "Vote en cours : les totaux ne sont visibles que par vous.";
    setText(this.status, text);
  }

  renderModes() {
    if (this.modesFor === this.mode) return;
    this.modesFor = this.mode;
    this.modesEl.replaceChildren(this.modeButton("tableau", "Tableau"), this.modeButton("chronologie", "Chronologie"));
  }

  groups(state) {
    const active = state.questions.filter((q) => q.active);
    const known = new Set(active.map((q) => q.id));
    const out = active.map((q) => [`Q${q.number}. ${q.text}`, state.actions.filter((a) => a.question_id === q.id)]);
    const loose = state.actions.filter((a) => !known.has(a.question_id));
    if (loose.length) out.push(["Sans question essentielle", loose]);
    return out;
  }

  /** « Groupe « … » » for a proposal of a sub-group of this step (issue 18), once the viewer
   * sees several groups' work (animateurs, the wall, after the mise en commun). */
  groupOf(a) {
    const group = groupName(this.page.store, a, this.step.id);
    return !group ? "" : /^groupe/i.test(group) ? group : `Groupe « ${group} »`;
  }

  flagsText(a, state) {
    const parts = [state.labels.statuses[a.status].toLowerCase(), ...a.flags.map((f) => FLAG_LABELS[f] || f)];
    return parts.join(", ");
  }

  renderTable(state) {
    const L = `h${this.level}`;
    const showVotes = state.phase !== "propositions" || this.ctx.anim;
    const groups = this.groups(state);
    if (!state.actions.length) {
      this.table.replaceChildren(h("p", { class: "muted", text: "Aucune action pour l'instant." }));
      return;
    }
    this.table.replaceChildren(...groups.map(([title, actions], index) => h("section", { class: "fdr-group", "aria-labelledby": `fdr-g-${index}` },
      h(L, { id: `fdr-g-${index}`, text: title }),
      actions.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table--stack fdr-table" },
        h("caption", { class: "visually-hidden", text: `Actions — ${title}` }),
        h("thead", {}, h("tr", {}, ["Action", "Pilote", "Contributeurs", "Échéance", "État",
          ...(showVotes ? ["Priorité"] : [])].map((c) => h("th", { scope: "col", text: c })))),
        h("tbody", {}, actions.map((a) => this.row(a, state, showVotes)))))
        : h("p", { class: "muted", text: "Aucune action pour cette question." }))));
  }

  row(a, state, showVotes) {
    const total = state.tallies[a.id] || 0;
    const contributors = a.contributeur_ids.map((id) => this.names.get(id) || "?").join(", ") || "—";
    return h("tr", { "data-action-id": a.id, class: a.flags.length ? "fdr-row--flagged" : null },
      h("th", { scope: "row" }, h("span", { class: "fdr-title", text: a.intitule }),
        h("span", { class: "fdr-flags", text: ` (${this.flagsText(a, state)})` }),
        this.groupOf(a) ? h("span", { class: "card__group fdr-group-tag", text: this.groupOf(a) }) : null,
        h("span", { class: "fdr-ind", text: `Indicateur d'effectivité : ${a.indicateurs_effectivite || "—"}` }),
        h("span", { class: "fdr-ind", text: `Indicateur de résultat : ${a.indicateurs_resultat || "—"}` }),
        a.moyens ? h("span", { class: "hint", text: `Moyens : ${a.moyens}` }) : null,
        a.charte_ref ? h("span", { class: "hint", text: `Charte : ${a.charte_ref}` }) : null,
        this.tools(a, state)),
      h("td", { "data-label": "Pilote", text: a.pilote_id ? this.names.get(a.pilote_id) || "?" : "— sans pilote —" }),
      h("td", { "data-label": "Contributeurs", text: contributors }),
      h("td", { "data-label": "Échéance", text: frDate(a.echeance) }),
      h("td", { "data-label": "État" }, this.etatControl(a, state)),
      showVotes ? h("td", { "data-label": "Priorité", text: state.phase === "propositions" && !this.ctx.anim ? "—"
        : `${plural(total, "vote", "votes")}${state.my_votes[a.id] ? ` (dont ${state.my_votes[a.id]} de vous)` : ""}` }) : null);
  }

  etatControl(a, state) {
    const label = state.labels.etats[a.etat];
    if (!(this.ctx.anim && this.ctx.open)) return h("span", { class: `fdr-etat fdr-etat--${a.etat}`, text: label });
    const control = select(`fdr-etat-${a.id}`, Object.entries(state.labels.etats), a.etat,
      { "aria-label": `État de « ${a.intitule} »` });
    control.addEventListener("change", async () => {
      const res = await this.act("etat", { action_id: a.id, version: a.version, etat: control.value },
        { quiet: ["conflict"], ackAs: (r) => [["roadmap.action", { action: r.action }]] });
      if (!res.ok && res.error.code === "conflict") this.conflict(res.error);
    });
    return control;
  }

  tools(a, state) {
    const ctx = this.ctx;
    const me = this.page.store.me && this.page.store.me.id;
    const out = [];
    if (state.phase === "vote" && this.page.role === "participant" && ctx.canWrite) {
      out.push(button("Voter", () => this.vote(a, 1), { "aria-label": `Voter pour « ${a.intitule} »` }));
      if (state.my_votes[a.id]) out.push(button("Retirer", () => this.vote(a, -1), { "aria-label": `Retirer mon vote pour « ${a.intitule} »` }));
    }
    const mine = a.author_id === me && a.status === "proposee" && state.phase === "propositions";
    if (ctx.canWrite && (ctx.anim || mine)) {
      out.push(button("Modifier", () => this.form.edit(a), { "aria-label": `Modifier « ${a.intitule} »` }));
      out.push(button("Supprimer", () => this.act("delete", { action_id: a.id }),
        { cls: "btn btn-small btn-danger", "aria-label": `Supprimer « ${a.intitule} »` }));
    }
    if (ctx.anim && ctx.canWrite && state.phase === "propositions") out.push(...this.mergeTools(a, state));
    if (ctx.anim && ctx.open) {
      const validated = a.status === "validee";
      out.push(button(validated ? "Retirer la validation" : "Valider", () => this.act("validate", { action_id: a.id, validated: !validated },
        { ackAs: (r) => [["roadmap.action", { action: r.action }]] }),
      { cls: validated ? "btn btn-small" : "btn btn-small btn-primary", "aria-label": `${validated ? "Retirer la validation de" : "Valider"} « ${a.intitule} »` }));
    }
    return out.length ? h("div", { class: "button-row fdr-tools" }, out) : null;
  }

  /** Merge a duplicate into another action (the mise en commun of sub-groups, issue 18). */
  mergeTools(a, state) {
    const others = state.actions.filter((x) => x.id !== a.id && x.status !== "validee");
    if (a.status === "validee" || !others.length) return [];
    const into = select(`fdr-merge-${a.id}`, others.map((x) => [String(x.id), short(x.intitule, 40)]), "",
      { "aria-label": `Fusionner dans (doublon « ${a.intitule} »)` });
    return [h("span", { class: "fdr-merge" }, h("label", { for: into.id, text: "Fusionner dans" }), into,
      button("Fusionner", () => this.merge(a, Number(into.value)),
        { "aria-label": `Fusionner « ${a.intitule} » dans l'action choisie (doublon)` }))];
  }

  async merge(a, intoId) {
    const res = await this.act("merge", { action_id: a.id, into_id: intoId }, {
      ackAs: (r) => [["roadmap.action_deleted", { action_id: r.action_id }], ["roadmap.action", { action: r.action }]] });
    if (res.ok) this.page.announcer.say(`« ${a.intitule} » fusionnée dans « ${res.action.intitule} ».`);
  }

  async vote(a, delta) {
    const res = await this.act("vote", { action_id: a.id, delta }, {
      ackAs: (r) => [["roadmap.vote", { step_id: this.step.id, action_id: r.action_id, weight: r.weight, used: r.used }]] });
    if (res.ok) this.page.announcer.say(`Votes restants : ${res.remaining}`);
  }

  conflict(error) {
    const state = this.state;
    if (state && error.action) {
      const i = state.actions.findIndex((x) => x.id === error.action.id);
      if (i >= 0) state.actions[i] = error.action;
    }
    this.page.showError(error.message_fr);
    this.page.schedule();
  }

  renderTimeline(state) {
    const L = `h${this.level}`;
    const dated = state.actions.filter((a) => a.echeance).sort((x, y) => x.echeance.localeCompare(y.echeance));
    const undated = state.actions.filter((a) => !a.echeance);
    const start = state.today;
    const end = dated.length ? dated[dated.length - 1].echeance : start;
    const span = Math.max(1, (Date.parse(end) - Date.parse(start)) / 86400000);
    const strip = h("div", { class: "fdr-strip", "aria-hidden": "true" },
      h("span", { class: "fdr-strip__start", text: `Aujourd'hui (${frDate(start)})` }),
      h("span", { class: "fdr-strip__end", text: frDate(end) }),
      dated.map((a, i) => {
        // a numbered dot with its action's name and date, inside the strip: the label on the
        // side with room (the last deadline's dot is at the right end, its label to its left)
        const ratio = Math.min(1, Math.max(0, (Date.parse(a.echeance) - Date.parse(start)) / 86400000 / span));
        const pct = (ratio * 100).toFixed(2);
        const left = ratio <= 0.55;
        const pin = h("span", { class: `fdr-strip__pin${left ? "" : " fdr-strip__pin--end"}`, title: `${a.intitule} — ${frDate(a.echeance)}` },
          h("span", { class: `fdr-strip__dot fdr-etat--${a.etat}`, text: String(i + 1) }),
          h("span", { class: "fdr-strip__label", text: `${short(a.intitule, 34)} · ${frDate(a.echeance)}` }));
        if (left) pin.style.left = `max(0px, calc(${pct}% - 0.75rem))`;
        else pin.style.right = `max(0px, calc(${(100 - pct).toFixed(2)}% - 0.75rem))`;
        pin.style.top = `${0.5 + (i % 4) * 1.85}rem`;
        return pin;
      }));
    const months = new Map();
    dated.forEach((a, i) => {
      const key = a.echeance.slice(0, 7);
      if (!months.has(key)) months.set(key, []);
      months.get(key).push([a, i + 1]);
    });
    const item = (a, n) => h("li", { class: "fdr-tl__item" },
      n ? h("span", { class: `fdr-tl__n fdr-etat--${a.etat}`, text: String(n), "aria-hidden": "true" }) : null,
      h("strong", { text: a.echeance ? `${frDate(a.echeance)} — ` : "" }), a.intitule,
      h("span", { class: "hint", text: ` (${state.labels.etats[a.etat]} ; pilote : ${a.pilote_id ? this.names.get(a.pilote_id) || "?" : "sans pilote"}${a.question_id ? ` ; ${questionText(state.questions, a.question_id, false)}` : ""}${a.flags.includes("en_retard") ? " ; en retard" : ""})` }));
    this.timeline.replaceChildren(...[
      h(L, { text: "Chronologie des échéances" }),
      dated.length ? strip : null,
      h("p", { class: "hint", text: "La frise reprend la liste ci-dessous, mois par mois ; le tableau donne le détail de chaque action." }),
      ...[...months.entries()].map(([key, list]) => h("section", { class: "fdr-tl__month" },
        h(`h${this.level + 1}`, { text: monthLabel(`${key}-01`) }),
        h("ol", { class: "fdr-tl" }, list.map(([a, n]) => item(a, n))))),
      undated.length ? h("section", { class: "fdr-tl__month" }, h(`h${this.level + 1}`, { text: "Sans échéance" }),
        h("ul", { class: "fdr-tl" }, undated.map((a) => item(a, 0)))) : null,
      state.actions.length ? null : h("p", { class: "muted", text: "Aucune action pour l'instant." }),
    ].filter(Boolean));
  }
}
