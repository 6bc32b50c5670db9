// The animateur's actions on a card, in one menu (« Actions ») instead of a row of buttons:
// modify, move to a column or up / down (« Déplacer vers… »), group with a card or a group
// (« Regrouper avec… »), leave a group, marks, mask, delete. The keyboard path of what the
// console also does by drag and drop (arrange.js). Modes of a card (board.modes):
// "menu" (open), "move", "group".

import { h } from "../../ui.js";
import { arrange } from "./arrange.js";
import { nudge } from "./canvas.js";

const MARKS = { decision: "Décision", carry_over: "À reprendre", open_question: "Question ouverte" };

/** The menu of `card` (animateur only); `editable`: the card may be edited or deleted now. */
export function cardMenu(board, card, ctx, { mode, hidden, editable, textId }) {
  const open = mode === "menu" || mode === "move" || mode === "group";
  const panelId = `card-menu-${card.id}`;
  const toggle = h("button", {
    type: "button", class: "btn btn-small card-menu__toggle", "data-action": "menu",
    "aria-expanded": String(open), "aria-controls": open ? panelId : null, "aria-describedby": textId,
    onClick: () => {
      if (!open) closeMenus(board); // one menu open at a time
      board.setMode(card.id, open ? null : "menu", open ? "menu" : null);
    },
  }, "Actions", h("span", { "aria-hidden": "true", text: " ▾" }));
  const wrap = h("div", { class: "card-menu" }, toggle);
  if (!open) return wrap;
  let panel;
  if (mode === "move") panel = movePanel(board, card, ctx, panelId);
  else if (mode === "group") panel = groupPanel(board, card, ctx, panelId);
  else panel = mainPanel(board, card, ctx, panelId, { hidden, editable });
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    board.setMode(card.id, null, "menu");
  });
  wrap.append(panel);
  requestAnimationFrame(() => {
    if (board.modes.get(card.id) !== mode || panel.contains(document.activeElement)) return;
    const first = panel.querySelector("select, button");
    if (first) first.focus();
  });
  return wrap;
}

function closeMenus(board) {
  for (const [key, mode] of [...board.modes]) {
    if (mode === "menu" || mode === "move" || mode === "group") board.modes.delete(key);
  }
}

function item(label, action, onClick, extra = {}) {
  return h("button", { type: "button", class: "card-menu__item", "data-action": action, text: label, onClick, ...extra });
}

function mainPanel(board, card, ctx, id, { hidden, editable }) {
  const items = [];
  if (editable) items.push(item("Modifier", "edit", () => board.setMode(card.id, "edit")));
  if (!hidden && ctx.canWrite) {
    items.push(item("Déplacer vers…", "move", () => board.setMode(card.id, "move")));
    items.push(item("Regrouper avec…", "group", () => board.setMode(card.id, "group")));
    if (card.cluster) {
      items.push(item(`Retirer du groupe « ${card.cluster} »`, "ungroup", () => {
        board.setMode(card.id, null, "menu");
        arrange(board, { card_id: card.id, cluster: null });
      }));
    }
  }
  if (!hidden) {
    const marks = new Set(card.marks || []);
    for (const [mark, label] of Object.entries(MARKS)) {
      items.push(item(label, "mark", () => board.live.request("card_mark", { card_id: card.id, mark, on: !marks.has(mark) }),
        { class: "card-menu__item btn-mark", "data-mark": mark, "aria-pressed": String(marks.has(mark)) }));
    }
  }
  items.push(item(card.masked ? "Démasquer" : "Masquer", "mask",
    () => board.live.request("card_mask", { card_id: card.id, masked: !card.masked })));
  if (editable) {
    items.push(item("Supprimer", "delete", () => board.setMode(card.id, "confirm"),
      { class: "card-menu__item card-menu__item--danger" }));
  }
  return h("div", { class: "card-menu__panel", id, role: "group", "aria-label": "Actions sur la carte" }, items);
}

function back(board, card) {
  return h("button", { type: "button", class: "btn btn-small", text: "Annuler", onClick: () => board.setMode(card.id, null, "menu") });
}

