// `charte` view: idées (cards per section) → rédaction (clauses from the ideas) →
// amendements (proposals, decisions, quick votes, consolidation into numbered versions with
// a word-level diff) → gel → vote d'adoption. For participants (phone first), the animateur
// (console) and the projection. State: store.activity[step.id] (docs/activities/charte.md).

import { h, plural, setText } from "../ui.js";
import { KeyedList, button, newClientId, personalPrompt, request, select, textArea } from "./common.js";
import { amendForm, amendmentNode, clauseForm, clauseNode, resultNode, votePanel } from "./charte-parts.js";

const HELP = {
  idees: "Proposez des idées pour chaque section de la charte : une idée par carte.",
  redaction: "L'animateur rédige les clauses à partir des idées.",
  amendements: "Relisez la charte et proposez des amendements : nouvelle rédaction et raison.",
  gel: "La version est gelée : plus de modification. Elle va être soumise au vote.",
  vote: "Vote d'adoption de la charte.",
};
const PENDING = new Set(["proposee", "en_vote"]);

let cssLoaded = false;
function loadCss() {
  if (cssLoaded) return;
  cssLoaded = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("../../css/charte.css", import.meta.url).href;
  document.head.append(link);
}

export class View {
  constructor(page) {
    loadCss();
    this.page = page;
    this.role = page.role;
    this.stepId = null;
    this.level = page.root.id === "projection-app" ? 2 : 3;
    this.modes = new Map(); // "clause:12" → edit|amend|remove, "add:objet" → add, …
    this.drafts = new Map(); // same keys → what is typed
    this.selectedCards = new Set(); // animateur: ideas retained for the next clause
    this.showDiff = true;
    this.ideaClientId = newClientId();
    const L = this.level;
    this.phases = h("ol", { class: "phases", "aria-label": "Phases de la charte" });
    this.steer = h("div", { class: "button-row charte__steer" });
    this.status = h("p", { class: "charte__status", "aria-live": "polite" });
    this.versionBar = h("div", { class: "charte__version card-panel" });
    this.ideaForm = this.buildIdeaForm();
    this.ideasList = h("div", { class: "charte-ideas__list" });
    this.ideasTitle = h(`h${L}`, { class: "charte-ideas__title" });
    this.ideas = h("details", { class: "card-panel charte-ideas", open: true },
      h("summary", {}, this.ideasTitle), this.ideasList);
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
    this.root = h("div", { class: "charte" }, this.phases, this.steer, this.status, this.versionBar,
      this.vote, this.ideaForm, this.ideas, this.text, this.amend);
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

  get state() {
    return (this.page.store.activity || {})[this.stepId];
  }

  /** The page shows this step between ateliers, and its deadline has passed. */
  asyncClosed(step) {
    const data = this.page.root.dataset;
    return Number(data.stepId) === step.id && Boolean(data.asyncUntil) && !this.asyncOpen(step);
  }

  /** The page shows this step open for asynchronous contributions, before its deadline
   * (templates/cycle_life/async_board.html: data-step-id, data-async-until). */
  asyncOpen(step) {
    const data = this.page.root.dataset;
    if (Number(data.stepId) !== step.id) return false;
    const until = Date.parse(data.asyncUntil || "");
    if (!Number.isFinite(until)) return false;
    const left = until - Date.now();
    if (left > 0 && left < 2 ** 31 && this.deadlineTimer !== until) {
      // redraw when the deadline passes: the forms disappear
      this.deadlineTimer = until;
      setTimeout(() => this.page.schedule(), left + 50);
    }
    return left > 0;
  }

  newId() {
    return newClientId();
  }

  render(step) {
    if (step.id !== this.stepId) {
      this.stepId = step.id;
      this.modes.clear();
      this.sections.clear();
      this.sectionsEl.replaceChildren();
      this.amendItems.reset();
      this.amendDoneItems.reset();
    }
    this.step = step;
    const state = this.state;
    if (!state) return;
    const atelier = this.page.store.atelier;
    // between ateliers (docs/cycle-life.md): a step open for asynchronous contributions is
    // writable until its deadline whatever the atelier's state, current step or lock
    const asyncOpen = this.asyncOpen(step);
    const open = atelier.state === "en_cours" || asyncOpen;
    const isCurrent = atelier.current_step_id === step.id || asyncOpen;
    const key = `${step.id}:${isCurrent}:${step.anonymous}:${step.results_visible}:${this.page.live.connected}`;
    if (this.shownKey !== key) {
      this.shownKey = key;
      this.refresh(step);
    }
    const cur = state.current;
    const anim = this.role === "animateur";
    const canWrite = anim ? open : this.role === "participant" && open && isCurrent && (asyncOpen || !step.locked);
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
    this.renderVersion(state);
    this.renderVote(state);
    this.renderIdeas(state);
    this.renderText(state);
    this.renderAmendments(state);
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

  async refresh(step) {
    if (!this.page.live.connected) return;
    const res = await this.page.live.emitAck("step_action", { step_id: step.id, action: "refresh", data: {} });
    const store = this.page.store;
    if (res && res.ok && store.activity && res.seq >= store.seq) {
      store.activity[step.id] = res.state;
      this.page.schedule();
    } else if (res && res.ok) {
      setTimeout(() => {
        this.shownKey = null;
        this.page.schedule();
      }, 1000);
    }
  }

  /** The board's generic add-card form: the charte has its own idea form. */
  hideGenericForm() {
    const form = document.getElementById("add-card");
    const text = document.getElementById("card-text");
    if (form && !(text && text.value.trim())) form.hidden = true;
  }

  renderPhases(state) {
    this.phases.replaceChildren(...state.phases.map((p, i) => h("li", {
      class: p.id === state.phase ? "phase phase--current" : "phase",
      "aria-current": p.id === state.phase ? "step" : null,
    }, `${i + 1}. ${p.label}`)));
    this.steer.hidden = !(this.ctx.anim && this.ctx.open);
    if (this.steer.hidden) return;
    const ids = state.phases.map((p) => p.id);
    const i = ids.indexOf(state.phase);
    const go = (target, label, primary) => button(label, () => this.act("phase", { phase: target }, {
      ackAs: (res) => [["charte.phase", { step_id: this.step.id, phase: res.phase }]],
    }), { cls: primary ? "btn btn-primary" : "btn", "data-phase": target });
    const parts = [];
    if (i > 0) parts.push(go(ids[i - 1], `Revenir : ${state.phases[i - 1].label}`, false));
    if (i < ids.length - 1) parts.push(go(ids[i + 1], `Passer à : ${state.phases[i + 1].label}`, true));
    this.steer.replaceChildren(...parts);
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

  renderVersion(state) {
    const cur = state.current;
    const parts = [];
    const L = this.level;
    if (cur) {
      parts.push(h(`h${L}`, { class: "charte__version-title" }, `Charte — version ${cur.number} `,
        h("span", { class: `badge badge--${cur.status}`, text: cur.status_label })));
      if (state.adopted_number && state.adopted_number !== cur.number) {
        parts.push(h("p", { class: "hint", text: `Version adoptée en vigueur : version ${state.adopted_number}.` }));
      }
    } else {
      parts.push(h(`h${L}`, { class: "charte__version-title", text: "Charte — aucune version" }));
    }
    if (this.ctx.anim && this.ctx.open) parts.push(this.versionActions(state));
    if (state.versions.length > 1) {
      parts.push(h("details", { class: "charte__history" }, h("summary", { text: `Versions (${state.versions.length})` }),
        h("ol", {}, state.versions.map((v) => h("li", { text: `Version ${v.number} — ${v.status_label}${v.result && v.result.outcome_label ? ` (${v.result.outcome_label})` : ""}` })))));
    }
    this.versionBar.hidden = !cur && !(this.ctx.anim && this.ctx.open);
    const key = JSON.stringify([cur && [cur.id, cur.status, cur.number, cur.vote_state], state.versions.map((v) => v.status),
      state.amendments.map((a) => a.status), this.ctx.anim, this.ctx.open, state.phase, state.adopted_number]);
    if (this.versionKey === key) return;
    this.versionKey = key;
    this.versionBar.replaceChildren(...parts);
  }

  versionActions(state) {
    const cur = state.current;
    const row = h("div", { class: "button-row" });
    const onVersion = (r) => [["charte.version", { version: r.version, versions: this.mergeVersions(r.version) }]];
    if (!cur) {
      row.append(button("Commencer la version 1", () => this.act("version_start", {}, { ackAs: onVersion }), { cls: "btn btn-primary" }));
      return row;
    }
    if (cur.status === "brouillon") {
      const accepted = state.amendments.filter((a) => a.status === "acceptee").length;
      if (accepted) {
        row.append(button(`Consolider la version ${cur.number + 1} (${plural(accepted, "amendement accepté", "amendements acceptés")})`, async () => {
          const res = await this.act("consolidate", {}, { ackAs: onVersion });
          if (res.ok) this.page.announcer.say(`Version ${res.version.number} consolidée : ${plural(res.integrated, "amendement intégré", "amendements intégrés")}`);
        }, { cls: "btn btn-primary" }));
      }
      row.append(button(`Geler la version ${cur.number}`, async () => {
        const res = await this.act("freeze", {}, { ackAs: onVersion });
        if (res.ok) {
          const aside = res.set_aside ? ` ${plural(res.set_aside, "amendement non examiné écarté", "amendements non examinés écartés")}.` : "";
          this.page.announcer.say(`Version ${cur.number} gelée.${aside}`);
          if (aside) this.page.showError(`Version ${cur.number} gelée.${aside}`);
        }
      }, { cls: accepted ? "btn" : "btn btn-primary" }));
    } else if (cur.status === "gelee" && !cur.vote_state) {
      if (state.phase === "vote") {
        row.append(button(`Ouvrir le vote sur la version ${cur.number}`, () => this.act("phase", { phase: "vote" }),
          { cls: "btn btn-primary" }));
      }
      row.append(button(`Dégeler la version ${cur.number}`, () => this.act("unfreeze", {}, { ackAs: onVersion })));
    } else if (cur.status === "adoptee" || cur.status === "non_adoptee") {
      row.append(button(`Repartir de la version ${cur.number}`, () => this.act("version_start", {}, { ackAs: onVersion })));
    }
    return row;
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

  buildIdeaForm() {
    const { area, counter } = textArea("charte-idea", 500, "", 3);
    this.ideaArea = area;
    this.ideaSection = h("select", { id: "charte-idea-section" });
    this.ideaWarning = h("div", { class: "form-prompt", role: "alert" });
    this.ideaHint = h("p", { class: "hint", id: "charte-idea-section-hint" });
    this.ideaSection.setAttribute("aria-describedby", "charte-idea-section-hint");
    this.ideaSection.addEventListener("change", () => this.showSectionHint());
    const form = h("form", { class: "card-panel charte-idea-form", novalidate: true, hidden: true },
      h("div", { class: "field" }, h("label", { for: "charte-idea-section", text: "Section de la charte" }), this.ideaSection, this.ideaHint),
      h("div", { class: "field" }, h("label", { for: "charte-idea", text: "Votre idée" }), area, counter),
      this.ideaWarning,
      h("button", { type: "submit", class: "btn btn-primary btn-block", text: "Proposer l'idée" }),
      h("p", { class: "rgpd", text: "Pas de nom d'enfant ni de famille : contenu professionnel uniquement" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendIdea(false);
    });
    return form;
  }

  async sendIdea(confirm) {
    const text = this.ideaArea.value.trim();
    if (!text) {
      this.ideaArea.focus();
      return this.page.showError("Écrivez votre idée avant de l'envoyer.");
    }
    const payload = { step_id: this.step.id, client_id: this.ideaClientId, text, column: this.ideaSection.value };
    if (confirm) payload.confirm_personal = true;
    const res = await this.page.live.emitAck("card_add", payload);
    if (!res) return this.page.showError("Le serveur ne répond pas : votre idée est conservée, réessayez.");
    if (res.ok) {
      this.page.store.applyAck("card_add", res);
      this.ideaClientId = newClientId();
      this.ideaArea.value = "";
      this.ideaArea.dispatchEvent(new Event("input"));
      this.ideaWarning.replaceChildren();
      this.page.announcer.say("Idée envoyée");
    } else if (res.error.code === "personal_data") {
      personalPrompt(this.ideaWarning, res.error, () => this.sendIdea(true));
    } else this.page.showError(res.error.message_fr);
    this.page.schedule();
  }

  showSectionHint() {
    const state = this.state;
    const section = state && state.sections.find((s) => s.id === this.ideaSection.value);
    setText(this.ideaHint, section ? section.hint : "");
  }

  renderIdeas(state) {
    const store = this.page.store;
    const cards = store.cardsOf(this.step.id);
    const showForm = this.ctx.canWrite && state.phase === "idees";
    this.ideaForm.hidden = !showForm;
    if (showForm) {
      const key = JSON.stringify(state.sections.map((s) => s.id));
      if (this.ideaOptions !== key) {
        this.ideaOptions = key;
        const value = this.ideaSection.value;
        this.ideaSection.replaceChildren(...select("x", state.sections.map((s) => [s.id, s.label]), value).children);
        this.showSectionHint();
      }
    }
    this.ideas.hidden = !cards.length && state.phase !== "idees";
    this.ideasTitle.textContent = `Idées (${cards.length})`;
    // participants fold the ideas once written; the animateur drafts from them
    const folded = this.ctx.anim ? ["amendements", "gel", "vote"] : ["redaction", "amendements", "gel", "vote"];
    if (folded.includes(state.phase) && this.ideasPhase !== state.phase && !folded.includes(this.ideasPhase)) this.ideas.open = false;
    this.ideasPhase = state.phase;
    const pick = this.ctx.anim && this.ctx.editable;
    const key = JSON.stringify([cards.map((c) => [c.id, c.version, c.text, c.column, c.author && c.author.name, c.face_down]),
      pick, [...this.selectedCards], this.step.anonymous]);
    if (this.ideasKey === key) return;
    this.ideasKey = key;
    const groups = state.sections.map((s) => {
      const mine = cards.filter((c) => c.column === s.id);
      if (!mine.length) return null;
      return h("section", { class: "charte-ideas__group" },
        h(`h${this.level + 1}`, { text: `${s.label} (${mine.length})` }),
        h("ul", { class: "charte-ideas__cards" }, mine.map((c) => this.ideaItem(c, pick))));
    }).filter(Boolean);
    if (!groups.length) groups.push(h("p", { class: "muted", text: "Aucune idée pour l'instant." }));
    if (pick && this.selectedCards.size) {
      groups.unshift(h("p", { class: "notice", text: `${plural(this.selectedCards.size, "idée retenue", "idées retenues")} : ajoutez une clause dans la section voulue, elles y seront liées.` }));
    }
    this.ideasList.replaceChildren(...groups);
  }

  ideaItem(c, pick) {
    const text = c.face_down ? "Carte retournée" : c.masked && !c.text ? "Carte masquée" : c.text;
    const author = c.author && !this.step.anonymous ? ` — ${c.author.name}` : "";
    const li = h("li", { class: "charte-idea", "data-card-id": c.id }, h("span", { text }),
      author ? h("span", { class: "muted", text: author }) : null);
    if (pick && !c.face_down) {
      const id = `idea-pick-${c.id}`;
      const box = h("input", { type: "checkbox", id, checked: this.selectedCards.has(c.id), onChange: () => {
        if (box.checked) this.selectedCards.add(c.id);
        else this.selectedCards.delete(c.id);
        this.page.schedule();
      } });
      li.append(h("span", { class: "check charte-idea__pick" }, box, h("label", { for: id },
        "Retenir", h("span", { class: "visually-hidden", text: ` l'idée « ${text} » pour une clause` }))));
    }
    return li;
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
      ctx.state.my_quick[a.id], this.modes.get(`amendment:${a.id}`) || "", a.author && a.author.name, this.step.anonymous];
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

  setMode(key, mode) {
    if (mode) this.modes.set(key, mode);
    else this.modes.delete(key);
    this.page.schedule();
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

  act(action, data, options = {}) {
    return request(this.page, this.step, action, data, options);
  }
}
