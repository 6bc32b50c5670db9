// `cartes` activity: a step's cards by column (clusters grouped under their label), dot
// votes, own-card edit/delete for participants, every card for animateurs.
// DOM is reused card by card so focus and open edit forms survive live updates.

import { h, plural, syncChildren } from "../ui.js";
import { confirmRow, editForm } from "./cartes-edit.js";

// kinds of facilitator/privacy.py, for the animateur's and the author's warning
const PRIVACY = {
  email: "adresse électronique",
  phone: "numéro de téléphone",
  nir: "numéro de sécurité sociale",
  address: "adresse postale",
  birth: "date de naissance",
  name_age: "prénom avec un âge",
  named_child: "enfant désigné par son nom",
  named_family: "famille désignée par son nom",
  civility: "personne désignée par son nom",
};

// moderation states of a card its author sees but nobody else does (docs/protocol.md)
const HELD = new Set(["pending", "rejected"]);

/** The animateur's marks on a card (routed into the compte rendu), in display order. */
const MARKS = { decision: "Décision", carry_over: "À reprendre", open_question: "Question ouverte" };

export class CartesBoard {
  /**
   * options: store, live, role ("participant" | "animateur" | "viewer"), onError, onChange,
   * sortByVotes, headingLevel (of column titles; clusters get the next one)
   */
  constructor(root, options) {
    this.root = root;
    this.headingLevel = 3;
    Object.assign(this, options);
    this.drafts = new Map(); // card id → text to put back in its edit form
    this.stepId = null;
    this.columns = new Map(); // column id → {section, count, list, empty}
    this.clusters = new Map(); // column id + label → {item, list}
    this.cardEls = new Map(); // key → {el, sig}
    this.modes = new Map(); // card id → "edit" | "confirm"
    this.seen = new Set();
    this.grid = h("div", { class: "columns" });
    root.append(this.grid);
  }

