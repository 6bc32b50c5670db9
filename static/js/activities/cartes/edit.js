// Edit form and delete confirmation of a card (used by card.js).

import { h } from "../../ui.js";

const MAX_TEXT = 500;

export function editForm(board, card, ctx, edit) {
  const id = card.id;
  const textarea = h("textarea", { id: `edit-${id}-text`, rows: "3", maxlength: String(MAX_TEXT), required: true });
  textarea.value = board.drafts.get(id) ?? (edit && edit.payload.text != null ? edit.payload.text : card.text || "");
  board.drafts.delete(id);
  const fields = [
    h("div", { class: "field" }, h("label", { for: textarea.id, text: "Texte de la carte" }), textarea),
  ];
  let select = null;
  if (ctx.columns.length > 1) {
    select = h("select", { id: `edit-${id}-column` },
      ctx.columns.map((c) => h("option", { value: c.id, selected: c.id === card.column, text: c.label })));
    fields.push(h("div", { class: "field" }, h("label", { for: select.id, text: "Colonne" }), select));
  }
  let cluster = null;
  if (board.role === "animateur") {
    const listId = `clusters-${ctx.step.id}`;
    cluster = h("input", { id: `edit-${id}-cluster`, type: "text", maxlength: "120", list: listId,
      value: card.cluster || "" });
    const labels = [...new Set(board.store.cardsOf(ctx.step.id).map((c) => c.cluster).filter(Boolean))];
    fields.push(
      h("div", { class: "field" },
        h("label", { for: cluster.id, text: "Regroupement (vide : aucun)" }), cluster,
        h("datalist", { id: listId }, labels.map((l) => h("option", { value: l })))),
    );
  }
  const form = h("form", { class: "card__edit", novalidate: true }, fields,
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "btn btn-primary btn-small", text: "Enregistrer" }),
      h("button", { type: "button", class: "btn btn-small", text: "Annuler",
        onClick: () => board.setMode(id, null, back(board, "edit")) })));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) return board.onError("La carte est vide : écrivez quelque chose avant d'enregistrer.");
    if (text.length > MAX_TEXT) return board.onError(`La carte fait ${text.length} caractères : ${MAX_TEXT} au plus.`);
    const payload = { card_id: id, version: card.version };
    if (text !== card.text) payload.text = text;
    if (select && select.value !== card.column) payload.column = select.value;
    if (cluster && cluster.value.trim() !== (card.cluster || "")) payload.cluster = cluster.value.trim() || null;
    if (Object.keys(payload).length > 2) board.live.enqueue("card_edit", payload);
    board.setMode(id, null, back(board, "edit"));
  });
  requestAnimationFrame(() => {
    if (board.modes.get(id) === "edit" && !form.contains(document.activeElement)) textarea.focus();
  });
  return form;
}

export function confirmRow(board, card, textId) {
  const row = h("div", { class: "card__confirm", role: "group", "aria-label": "Confirmer la suppression" },
    h("p", { text: "Supprimer cette carte ?" }),
    h("button", { type: "button", class: "btn btn-small btn-danger", "data-action": "confirm-delete",
      "aria-describedby": textId, text: "Confirmer la suppression",
      onClick: () => {
        board.modes.delete(card.id);
        board.live.enqueue("card_delete", { card_id: card.id });
        const col = board.columns.get(card.column);
        if (col) col.title.focus();
      } }),
    h("button", { type: "button", class: "btn btn-small", text: "Annuler",
      onClick: () => board.setMode(card.id, null, back(board, "delete")) }));
  requestAnimationFrame(() => row.querySelector("[data-action=confirm-delete]").focus());
  return row;
}


/** The button to focus when a form closes: the card's own, or the animateur's menu. */
function back(board, action) {
  return board.role === "animateur" ? "menu" : action;
}
