// The animateur arranges the board of a `cartes` step (docs/protocol.md, « Déplacer et
// regrouper »): each move is one `move` action (`step_action`), answered with the changed
// cards. By drag and drop (SortableJS, static/vendor/sortablejs/, loaded on first use):
// between two cards reorders, into another column moves, into a group joins it, on the
// middle of a card groups the two. The same moves from the keyboard: the card's menu
// (menu.js), and the group's own buttons (rename, ungroup).

import { h } from "../../ui.js";
import { request } from "../common.js";

let sortable = null; // the SortableJS class, once loaded
const lists = new WeakSet(); // the <ul> already made sortable

/** Send one move (`data`: the `move` payload); keep the focus on the card's menu. */
export async function arrange(board, data, focusCard = null) {
  const step = board.store.steps.get(board.stepId);
  if (!step) return null;
  const res = await request(board.page, step, "move", data, { ackAs: (r) => [["cards.arranged", { cards: r.cards }]] });
  if (res.ok && !res.unchanged) board.page.announcer.say(res.cards.length > 1 ? "Cartes regroupées" : "Carte déplacée");
  if (focusCard) {
    requestAnimationFrame(() => {
      const again = board.root.querySelector(`[data-card-id="${focusCard.id}"] [data-action="menu"]`);
      if (again) again.focus();
    });
  }
  return res;
}

/** Rename a group of a column (`newLabel` null: ungroup its cards). */
export function renameGroup(board, column, label, newLabel) {
  const step = board.store.steps.get(board.stepId);
  return request(board.page, step, "rename_group", { column, label, new_label: newLabel },
    { ackAs: (r) => [["cards.arranged", { cards: r.cards }]] });
}

/** The group's buttons (animateur): rename it, or undo it. */
export function groupTools(board, entry, column, label, renaming) {
  const key = `group:${column}\u0000${label}`;
  const labelId = entry.labelId;
  if (!renaming) {
    return h("div", { class: "cluster__tools" },
      h("button", { type: "button", class: "btn btn-small", "data-action": "rename-group", "aria-describedby": labelId,
        text: "Renommer", onClick: () => board.setMode(key, "rename") }),
      h("button", { type: "button", class: "btn btn-small", "data-action": "ungroup", "aria-describedby": labelId,
        text: "Dégrouper", onClick: () => renameGroup(board, column, label, null) }));
  }
  const inputId = `rename-${labelId}`;
  const input = h("input", { id: inputId, type: "text", maxlength: "120", required: true, value: label });
  const form = h("form", { class: "cluster__rename", novalidate: true },
    h("label", { for: inputId, text: "Nouveau nom du groupe" }), input,
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "btn btn-small btn-primary", text: "Renommer" }),
      h("button", { type: "button", class: "btn btn-small", text: "Annuler", onClick: () => board.setMode(key, null) })));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!name) return board.onError("Donnez un nom au groupe (ou choisissez « Dégrouper »).");
    board.setMode(key, null);
    renameGroup(board, column, label, name);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      board.setMode(key, null);
    }
  });
  requestAnimationFrame(() => {
    if (board.modes.get(key) === "rename" && !form.contains(document.activeElement)) input.select();
  });
  return form;
}

// --- drag and drop --------------------------------------------------------------------------

/** Make every card list of the board draggable (call after each render). */
export function enableDrag(board) {
  const todo = [...board.root.querySelectorAll("ul.cards")].filter((list) => !lists.has(list));
  if (!todo.length) return;
  if (!sortable) {
    sortable = import("../../../vendor/sortablejs/sortable.esm.js").then((m) => m.default);
  }
  sortable.then((Sortable) => {
    for (const list of todo) {
      if (lists.has(list)) continue;
      lists.add(list);
      Sortable.create(list, options(board));
    }
  });
}

/** Where a pointer is: the middle of a card (to group with it) or not. */
function dropTarget(item, event) {
  const point = event && event.touches && event.touches[0] ? event.touches[0] : event;
  if (!point || point.clientX == null) return null;
  const el = document.elementFromPoint(point.clientX, point.clientY);
  const card = el && el.closest("[data-card-id]");
  if (!card || card === item || !card.closest("#board")) return null;
  const box = card.getBoundingClientRect();
  const y = (point.clientY - box.top) / box.height;
  return y > 0.25 && y < 0.75 ? card : null;
}

function options(board) {
  let target = null; // the card under the pointer's middle zone: a drop there groups
  let item = null;
  let last = null;
  const mark = (card) => {
    if (target === card) return;
    if (target) target.classList.remove("card--drop-target");
    target = card;
    if (target) target.classList.add("card--drop-target");
  };
  const track = (event) => {
    last = event;
    mark(dropTarget(item, event));
  };
  return {
    group: "cards",
    draggable: "[data-card-id]",
    filter: "button, a, input, textarea, select, label, form",
    preventOnFilter: false,
    forceFallback: true, // one way for mouse, pen and finger (and the browser tests)
    fallbackOnBody: true,
    delayOnTouchOnly: true,
    delay: 200, // a finger that swipes scrolls; one that holds picks the card up
    animation: 150,
    emptyInsertThreshold: 24, // a column's margins take a card too
    // the cards make room only when the pointer is on their edges: their middle is the
    // place to drop a card on them (a group)
    swapThreshold: 0.5,
    invertSwap: true,
    ghostClass: "card--ghost",
    chosenClass: "card--chosen",
    onStart: (evt) => {
      board.dragging = true;
      item = evt.item;
      document.addEventListener("pointermove", track, true);
      document.addEventListener("touchmove", track, true);
    },
    onMove: (evt, original) => !dropTarget(evt.dragged, original),
    onEnd: (evt) => {
      document.removeEventListener("pointermove", track, true);
      document.removeEventListener("touchmove", track, true);
      const over = last ? dropTarget(evt.item, last) : null;
      mark(null);
      last = null;
      board.dragging = false;
      const cardId = Number(evt.item.dataset.cardId);
      if (!board.store.cards.get(cardId)) return board.page.schedule();
      if (over) {
        arrange(board, { card_id: cardId, group_with: Number(over.dataset.cardId) });
      } else if (evt.from !== evt.to || evt.oldIndex !== evt.newIndex) {
        arrange(board, landing(evt));
      }
      board.page.schedule();
    },
  };
}

/** The `move` payload of a card dropped between cards, in a column or a group. */
function landing(evt) {
  const item = evt.item;
  const column = evt.to.closest("[data-column]").dataset.column;
  const group = evt.to.closest(".cluster");
  let next = item.nextElementSibling;
  while (next && !next.matches("[data-card-id], .cluster")) next = next.nextElementSibling;
  if (next && next.matches(".cluster")) next = next.querySelector("[data-card-id]");
  return {
    card_id: Number(item.dataset.cardId),
    column,
    cluster: group ? group.dataset.cluster : null,
    before_id: next ? Number(next.dataset.cardId) : null,
  };
}