  render(step) {
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
      this.seen = null; // first render of a step: nothing is "new"
    }
    const ctx = this.context(step);
    this.lastUsed = ctx.used;
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
  }

  context(step) {
    const s = this.store;
    const atelier = s.atelier || {};
    const open = atelier.state === "en_cours";
    const current = atelier.current_step_id === step.id;
    let canWrite = false;
    if (this.role === "participant") canWrite = open && current && !step.locked;
    if (this.role === "animateur") canWrite = open;
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
        nodes.push(this.clusterNode(col.id, label, usedClusters));
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

  clusterNode(columnId, label, usedClusters) {
    const key = columnId + "\u0000" + label;
    usedClusters.add(key);
    let entry = this.clusters.get(key);
    if (!entry) {
      const count = h("span", { class: "cluster__count" });
      const list = h("ul", { class: "cards cards--cluster" });
      const item = h(
        "li",
        { class: "cluster" },
        h(`h${this.headingLevel + 1}`, { class: "cluster__label" }, label, " ", count),
        list,
      );
      entry = { item, list, count };
      this.clusters.set(key, entry);
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
    const el = this.buildCard(card, ctx, { mode, items, tally, mine, weight });
    if (this.seen && !this.seen.has(key)) el.classList.add("card--new");
    this.cardEls.set(key, { el, sig, mode });
    return el;
  }

  buildCard(card, ctx, { mode, items, tally, mine, weight }) {
    const textId = card.pendingAdd ? null : `card-${card.id}-text`;
    const edit = items.filter((i) => i.event === "card_edit").pop();
    const deleting = items.some((i) => i.event === "card_delete");
    const classes = ["card"];
    if (mine) classes.push("card--mine");
    if (card.by_animateur) classes.push("card--animateur");
    const hidden = card.face_down || (card.masked && card.text == null);
    if (card.face_down) classes.push("card--face-down");
    if (card.masked) classes.push("card--masked");
    if (card.privacy && card.privacy.length) classes.push("card--privacy");
    if (card.pendingAdd || items.length) classes.push("card--pending");
    const held = HELD.has(card.moderation);
    if (held) classes.push("card--held");
    const el = h("li", {
      class: classes.join(" "),
      "data-card-id": card.pendingAdd ? null : card.id,
      "data-client-id": card.pendingAdd ? card.client_id : null,
    });
    if (card.face_down) {
      el.append(h("p", { class: "card__text", id: textId, text: "Carte retournée" }));
    } else if (hidden) {
      el.append(h("p", { class: "card__text", id: textId, text: "Carte masquée par l'animateur" }));
    } else {
      const text = edit && edit.payload.text != null ? edit.payload.text : card.text;
      el.append(h("p", { class: "card__text", id: textId, text }));
    }
    const meta = this.metaText(card, mine);
    if (meta) el.append(h("p", { class: "card__meta", text: meta }));
    if (card.masked && !hidden) {
      const who = this.role === "animateur" ? "Masquée pour les participants" : "Masquée par l'animateur";
      el.append(h("p", { class: "card__flag", text: who }));
    }
    if (card.moderation === "pending") {
      el.append(h("p", { class: "card__flag card__flag--held", text: "En attente de validation" }));
    } else if (card.moderation === "rejected") {
      const why = card.moderation_reason ? ` : ${card.moderation_reason}` : "";
      el.append(h("p", { class: "card__flag card__flag--warn", text: `Refusée par l'animateur${why}. Modifiez-la pour la proposer à nouveau.` }));
    }
    const marks = (card.marks || []).filter((m) => MARKS[m]);
    if (marks.length && !hidden) {
      el.append(h("p", { class: "card__marks" },
        ...marks.map((m) => h("span", { class: `card__mark card__mark--${m}`, text: MARKS[m] }))));
    }
    if (card.privacy && card.privacy.length) {
      const kinds = card.privacy.map((k) => PRIVACY[k] || k).join(", ");
      el.append(h("p", { class: "card__flag card__flag--warn", text: `Données personnelles possibles : ${kinds}` }));
    }
    if (card.pendingAdd || items.length) {
      const what = deleting ? `Suppression : ${ctx.waiting.toLowerCase()}` : ctx.waiting;
      el.append(h("p", { class: "card__pending", text: what }));
    }
    if (card.pendingAdd) return el;
    if (ctx.showTotals && !held) {
      el.append(h("p", { class: "card__tally", text: plural(tally, "vote", "votes") }));
    }
    if (ctx.canVote && !hidden && !deleting && !held) el.append(this.voteRow(card, ctx, weight, textId));
    const editable = ctx.canWrite && !deleting && (this.role === "animateur" || mine);
    if (!editable) {
      if (this.role === "animateur" && !deleting) {
        el.append(h("div", { class: "card__actions" }, this.maskButton(card, textId), ...this.markButtons(card, textId, hidden)));
      }
      return el;
    }
    if (mode === "edit") el.append(editForm(this, card, ctx, edit));
    else if (mode === "confirm") el.append(confirmRow(this, card, textId));
    else {
      el.append(
        h(
          "div",
          { class: "card__actions" },
          h("button", { type: "button", class: "btn btn-small", "data-action": "edit",
            "aria-describedby": textId, text: "Modifier", onClick: () => this.setMode(card.id, "edit") }),
          this.role === "animateur" ? this.maskButton(card, textId) : null,
          h("button", { type: "button", class: "btn btn-small btn-danger-outline", "data-action": "delete",
            "aria-describedby": textId, text: "Supprimer", onClick: () => this.setMode(card.id, "confirm") }),
        ),
      );
      if (this.role === "animateur") el.append(h("div", { class: "card__actions" }, ...this.markButtons(card, textId, hidden)));
    }
    return el;
  }

  /** Toggle buttons for the animateur's marks (aria-pressed tells the state). */
  markButtons(card, textId, hidden) {
    if (hidden || card.deleted) return [];
    const marks = new Set(card.marks || []);
    return Object.entries(MARKS).map(([mark, label]) =>
      h("button", { type: "button", class: "btn btn-small btn-mark", "data-action": "mark", "data-mark": mark,
        "aria-pressed": String(marks.has(mark)), "aria-describedby": textId, text: label,
        onClick: () => this.live.request("card_mark", { card_id: card.id, mark, on: !marks.has(mark) }) }));
  }

  maskButton(card, textId) {
    return h("button", { type: "button", class: "btn btn-small", "data-action": "mask",
      "aria-describedby": textId, text: card.masked ? "Démasquer" : "Masquer",
      onClick: () => this.live.request("card_mask", { card_id: card.id, masked: !card.masked }) });
  }

  /** Reopen a card's edit form with `text` (after a personal-data refusal). */
  editAgain(cardId, text) {
    if (text != null) this.drafts.set(cardId, text);
    this.setMode(cardId, "edit");
  }

  metaText(card, mine) {
    if (mine) return "Votre carte";
    if (card.by_animateur) return this.role === "animateur" ? "Animateur" : "";
    if (!card.author) return "";
    return card.author.structure ? `${card.author.name} (${card.author.structure})` : card.author.name;
  }

  voteRow(card, ctx, weight, textId) {
    const { budget, max_per_card: cap } = ctx.votes;
    const canAdd = ctx.used < budget && weight < cap;
    const plus = h("button", { type: "button", class: "btn btn-vote", "data-action": "vote",
      "aria-describedby": textId, "aria-disabled": canAdd ? null : "true",
      onClick: () => this.vote(card, 1, ctx, weight) },
    h("span", { "aria-hidden": "true", text: "+ " }), "Voter");
    const minus = h("button", { type: "button", class: "btn btn-vote", "data-action": "unvote",
      "aria-describedby": textId, "aria-disabled": weight > 0 ? null : "true",
      onClick: () => this.vote(card, -1, ctx, weight) },
    h("span", { "aria-hidden": "true", text: "− " }), "Retirer");
    const mineText = h("span", { class: "card__myvotes", text: `Mes votes : ${weight}` });
    return h("div", { class: "card__votes" }, minus, mineText, plus);
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
