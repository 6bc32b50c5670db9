// `cartes` activity: a step's cards by column (clusters grouped under their label), dot
// votes, own-card edit/delete for participants, every card for animateurs. The default view:
// steps of a type without its own are drawn by this board too (registry.js).
// DOM is reused card by card so focus and open edit forms survive live updates; a card whose
// content changed is drawn anew, its focus put back and a Space press on it kept (press.js).

import { h, plural, syncChildren } from "../../ui.js";
import { ActivityView } from "../activity-view.js";
import { enableDrag, groupTools } from "./arrange.js";
import { renderCanvas } from "./canvas.js";
import { HELD, cardElement } from "./card.js";
import { keepSpacePresses } from "./press.js";

let clusterIds = 0; // ids of the groups' headings (their buttons are described by them)

export class CartesBoard extends ActivityView {
  static type = "cartes";
  static shared = []; // drawn on every live page: its stylesheet is linked by templates/base.html

  /**
   * root: the board's element (#board); options: sortByVotes, headingLevel (of column titles;
   * clusters get the next one).
   */
  constructor(page, root, options = {}) {
    super(page);
    this.root = root;
    this.store = page.store;
    this.live = page.live;
    this.onError = page.showError;
    this.onChange = page.draw; // redraw now (focus follows)
    this.headingLevel = 3;
    Object.assign(this, options);
    this.drafts = new Map(); // card id → text to put back in its edit form
    this.columns = new Map(); // column id → {section, count, list, empty}
    this.clusters = new Map(); // column id + label → {item, list}
    this.cardEls = new Map(); // key → {el, sig}
    // modes: card id → "edit" | "confirm"
    this.seen = new Set();
    this.grid = h("div", { class: "columns" });
    root.append(this.grid);
    keepSpacePresses(root); // a Space press survives a redraw of its card (press.js)
  }

  render(step) {
    if (this.dragging) return; // a card is in the animateur's hand: redrawn when dropped
    const focus = this.focusInfo();
    this.lastUsed = 0;
    if (!step) {
      this.grid.replaceChildren();
      this.stepId = null;
      return;
    }
    if (step.id !== this.stepId) {
      this.stepId = step.id;
      this.columns.clear();
      this.clusters.clear();
      this.cardEls.clear();
      this.canvas = null;
      this.seen = null; // first render of a step: nothing is "new"
    }
    const ctx = this.context(step);
    this.lastUsed = ctx.used;
    // a phone shows a canvas step's cards as the usual list (the wall and the console show
    // the board; a 16:9 board 390 px wide cannot be read)
    const phone = this.role === "participant" && window.matchMedia("(max-width: 47.99rem)").matches;
    if (step.layout === "canvas" && !phone) return this.renderFree(step, ctx, focus);
    const columns = step.columns.length ? step.columns : [{ id: "", label: "Cartes", hint: "" }];
    const byColumn = new Map(columns.map((c) => [c.id, []]));
    for (const card of this.store.cardsOf(step.id)) {
      // animateurs decide on held and refused cards in the moderation queue
      if (this.role === "animateur" && HELD.has(card.moderation)) continue;
      (byColumn.get(card.column) || byColumn.get(columns[0].id)).push(card);
    }
    for (const item of ctx.pendingAdds) {
      const p = item.payload;
      (byColumn.get(p.column) || byColumn.get(columns[0].id)).push({ pendingAdd: true, ...p });
    }
    const used = new Set();
    const usedClusters = new Set();
    ctx.emptyText = this.emptyText(step, ctx);
    const sections = columns.map((col, i) =>
      this.renderColumn(col, byColumn.get(col.id), ctx, used, usedClusters, columns.length === 1, i),
    );
    syncChildren(this.grid, sections);
    for (const key of [...this.cardEls.keys()]) if (!used.has(key)) this.cardEls.delete(key);
    for (const key of [...this.clusters.keys()]) if (!usedClusters.has(key)) this.clusters.delete(key);
    this.seen = used;
    this.restoreFocus(focus);
    if (this.arrangeable(ctx)) enableDrag(this);
  }

