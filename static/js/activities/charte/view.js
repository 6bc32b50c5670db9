// `charte` view: idées (cards per section) → rédaction (clauses from the ideas) →
// amendements (proposals, decisions, quick votes, consolidation into numbered versions with
// a word-level diff) → gel → vote d'adoption. For participants (phone first), the animateur
// (console) and the projection. State: store.activity[step.id] (docs/activities/charte.md).

import { groupName } from "../../groups.js";
import { h, plural, setText } from "../../ui.js";
import { ActivityView } from "../activity-view.js";
import { KeyedList, button, newClientId } from "../common.js";
import { PhaseBar } from "../phases.js";
import { amendmentNode } from "./amendments.js";
import { amendForm, clauseForm, clauseNode } from "./clauses.js";
import { Ideas } from "./ideas.js";
import { VersionBar } from "./version.js";
import { resultNode, votePanel } from "./vote.js";

const HELP = {
  idees: "Proposez des idées pour chaque section de la charte : une idée par carte.",
  redaction: "L'animateur rédige les clauses à partir des idées.",
  amendements: "Relisez la charte et proposez des amendements : nouvelle rédaction et raison.",
  gel: "La version est gelée : plus de modification. Elle va être soumise au vote.",
  vote: "Vote d'adoption de la charte.",
};
const PENDING = new Set(["proposee", "en_vote"]);

export class View extends ActivityView {
  static type = "charte";

  constructor(page) {
    super(page);
    // modes: "clause:12" → edit|amend|remove, "add:objet" → add, …
    this.drafts = new Map(); // same keys as the modes → what is typed
    this.selectedCards = new Set(); // animateur: ideas retained for the next clause
    this.showDiff = true;
    const L = this.level;
    this.phaseBar = new PhaseBar("Phases de la charte", "charte__steer");
    this.status = h("p", { class: "charte__status", "aria-live": "polite" });
    this.versionBar = new VersionBar(this);
    this.ideas = new Ideas(this);
    this.textTitle = h(`h${L}`, { class: "charte-text__title" });
    this.diffToggle = h("div", { class: "charte-text__tools" });
    this.sectionsEl = h("div", { class: "charte-sections" });
    this.text = h("section", { class: "charte-text", "aria-labelledby": "charte-text-title" },
      this.textTitle, this.diffToggle, this.sectionsEl);
    this.textTitle.id = "charte-text-title";
    this.amendTitle = h(`h${L}`, { id: "charte-amend-title" });
    this.amendList = h("ul", { class: "amendment-list" });
    this.amendDone = h("ul", { class: "amendment-list" });
    this.amendDoneBox = h("details", { class: "charte-amend__done" },
      h("summary", { text: "Amendements examinés" }), this.amendDone);
    this.amend = h("section", { class: "charte-amend", "aria-labelledby": "charte-amend-title" },
      this.amendTitle, this.amendList, this.amendDoneBox);
    this.vote = h("div", { class: "charte-vote-box" });
    // a running vote, said at the top with a link to it (on a phone it is far below)
    this.running = h("p", { class: "notice charte__running", role: "status", hidden: true });
    this.root = h("div", { class: "charte" }, this.running, this.phaseBar.list, this.phaseBar.steer, this.status,
      this.versionBar.root, this.vote, this.ideas.form, this.ideas.root, this.text, this.amend);
    this.sections = new Map(); // section id → {el, list, heading, removed, tools}
    const keep = (key) => (item) => ["edit", "amend", "remove", "accept", "reject", "delete"].includes(this.modes.get(`${key}:${item.id}`));
    this.amendItems = new KeyedList(this.amendList, {
      key: (a) => a.id, sig: (a, ctx) => this.amendSig(a, ctx), keep: keep("amendment"),
      build: (a, ctx) => amendmentNode(this, a, ctx),
    });
    this.amendDoneItems = new KeyedList(this.amendDone, {
      key: (a) => a.id, sig: (a, ctx) => this.amendSig(a, ctx), build: (a, ctx) => amendmentNode(this, a, ctx),
    });
    this.keepClause = keep("clause");
  }