/** The cards of the card's column, in board order (the moved one included). */
function columnCards(board, card) {
  return board.store.cardsOf(card.step_id).filter((c) => c.column === card.column && !c.pendingAdd);
}

function movePanel(board, card, ctx, id) {
  const done = (data) => {
    board.setMode(card.id, null);
    arrange(board, { card_id: card.id, ...data }, card);
  };
  const columns = ctx.columns.filter((c) => c.id !== card.column)
    .map((c) => item(`Colonne « ${c.label} »`, "move-to", () => done({ column: c.id }), { "data-column": c.id }));
  const list = columnCards(board, card);
  const index = list.findIndex((c) => c.id === card.id);
  const up = index > 0 ? item("Monter d'un rang", "move-up", () => done({ before_id: list[index - 1].id })) : null;
  const down = index >= 0 && index < list.length - 1
    ? item("Descendre d'un rang", "move-down",
      () => done(index + 2 < list.length ? { before_id: list[index + 2].id } : { column: card.column, before_id: null }))
    : null;
  if (ctx.step.layout === "canvas") {
    // the free board: a step in each direction (the order of the list does not show)
    const go = (dx, dy) => () => {
      board.setMode(card.id, null);
      nudge(board, card, dx, dy);
    };
    const nudges = [["la gauche", -1, 0], ["la droite", 1, 0], ["le haut", 0, -1], ["le bas", 0, 1]]
      .map(([where, dx, dy]) => item(`Vers ${where}`, "nudge", go(dx, dy), { "data-nudge": `${dx},${dy}` }));
    return h("div", { class: "card-menu__panel", id, role: "group", "aria-label": "Déplacer vers…" },
      h("p", { class: "card-menu__title", text: "Déplacer vers…" }), nudges, columns, back(board, card));
  }
  return h("div", { class: "card-menu__panel", id, role: "group", "aria-label": "Déplacer vers…" },
    h("p", { class: "card-menu__title", text: "Déplacer vers…" }), columns, up, down,
    columns.length || up || down ? null : h("p", { class: "hint", text: "Aucune autre place pour cette carte." }),
    back(board, card));
}

function groupPanel(board, card, ctx, id) {
  const selectId = `group-with-${card.id}`;
  const others = board.store.cardsOf(card.step_id).filter((c) => c.id !== card.id && !c.face_down && c.text != null);
  const groups = new Map(); // "column\0label" → option label
  for (const c of others) {
    if (!c.cluster || (c.cluster === card.cluster && c.column === card.column)) continue;
    const col = ctx.columns.find((x) => x.id === c.column);
    const where = ctx.columns.length > 1 && col ? ` (${col.label})` : "";
    groups.set(`${c.column}\u0000${c.cluster}`, `Groupe « ${c.cluster} »${where}`);
  }
  const short = (text) => (text.length > 70 ? `${text.slice(0, 69)}…` : text);
  const select = h("select", { id: selectId },
    groups.size ? h("optgroup", { label: "Groupes" },
      [...groups].map(([value, label]) => h("option", { value: `g:${value}`, text: label }))) : null,
    h("optgroup", { label: "Cartes" },
      others.filter((c) => !c.cluster || c.cluster !== card.cluster)
        .map((c) => h("option", { value: `c:${c.id}`, text: short(c.text) }))));
  const submit = h("button", { type: "submit", class: "btn btn-small btn-primary", text: "Regrouper" });
  const form = h("form", { class: "card-menu__panel", id },
    h("div", { class: "field" }, h("label", { for: selectId, text: "Regrouper avec…" }), select),
    h("div", { class: "button-row" }, submit, back(board, card)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = select.value;
    if (!value) return;
    board.setMode(card.id, null);
    if (value.startsWith("c:")) arrange(board, { card_id: card.id, group_with: Number(value.slice(2)) }, card);
    else {
      const [column, label] = value.slice(2).split("\u0000");
      arrange(board, { card_id: card.id, column, cluster: label }, card);
    }
  });
  if (!select.querySelector("option")) {
    select.disabled = true;
    submit.setAttribute("aria-disabled", "true");
  }
  return form;
}