  /** A canvas step (canvas.js): every card on one free board. */
  renderFree(step, ctx, focus) {
    const cards = this.store.cardsOf(step.id)
      .filter((card) => !(this.role === "animateur" && HELD.has(card.moderation)));
    for (const item of ctx.pendingAdds) cards.push({ pendingAdd: true, ...item.payload });
    const used = new Set();
    syncChildren(this.grid, [renderCanvas(this, step, ctx, cards, used)]);
    for (const key of [...this.cardEls.keys()]) if (!used.has(key)) this.cardEls.delete(key);
    this.seen = used;
    this.restoreFocus(focus);
  }

  /** The animateur arranges the board (drag and drop, menus): while the atelier is open. */
  arrangeable(ctx) {
    return this.role === "animateur" && !this.projection && ctx.canWrite;
  }

  context(step) {
    const s = this.store;
    const canWrite = this.canWrite(step);
    const pending = this.live ? this.live.pending() : [];
    const byCard = new Map();
    const pendingAdds = [];
    let pendingVotes = 0;
    for (const item of pending) {
      const p = item.payload;
      if (item.event === "card_add") {
        if (p.step_id === step.id && !s.hasClientId(p.client_id)) pendingAdds.push(item);
        continue;
      }
      if (!byCard.has(p.card_id)) byCard.set(p.card_id, []);
      byCard.get(p.card_id).push(item);
      const card = s.cards.get(p.card_id);
      if (item.event === "vote" && card && card.step_id === step.id) pendingVotes += p.delta;
    }
    const votes = step.votes;
    return {
      step,
      canWrite,
      votes,
      canVote: Boolean(this.role === "participant" && votes && canWrite),
      used: votes ? s.usedVotes(step.id) + pendingVotes : 0,
      showTotals: Boolean(votes && (this.role === "animateur" || step.results_visible)),
      byCard,
      pendingAdds,
      waiting: this.live && this.live.connected ? "Envoi…" : "En attente d'envoi",
      columns: step.columns,
    };
  }

  /** Empty state: what to do next, for this role (said once, in the first column). */
  emptyText(step, ctx) {
    if (this.role === "participant" && ctx.canWrite) return "Aucune carte pour l'instant : écrivez la première avec le formulaire ci-dessus.";
    if (this.role === "animateur" && step.moderation) return "Aucune carte affichée : acceptez les cartes à valider pour les montrer à tous.";
    if (this.role === "animateur") return "Aucune carte pour l'instant : les contributions des participants apparaîtront ici.";
    if (this.role === "viewer") return "Aucune carte pour l'instant : elles apparaîtront ici au fil des contributions.";
    return "Aucune carte pour l'instant.";
  }

  renderColumn(col, cards, ctx, used, usedClusters, single, index = 0) {
    let c = this.columns.get(col.id);
    if (!c) {
      const count = h("span", { class: "column__count" });
      const title = h(`h${this.headingLevel}`, { class: "column__title", tabindex: "-1" }, col.label, " ", count);
      c = {
        title,
        count,
        list: h("ul", { class: "cards" }),
        empty: h("li", { class: "cards__empty", text: "Aucune carte pour l'instant." }),
      };
      c.section = h(
        "section",
        { class: "column", "data-column": col.id },
        title,
        col.hint ? h("p", { class: "column__hint", text: col.hint }) : null,
        c.list,
      );
      this.columns.set(col.id, c);
    }
    c.section.classList.toggle("column--single", single);
    c.empty.textContent = index === 0 ? ctx.emptyText : "Aucune carte pour l'instant.";
    c.count.textContent = `(${plural(cards.length, "carte", "cartes")})`;
    if (this.sortByVotes && ctx.showTotals) {
      const total = (card) => this.store.tallies.get(card.id) || 0;
      cards = [...cards].sort((a, b) => total(b) - total(a));
    }
    const nodes = [];
    const groups = new Map();
    for (const card of cards) {
      const node = this.cardNode(card, ctx, used);
      const label = card.pendingAdd ? null : card.cluster;
      if (!label) {
        nodes.push(node);
        continue;
      }
      if (!groups.has(label)) {
        groups.set(label, []);
        nodes.push(this.clusterNode(col.id, label, usedClusters, ctx));
      }
      groups.get(label).push(node);
    }
    for (const [label, members] of groups) {
      const entry = this.clusters.get(col.id + "\u0000" + label);
      entry.count.textContent = `(${members.length})`;
      syncChildren(entry.list, members);
    }
    syncChildren(c.list, nodes.length ? nodes : [c.empty]);
    return c.section;
  }