  newId() {
    return newClientId();
  }

  enterStep() {
    this.modes.clear();
    this.sections.clear();
    this.sectionsEl.replaceChildren();
    this.amendItems.reset();
    this.amendDoneItems.reset();
  }

  draw(step, state) {
    // between ateliers (docs/cycle-life.md) a step open for asynchronous contributions is
    // open and current until its deadline (ActivityView.rights)
    const { open, current, anim, canWrite } = this.ctx;
    this.refreshOn(`${step.id}:${current}:${step.anonymous}:${step.results_visible}:${this.page.live.connected}`, step);
    const cur = state.current;
    const editable = Boolean(cur && cur.status === "brouillon" && open);
    const numbers = new Map();
    state.sections.forEach((s, i) => {
      let n = 0;
      for (const c of (cur ? cur.clauses : []).filter((x) => x.section === s.id)) numbers.set(c.id, `${i + 1}.${++n}`);
    });
    // a participant's own amendments, pointed to from their clause (the list is far below on
    // a phone)
    const me = this.page.store.me;
    const mineByClause = new Map();
    if (this.role === "participant" && me && cur) {
      for (const a of state.amendments) {
        if (a.author_id !== me.id || a.version_id !== cur.id || !a.clause_id || a.status === "retiree") continue;
        if (!mineByClause.has(a.clause_id)) mineByClause.set(a.clause_id, []);
        mineByClause.get(a.clause_id).push(a);
      }
    }
    this.ctx = {
      state, phase: state.phase, open, anim, canWrite, editable, numbers, mineByClause,
      canAmend: editable && canWrite && (anim ? false : state.phase === "amendements"),
      showDiff: this.showDiff && Boolean(cur && cur.parent_number),
      sectionLabel: (id) => (state.sections.find((s) => s.id === id) || { label: id }).label,
    };
    this.hideGenericForm();
    this.announce(state);
    this.renderPhases(state);
    this.renderStatus(state);
    this.renderRunning(state);
    this.versionBar.render(state, this.ctx);
    this.renderVote(state);
    this.ideas.render(state, this.ctx);
    this.renderText(state);
    this.renderAmendments(state);
  }

