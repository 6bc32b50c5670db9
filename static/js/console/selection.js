// Select cards on the console's board and cluster them in one action (`card_cluster`,
// docs/protocol.md « Bulk actions of the animateur »): « Sélectionner des cartes » puts a
// checkbox on each card (Space toggles it from the keyboard; Shift+click or Shift+Space
// selects the range from the last one), « N sélectionnées », « Regrouper la sélection »
// (asks the group's name), « Tout désélectionner », « Terminer la sélection ». Outside that
// mode the cards are left as the board draws them (drag and drop: activities/cartes/
// arrange.js). The board redraws its cards freely: the checkboxes are added to whatever
// cards it shows (MutationObserver), the selection lives here.

import { $, h, plural } from "../ui.js";

const MAX_NAME = 120;

export function bindSelection(page, { board, bar, viewedStepId }) {
  if (!board || !bar) return null;
  const { store, live } = page;
  const selected = new Set(); // card ids
  const toggleButton = $("selection-toggle");
  let active = false; // selection mode
  let anchor = null; // the last card toggled by hand: Shift extends from it
  let focusedId = null; // the card whose checkbox had the focus (kept across redraws)
  const form = $("selection-form");
  const input = $("selection-name");
  const problem = $("selection-error");

  const selectable = (card) =>
    card && store.atelier && store.atelier.state !== "clos" && card.step_id === viewedStepId() &&
    !card.deleted && card.moderation !== "pending" && card.moderation !== "rejected";

  const boxes = () => [...board.querySelectorAll("input.card__select-box")];

  function setChecked(id, on) {
    if (on) selected.add(id);
    else selected.delete(id);
  }

  function refresh(announce = false) {
    for (const id of [...selected]) if (!selectable(store.cards.get(id))) selected.delete(id);
    for (const box of boxes()) {
      box.checked = selected.has(Number(box.dataset.select));
      box.closest("[data-card-id]").classList.toggle("card--selected", box.checked);
    }
    const n = selected.size;
    bar.hidden = !active;
    // nothing to select on this step (not a board of cards, or none yet): no button
    const any = store.cardsOf(viewedStepId()).some(selectable);
    toggleButton.hidden = active || !any;
    $("selection-count").textContent = plural(n, "carte sélectionnée", "cartes sélectionnées");
    $("selection-cluster").hidden = n === 0;
    if (n === 0) closeForm(false);
    if (announce) page.announcer.say(n ? plural(n, "carte sélectionnée", "cartes sélectionnées") : "Aucune carte sélectionnée");
  }

  function toggle(box, shift) {
    const id = Number(box.dataset.select);
    const on = box.checked;
    if (shift && anchor !== null) {
      const ids = boxes().map((b) => Number(b.dataset.select));
      const [from, to] = [ids.indexOf(anchor), ids.indexOf(id)].sort((a, b) => a - b);
      if (from >= 0) for (const other of ids.slice(from, to + 1)) setChecked(other, on);
    }
    setChecked(id, on);
    anchor = id;
    refresh(true);
  }

  function decorate() {
    for (const el of board.querySelectorAll("[data-card-id]")) {
      const id = Number(el.dataset.cardId);
      const has = el.querySelector(":scope > .card__select");
      if (!active || !selectable(store.cards.get(id))) {
        if (has) has.remove();
        continue;
      }
      if (has) continue;
      const box = h("input", { type: "checkbox", class: "card__select-box", "data-select": id,
        "aria-describedby": `card-${id}-text` });
      box.checked = selected.has(id);
      box.addEventListener("click", (event) => toggle(box, event.shiftKey));
      box.addEventListener("keydown", (event) => {
        if (event.key === " " && event.shiftKey) { // the range, from the keyboard
          event.preventDefault();
          box.checked = !box.checked;
          toggle(box, true);
        }
      });
      box.addEventListener("focus", () => { focusedId = id; });
      box.addEventListener("blur", () => { if (focusedId === id) focusedId = null; });
      el.prepend(h("label", { class: "card__select" }, box,
        h("span", { class: "visually-hidden", text: "Sélectionner la carte" })));
      if (focusedId === id && (!document.activeElement || document.activeElement === document.body)) box.focus();
      el.classList.toggle("card--selected", box.checked);
    }
  }

  function closeForm(focusBack = true) {
    if (form.hidden) return;
    form.hidden = true;
    showProblem("");
    if (focusBack && !$("selection-cluster").hidden) $("selection-cluster").focus();
  }

  function showProblem(text) {
    problem.textContent = text;
    problem.hidden = !text;
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function setActive(on) {
    active = on;
    if (!on) {
      selected.clear();
      anchor = null;
    }
    decorate();
    refresh();
    if (on) {
      const first = boxes()[0];
      if (first) first.focus();
      page.announcer.say("Sélection : cochez les cartes à regrouper");
    } else {
      toggleButton.focus();
    }
  }

  input.addEventListener("input", () => {
    if (!problem.hidden) showProblem(""); // the message concerned the former text
  });
  toggleButton.addEventListener("click", () => setActive(true));
  $("selection-done").addEventListener("click", () => setActive(false));
  $("selection-cluster").addEventListener("click", () => {
    form.hidden = false;
    showProblem("");
    input.value = "";
    input.focus();
  });
  $("selection-clear").addEventListener("click", () => {
    selected.clear();
    anchor = null;
    refresh(true);
  });
  $("selection-cancel").addEventListener("click", () => closeForm());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = input.value.replace(/\s+/g, " ").trim();
    if (!name) {
      showProblem("Donnez un nom au groupe.");
      input.focus();
      return;
    }
    if (name.length > MAX_NAME) {
      showProblem(`Le nom du groupe fait au plus ${MAX_NAME} caractères.`);
      input.focus();
      return;
    }
    const ids = [...selected];
    const res = await live.request("card_cluster", { card_ids: ids, cluster: name });
    if (!res.ok) {
      showProblem(res.error.message_fr);
      return;
    }
    selected.clear();
    anchor = null;
    closeForm(false);
    setActive(false);
    page.announcer.say(`${plural(res.count, "carte regroupée", "cartes regroupées")} dans « ${name} »`);
  });

  // the board redrawn (another step previewed, cards changed): boxes and the button follow
  new MutationObserver(() => { decorate(); refresh(); }).observe(board, { childList: true, subtree: true });
  store.subscribe(() => requestAnimationFrame(() => { decorate(); refresh(); }));
  return { selected };
}
