// Add-card form of the `cartes` activity (templates/activities/cartes/_add_form.html), and
// the answer to the server's `personal_data` refusal (docs/protocol.md, RGPD): rephrase or
// confirm.

import { newClientId } from "../../live.js";
import { $, showPrompt } from "../../ui.js";

const MAX_TEXT = 500;

const KEPT = "Envoi impossible pour l'instant : votre texte est conservé ci-dessous.";

/**
 * getStep(): the step cards are added to (null: form hidden).
 * canAdd(step): whether this user may add to it now.
 * whyNot(step): when it may not, the message shown above the text being kept.
 * Text typed (or refused by the server) is never thrown away: when adding is no longer
 * possible (atelier closed, step locked) the form stays, read-only, with the reason.
 */
export function bindAddForm({ live, onError, getStep, canAdd, whyNot = () => KEPT }) {
  const form = $("add-card");
  if (!form) return () => {};
  const textarea = $("card-text");
  const counter = $("card-count");
  const columnField = $("card-column-field");
  const select = $("card-column");
  const submit = $("card-submit");
  const kept = $("card-kept");
  let columnsFor = null;

  // a card the server refused (closed, locked, step changed…) goes back into the form
  live.onRefusedAdd = (item, error) => {
    const draft = textarea.value.trim();
    textarea.value = draft ? `${draft}\n${item.payload.text}` : item.payload.text;
    count();
    onError(`${error.message_fr} Votre texte est conservé dans le formulaire.`);
  };

  const count = () => {
    counter.textContent = `${textarea.value.length} / ${MAX_TEXT}`;
  };
  textarea.addEventListener("input", count);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const step = getStep();
    if (!step || !canAdd(step)) {
      onError(step ? whyNot(step) : KEPT);
      return;
    }
    const text = textarea.value.trim();
    if (!text) {
      onError("La carte est vide : écrivez quelque chose avant d'envoyer.");
      textarea.focus();
      return;
    }
    if (text.length > MAX_TEXT) {
      onError(`La carte fait ${text.length} caractères : ${MAX_TEXT} au plus.`);
      return;
    }
    const column = step.columns.length > 1 ? select.value : (step.columns[0] || {}).id;
    live.enqueue("card_add", { step_id: step.id, client_id: newClientId(), text, column });
    textarea.value = "";
    $("card-warning").replaceChildren();
    count();
    textarea.focus();
  });

  /** Call on every render. */
  return function update() {
    const step = getStep();
    const can = Boolean(step && canAdd(step));
    const frozen = !can && textarea.value.trim() !== "";
    form.hidden = !can && !frozen;
    textarea.readOnly = frozen;
    if (frozen) submit.setAttribute("aria-disabled", "true");
    else submit.removeAttribute("aria-disabled");
    const message = frozen ? (step ? whyNot(step) : KEPT) : "";
    if (kept && kept.textContent !== message) kept.textContent = message; // :empty hides it
    if (!can) return;
    const key = step.id + ":" + step.columns.map((c) => c.id).join(",");
    if (columnsFor !== key) {
      columnsFor = key;
      const previous = select.value;
      select.replaceChildren(
        ...step.columns.map((c) => {
          const option = document.createElement("option");
          option.value = c.id;
          option.textContent = c.label;
          return option;
        }),
      );
      if (step.columns.some((c) => c.id === previous)) select.value = previous;
    }
    columnField.hidden = step.columns.length <= 1;
  };
}

/** Handles a `personal_data` refusal of a queued card_add / card_edit. */
export function personalHandler({ live, board, onError }) {
  return function onPersonal(item, error) {
    const details = (error.findings || []).map((f) => `${f.label_fr} : « ${f.excerpt} »`);
    const confirm = () => live.enqueue(item.event, { ...item.payload, confirm_personal: true });
    if (item.event === "card_add") {
      const textarea = $("card-text");
      const region = $("card-warning");
      if (!textarea || !region) return onError(error.message_fr);
      const typing = document.activeElement === textarea;
      showPrompt(region, {
        message: error.message_fr,
        details,
        focus: typing,
        actions: [
          {
            label: "Reformuler",
            primary: true,
            run: () => {
              const draft = textarea.value.trim();
              textarea.value = draft ? `${draft}\n${item.payload.text}` : item.payload.text;
              textarea.dispatchEvent(new Event("input"));
              textarea.focus();
            },
          },
          { label: "Envoyer quand même", run: confirm },
        ],
      });
    } else if (item.event === "card_edit") {
      showPrompt($("alerts"), {
        message: error.message_fr,
        details,
        actions: [
          {
            label: "Reformuler",
            primary: true,
            run: () => board.editAgain(item.payload.card_id, item.payload.text),
          },
          { label: "Enregistrer quand même", run: confirm },
        ],
      });
    } else {
      onError(error.message_fr);
    }
  };
}
