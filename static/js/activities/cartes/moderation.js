// Moderation queue of the animateur's console, for a `cartes` step with `moderation: true`
// (docs/protocol.md, "Moderation"): the participants' held cards, oldest first, to accept
// or to refuse with a reason the author reads; refused cards can still be accepted.
// Elements are reused card by card so a reason being typed survives live updates.

import { h, plural, syncChildren } from "../../ui.js";

const MAX_REASON = 200;

export class ModerationQueue {
  /** options: store, live, onChange (redraw now), onError */
  constructor(root, options) {
    this.root = root;
    Object.assign(this, options);
    this.items = new Map(); // card id → {el, sig}
    this.refusing = new Set(); // card ids whose reason form is open
    this.count = h("span", { class: "moderation__count" });
    this.heading = h("h2", { id: "moderation-title", tabindex: "-1" }, "À valider ", this.count);
    // every waiting card at once (docs/protocol.md, bulk actions: one live change)
    this.acceptAll = h("button", { type: "button", class: "btn btn-small", "data-action": "accept-all",
      hidden: true, onClick: () => this.acceptEverything() });
    this.list = h("ol", { class: "moderation__list" });
    this.empty = h("p", {
      class: "moderation__empty",
      text: "Aucune carte en attente. Les nouvelles cartes des participants arrivent ici ; " +
        "elles n'apparaissent au tableau qu'une fois acceptées.",
    });
    this.rejectedCount = h("span");
    this.rejectedList = h("ul", { class: "moderation__list" });
    this.rejected = h("details", { class: "moderation__rejected" },
      h("summary", {}, this.rejectedCount), this.rejectedList);
    root.append(this.heading, h("div", { class: "button-row" }, this.acceptAll), this.list, this.empty,
      this.rejected);
  }

  render(step) {
    const show = Boolean(step && step.moderation);
    this.root.hidden = !show;
    if (!show) return;
    const cards = this.store.cardsOf(step.id);
    const pending = cards.filter((c) => c.moderation === "pending").sort((a, b) => a.id - b.id);
    const refused = cards.filter((c) => c.moderation === "rejected");
    this.count.textContent = `(${plural(pending.length, "carte", "cartes")})`;
    this.stepId = step.id;
    this.acceptAll.hidden = pending.length < 2;
    this.acceptAll.textContent = `Tout accepter (${plural(pending.length, "carte", "cartes")})`;
    const used = new Set();
    syncChildren(this.list, pending.map((c) => this.item(c, step, used)));
    this.empty.hidden = pending.length > 0;
    this.rejected.hidden = refused.length === 0;
    this.rejectedCount.textContent = `Cartes refusées (${refused.length})`;
    syncChildren(this.rejectedList, refused.map((c) => this.item(c, step, used)));
    for (const id of [...this.items.keys()]) if (!used.has(id)) this.items.delete(id);
    for (const id of [...this.refusing]) if (!used.has(id)) this.refusing.delete(id);
  }

  item(card, step, used) {
    used.add(card.id);
    const refusing = this.refusing.has(card.id);
    const sig = JSON.stringify([card.version, card.moderation, card.moderation_reason, refusing]);
    const entry = this.items.get(card.id);
    if (entry && entry.sig === sig) return entry.el;
    const textId = `mod-${card.id}-text`;
    const who = card.author
      ? card.author.structure ? `${card.author.name} (${card.author.structure})` : card.author.name
      : "Anonyme";
    const column = step.columns.length > 1 ? step.columns.find((c) => c.id === card.column) : null;
    const el = h("li", { class: "moderation__item card", "data-card-id": card.id },
      h("p", { class: "card__text", id: textId, text: card.text }),
      h("p", { class: "card__meta", text: column ? `${who} · ${column.label}` : who }),
      card.privacy && card.privacy.length
        ? h("p", { class: "card__flag card__flag--warn", text: "Données personnelles possibles" })
        : null,
      card.moderation === "rejected"
        ? h("p", { class: "card__flag", text: card.moderation_reason ? `Motif : ${card.moderation_reason}` : "Refusée sans motif" })
        : null,
      refusing ? this.refuseForm(card, textId) : this.buttons(card, textId));
    this.items.set(card.id, { el, sig });
    return el;
  }

  buttons(card, textId) {
    const accept = h("button", { type: "button", class: "btn btn-primary btn-small", "data-action": "accept",
      "aria-describedby": textId, text: "Accepter", onClick: () => this.decide(card, "card_accept", {}) });
    if (card.moderation === "rejected") return h("div", { class: "button-row" }, accept);
    const refuse = h("button", { type: "button", class: "btn btn-small btn-danger-outline", "data-action": "refuse",
      "aria-describedby": textId, text: "Refuser…", onClick: () => this.toggle(card.id, true) });
    return h("div", { class: "button-row" }, accept, refuse);
  }

  refuseForm(card, textId) {
    const id = `mod-${card.id}-reason`;
    const input = h("input", { id, type: "text", maxlength: String(MAX_REASON), "aria-describedby": textId });
    const form = h("form", { class: "moderation__refuse", novalidate: true },
      h("label", { for: id, text: "Motif du refus (facultatif, lu par l'auteur)" }), input,
      h("div", { class: "button-row" },
        h("button", { type: "submit", class: "btn btn-danger btn-small", text: "Confirmer le refus" }),
        h("button", { type: "button", class: "btn btn-small", text: "Annuler",
          onClick: () => this.toggle(card.id, false) })));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.decide(card, "card_reject", { reason: input.value.trim() });
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.toggle(card.id, false);
    });
    requestAnimationFrame(() => input.focus());
    return form;
  }

  toggle(cardId, open) {
    if (open) this.refusing.add(cardId);
    else this.refusing.delete(cardId);
    this.onChange();
    if (!open) this.focus(cardId, "refuse");
  }

  async decide(card, event, extra) {
    const next = this.neighbour(card.id);
    const res = await this.live.request(event, { card_id: card.id, version: card.version, ...extra });
    if (!res.ok) return;
    this.store.putCard(res.card, true); // the event may come after the ack
    this.refusing.delete(card.id);
    this.onChange();
    // the card left the list: keep the keyboard user in the queue
    if (!this.focus(next, "accept")) this.heading.focus();
  }

  async acceptEverything() {
    const res = await this.live.request("card_accept_all", { step_id: this.stepId });
    if (!res.ok) return;
    this.onChange();
    this.heading.focus(); // the button is gone with the queue
  }

  neighbour(cardId) {
    const el = this.list.querySelector(`[data-card-id="${cardId}"]`);
    const other = el && (el.nextElementSibling || el.previousElementSibling);
    return other ? Number(other.dataset.cardId) : null;
  }

  focus(cardId, action) {
    if (cardId == null) return false;
    const target = this.root.querySelector(`[data-card-id="${cardId}"] [data-action="${action}"]`);
    if (target) target.focus();
    return Boolean(target);
  }
}