  clusterNode(columnId, label, usedClusters, ctx) {
    const key = columnId + "\u0000" + label;
    usedClusters.add(key);
    let entry = this.clusters.get(key);
    if (!entry) {
      const count = h("span", { class: "cluster__count" });
      const list = h("ul", { class: "cards cards--cluster" });
      clusterIds += 1;
      const labelId = `cluster-label-${clusterIds}`;
      const head = h("div", { class: "cluster__head" },
        h(`h${this.headingLevel + 1}`, { class: "cluster__label", id: labelId }, label, " ", count));
      const item = h("li", { class: "cluster", "data-cluster": label }, head, list);
      entry = { item, list, count, head, labelId, tools: null, toolsMode: undefined };
      this.clusters.set(key, entry);
    }
    // the animateur renames or undoes a group (arrange.js)
    const mode = this.arrangeable(ctx) ? this.modes.get(`group:${key}`) || "" : null;
    if (entry.toolsMode !== mode) {
      entry.toolsMode = mode;
      if (entry.tools) entry.tools.remove();
      entry.tools = mode === null ? null : groupTools(this, entry, columnId, label, mode === "rename");
      if (entry.tools) entry.head.append(entry.tools);
    }
    return entry.item;
  }

  cardNode(card, ctx, used) {
    const key = card.pendingAdd ? "p:" + card.client_id : "c:" + card.id;
    used.add(key);
    const mode = card.pendingAdd ? null : this.modes.get(card.id) || null;
    const items = card.pendingAdd ? [] : ctx.byCard.get(card.id) || [];
    const tally = this.store.tallies.get(card.id) || 0;
    const mine = this.store.isMine(card);
    const weight = (this.store.myVotes.get(card.id) || 0) + sumVotes(items);
    const sig = JSON.stringify([
      card.version, card.text, card.column, card.cluster, card.face_down, card.author, card.masked,
      card.moderation, card.moderation_reason, (card.marks || []).join(),
      mode, items.map((i) => i.event + (i.payload.text || "")), ctx.waiting, ctx.canWrite,
      ctx.canVote, ctx.showTotals, tally, weight, ctx.used, mine,
    ]);
    const entry = this.cardEls.get(key);
    if (entry && (entry.sig === sig || (mode === "edit" && entry.mode === "edit"))) return entry.el;
    const el = cardElement(this, card, ctx, { mode, items, tally, mine, weight });
    if (this.seen && !this.seen.has(key)) el.classList.add("card--new");
    this.cardEls.set(key, { el, sig, mode });
    return el;
  }

  /** Reopen a card's edit form with `text` (after a personal-data refusal). */
  editAgain(cardId, text) {
    if (text != null) this.drafts.set(cardId, text);
    this.setMode(cardId, "edit");
  }

  vote(card, delta, ctx, weight) {
    const { budget, max_per_card: cap } = ctx.votes;
    if (delta === 1 && ctx.used >= budget) {
      this.onError(`Vous avez utilisé tous vos votes (${budget}).`);
      return;
    }
    if (delta === 1 && weight >= cap) {
      this.onError(`Pas plus de ${plural(cap, "vote", "votes")} sur une même carte.`);
      return;
    }
    if (delta === -1 && weight <= 0) return;
    const expect = weight + delta; // the server answers `unchanged` to a retry already counted
    this.live.enqueue("vote", { card_id: card.id, delta, expect }, { expect });
  }

  /** Change a card's local mode; `back` is the action button to focus afterwards. */
  setMode(cardId, mode, back = null) {
    if (mode) this.modes.set(cardId, mode);
    else this.modes.delete(cardId);
    this.onChange();
    if (back) {
      const el = this.root.querySelector(`[data-card-id="${cardId}"] [data-action="${back}"]`);
      if (el) el.focus();
    }
  }

  focusInfo() {
    const el = document.activeElement;
    if (!el || !this.root.contains(el)) return null;
    const card = el.closest("[data-card-id]");
    return { el, card: card && card.dataset.cardId, action: el.dataset.action };
  }

  restoreFocus(info) {
    if (!info || info.el.isConnected) return;
    if (info.card && info.action) {
      const target = this.root.querySelector(`[data-card-id="${info.card}"] [data-action="${info.action}"]`);
      if (target) target.focus();
    }
  }
}

function sumVotes(items) {
  return items.reduce((n, i) => n + (i.event === "vote" ? i.payload.delta : 0), 0);
}

export { CartesBoard as View };