  /** « Vote en cours » at the top, with a jump link, for whoever may vote (participants). */
  renderRunning(state) {
    const votes = this.role === "participant" && this.ctx.canWrite
      ? state.amendments.filter((a) => a.status === "en_vote")
      : [];
    const key = votes.map((a) => a.id).join(",");
    if (this.runningFor === key) return;
    this.runningFor = key;
    this.running.hidden = votes.length === 0;
    if (!votes.length) {
      this.running.replaceChildren();
      return;
    }
    const first = votes[0];
    const link = h("a", { href: `#amendment-${first.id}`, text: "Aller au vote" });
    link.addEventListener("click", (event) => {
      const target = document.getElementById(`amendment-${first.id}`);
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
    const what = votes.length > 1 ? `${votes.length} amendements sont` : "Un amendement est";
    this.running.replaceChildren(h("strong", { text: `Vote en cours : ${what} soumis au vote. ` }), link);
  }

  /** Phase changes and results, said to screen-reader users (not on first display). */
  announce(state) {
    const cur = state.current;
    const now = { phase: state.phase, outcome: cur && cur.result && cur.result.outcome_label, status: cur && cur.status };
    const before = this.said;
    this.said = now;
    if (!before || before.step !== this.step.id) {
      this.said.step = this.step.id;
      return;
    }
    this.said.step = this.step.id;
    const phase = state.phases.find((p) => p.id === state.phase);
    if (before.phase !== now.phase && phase) this.page.announcer.say(`Phase de la charte : ${phase.label}`);
    if (now.status === "gelee" && before.status !== "gelee") this.page.announcer.say(`La version ${cur.number} est gelée`);
    if (now.outcome && !before.outcome) this.page.announcer.say(`Vote clos : ${now.outcome}`);
  }

  /** The board's generic add-card form: the charte has its own idea form. */
  hideGenericForm() {
    const form = document.getElementById("add-card");
    const text = document.getElementById("card-text");
    if (form && !(text && text.value.trim())) form.hidden = true;
  }

  renderPhases(state) {
    const i = state.phases.findIndex((p) => p.id === state.phase);
    const before = state.phases[i - 1];
    const after = i < state.phases.length - 1 ? state.phases[i + 1] : null;
    this.phaseBar.render(this, {
      phases: state.phases.map((p) => [p.id, p.label]),
      current: state.phase,
      back: i > 0 ? [before.id, `Revenir : ${before.label}`] : null,
      next: after ? [after.id, `Passer à : ${after.label}`] : null,
      envelope: "charte.phase",
    });
  }

  renderStatus(state) {
    let text = HELP[state.phase];
    const cur = state.current;
    if (cur && cur.status === "gelee" && state.phase !== "vote") text = `La version ${cur.number} est gelée : plus aucune modification ni amendement.`;
    if (cur && cur.status === "brouillon" && state.phase === "gel") text = `L'animateur va geler la version ${cur.number} : relisez-la une dernière fois.`;
    if (cur && state.phase === "vote" && !cur.vote_state) text = cur.status === "gelee" ? "Le vote va s'ouvrir." : `La version ${cur.number} doit d'abord être gelée.`;
    if (state.phase === "amendements" && cur && cur.status !== "brouillon") text = `La version ${cur.number} n'accepte plus d'amendements (${cur.status_label.toLowerCase()}).`;
    if (!cur && state.phase !== "idees") text = "La charte n'a pas encore de version : l'animateur commence la rédaction.";
    if (this.role === "participant" && !this.ctx.canWrite && cur && ["idees", "amendements"].includes(state.phase)) {
      // a closed atelier, another step, or a between-ateliers step past its deadline
      text = this.asyncClosed(this.step)
        ? `La date limite est passée : la version ${cur.number} se lit, sans nouvel amendement.`
        : `Lecture de la version ${cur.number} : les contributions ne sont pas ouvertes en ce moment.`;
    }
    setText(this.status, text);
    // a quick vote is urgent: one tap from the top of a long page; so are, for the
    // animateur, the amendments waiting for a decision (the list is far below on a phone)
    const open = state.amendments.filter((a) => a.status === "en_vote" && (!cur || a.version_id === cur.id));
    const waiting = this.ctx.anim && this.ctx.editable && cur
      ? state.amendments.filter((a) => a.status === "proposee" && a.version_id === cur.id).length : 0;
    if (!this.pendingLink) {
      this.pendingLink = h("p", { class: "charte__pending" });
      this.status.after(this.pendingLink);
    }
    this.pendingLink.hidden = !waiting;
    if (this.pendingCount !== waiting) {
      this.pendingCount = waiting;
      this.pendingLink.replaceChildren(waiting
        ? h("a", { href: "#charte-amend-title", text: `${plural(waiting, "amendement à examiner", "amendements à examiner")} : aller à la liste` })
        : "");
    }
    const key = open.map((a) => a.id).join(",");
    if (this.quickKey !== key) {
      this.quickKey = key;
      if (!this.quickLinks) {
        this.quickLinks = h("p", { class: "notice charte__quick" });
        this.status.after(this.quickLinks);
      }
      this.quickLinks.hidden = !open.length;
      this.quickLinks.replaceChildren(...open.flatMap((a, i) => [i ? " · " : "",
        h("a", { href: `#amendment-${a.id}`, text: `Vote rapide en cours : amendement ${a.id}` })]));
    }
  }

  mergeVersions(v) {
    const list = (this.state.versions || []).filter((x) => x.id !== v.id);
    const { clauses, removed, ...summary } = v;
    return [...list, summary].sort((a, b) => a.number - b.number);
  }

  renderVote(state) {
    const cur = state.current;
    const show = cur && state.vote && (state.phase === "vote" || cur.vote_state === "clos");
    const closed = cur && cur.vote_state === "clos" && cur.result && cur.result.outcome;
    const key = JSON.stringify([show, closed && cur.id, state.vote, this.ctx.canWrite, this.ctx.open, cur && cur.status,
      this.step.results_visible, Boolean(this.confirmClose)]);
    if (this.voteKey === key) return;
    this.voteKey = key;
    if (!show) return this.vote.replaceChildren();
    this.vote.replaceChildren(closed ? resultNode(cur, this.level) : votePanel(this, state, this.ctx, this.level));
  }

  async closeVote() {
    this.confirmClose = false;
    const res = await this.act("vote_close", {}, {
      ackAs: (r) => [["charte.version", { version: r.version, versions: this.mergeVersions(r.version) }]],
    });
    if (res.ok) this.page.announcer.say(`Vote clos : ${res.result.outcome_label}`);
  }

  renderText(state) {
    const cur = state.current;
    this.text.hidden = !cur;
    if (!cur) return;
    this.textTitle.textContent = cur.parent_number ? `Texte de la version ${cur.number} (changements depuis la version ${cur.parent_number})` : `Texte de la version ${cur.number}`;
    if (!this.ctx.showDiff) this.textTitle.textContent = `Texte de la version ${cur.number}`;
    if (cur.parent_number && this.diffFor !== `${cur.id}:${this.showDiff}`) {
      this.diffFor = `${cur.id}:${this.showDiff}`;
      this.diffToggle.replaceChildren(button(this.showDiff ? "Masquer les changements" : `Voir les changements depuis la version ${cur.parent_number}`, () => {
        this.showDiff = !this.showDiff;
        this.page.schedule();
      }, { "aria-pressed": this.showDiff ? "true" : "false" }),
      this.showDiff ? h("p", { class: "hint charte-legend" }, "Légende : ", h("ins", { class: "diff diff--ins", text: "texte ajouté" }), " · ",
        h("del", { class: "diff diff--del", text: "texte supprimé" })) : null);
    }
    if (!cur.parent_number) this.diffToggle.replaceChildren();
    const nodes = state.sections.map((s, i) => this.renderSection(s, i, cur, state));
    this.sectionsEl.replaceChildren(...nodes);
  }

  renderSection(s, index, cur, state) {
    let sec = this.sections.get(s.id);
    if (!sec) {
      const ol = h("ol", { class: "clause-list" });
      sec = {
        heading: h(`h${this.level + 1}`, { class: "charte-section__title" }),
        hint: h("p", { class: "hint" }),
        removed: h("div", {}),
        tools: h("div", { class: "charte-section__tools" }),
        list: null,
      };
      sec.list = new KeyedList(ol, {
        key: (c) => c.id, sig: (c, ctx) => this.clauseSig(c, ctx), keep: this.keepClause,
        build: (c, ctx) => clauseNode(this, c, ctx),
      });
      sec.el = h("section", { class: "charte-section", "data-section": s.id }, sec.heading, sec.hint, ol, sec.removed, sec.tools);
      this.sections.set(s.id, sec);
    }
    const clauses = cur.clauses.filter((c) => c.section === s.id);
    sec.heading.textContent = `${index + 1}. ${s.label}`;
    setText(sec.hint, s.hint);
    sec.list.render(clauses, this.ctx);
    const removed = this.ctx.showDiff ? cur.removed.filter((r) => r.section === s.id) : [];
    const empty = !clauses.length && !removed.length;
    const rkey = JSON.stringify([removed, empty]);
    if (sec.removedKey !== rkey) {
      sec.removedKey = rkey;
      sec.removed.replaceChildren(...removed.map((r) => h("p", { class: "clause clause--removed" },
        h("del", { class: "diff diff--del" }, h("span", { class: "visually-hidden", text: "[clause supprimée : " }), r.text,
          h("span", { class: "visually-hidden", text: "]" })), h("span", { class: "clause__flag", text: " Clause supprimée" }))));
      if (empty) sec.removed.append(h("p", { class: "muted", text: "Pas encore de clause." }));
    }
    const mode = this.modes.get(`add:${s.id}`) || this.modes.get(`propose:${s.id}`);
    const tkey = JSON.stringify([mode, this.ctx.anim && this.ctx.editable, this.ctx.canAmend, this.selectedCards.size]);
    if (sec.toolsKey !== tkey) {
      sec.toolsKey = tkey;
      let tools = [];
      if (this.modes.get(`add:${s.id}`)) tools = [clauseForm(this, this.ctx, { section: s, label: s.label })];
      else if (this.modes.get(`propose:${s.id}`)) tools = [amendForm(this, this.ctx, { section: s, kind: "ajout" })];
      else if (this.ctx.anim && this.ctx.editable) {
        tools = [button("Ajouter une clause", () => this.setMode(`add:${s.id}`, "add"), { "aria-label": `Ajouter une clause : ${s.label}` })];
      } else if (this.ctx.canAmend) {
        tools = [button("Proposer une clause", () => this.setMode(`propose:${s.id}`, "propose"), { "aria-label": `Proposer une clause : ${s.label}` })];
      }
      sec.tools.replaceChildren(...tools);
    }
    // a section nobody can write in any more is not worth a box of « pas encore de clause »
    sec.el.hidden = empty && !sec.tools.childElementCount && !(cur.status === "brouillon" && this.ctx.phase === "redaction");
    return sec.el;
  }

  clauseSig(c, ctx) {
    return [c.version, c.text, c.change, c.position, ctx.numbers.get(c.id), ctx.showDiff, ctx.editable, ctx.canAmend,
      ctx.anim, this.modes.get(`clause:${c.id}`) || "", c.sources.length,
      (ctx.mineByClause.get(c.id) || []).map((a) => [a.id, a.status])];
  }

  amendSig(a, ctx) {
    const clause = a.clause_id && ctx.state.current && ctx.state.current.clauses.find((c) => c.id === a.clause_id);
    return [a.version, a.status, ctx.numbers.get(a.clause_id), clause && clause.text, ctx.editable, ctx.canWrite, ctx.state.quick[a.id],
      ctx.state.my_quick[a.id], this.modes.get(`amendment:${a.id}`) || "", a.author && a.author.name, this.step.anonymous,
      groupName(this.page.store, a, this.step.id)];
  }

  renderAmendments(state) {
    const cur = state.current;
    const list = cur ? state.amendments.filter((a) => a.version_id === cur.id) : [];
    const show = Boolean(cur) && (list.length > 0 || state.phase === "amendements");
    this.amend.hidden = !show;
    if (!show) return;
    const pending = list.filter((a) => PENDING.has(a.status));
    const done = list.filter((a) => !PENDING.has(a.status));
    this.amendTitle.textContent = `Amendements à examiner (${pending.length})`;
    this.amendItems.empty = this.amendItems.empty || h("li", { class: "muted", text: "Aucun amendement en attente." });
    this.amendItems.render(pending, this.ctx);
    this.amendDoneBox.hidden = !done.length;
    this.amendDoneBox.querySelector("summary").textContent = `Amendements examinés (${done.length})`;
    this.amendDoneItems.render(done, this.ctx);
  }

  closeForm(key) {
    this.drafts.delete(key);
    this.setMode(key, null);
  }

  async removeClause(c, number) {
    this.modes.delete(`clause:${c.id}`);
    const res = await this.act("clause_delete", { clause_id: c.id, version: c.version }, {
      ackAs: (r) => [["charte.clause_deleted", { version_id: c.version_id, clause_id: r.clause_id, removed: this.state.current.removed }]],
    });
    if (res.ok) this.page.announcer.say(`Clause ${number} supprimée`);
  }
}
