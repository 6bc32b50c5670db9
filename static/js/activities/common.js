// Helpers shared by the activity views (static/js/activities/<type>/): actions through
// `step_action`, keyed lists that keep focus and open forms across live updates, small
// accessible form builders.

import { failure, newClientId } from "../live.js";
import { h, showPrompt, syncChildren } from "../ui.js";

const OFFLINE = failure("offline",
  "Hors ligne : rien n'a été envoyé. Votre saisie est conservée : réessayez une fois la connexion rétablie.");
const TIMEOUT = failure("timeout",
  "Le serveur ne répond pas : votre saisie est conservée, réessayez dans un instant.");

/**
 * Send an activity action; apply its result like its envelope (`ackAs(res)` → [type, data]
 * pairs). Resolves to the ack; errors other than those in `quiet` are shown.
 */
export async function request(page, step, action, data, { ackAs = null, quiet = [] } = {}) {
  const online = page.live.connected;
  const payload = { step_id: step.id, action, data };
  const res = (await page.live.emitAck("step_action", payload)) || (online ? TIMEOUT : OFFLINE);
  if (res.ok && ackAs) {
    for (const [type, payload] of ackAs(res)) page.store.applyActivityAck(type, payload, res.seq);
  }
  if (!res.ok && !quiet.includes(res.error.code)) page.showError(res.error.message_fr);
  page.schedule();
  return res;
}

export { newClientId };

/**
 * Keep `parent`'s children in the order of `items`, rebuilding an item's node only when
 * its signature changed (or never while `keep(item)` says it is being edited).
 */
export class KeyedList {
  constructor(parent, { key, sig, build, keep = () => false, empty = null }) {
    Object.assign(this, { parent, key, sig, build, keep, empty });
    this.nodes = new Map();
  }

  render(items, context) {
    const seen = new Set();
    const nodes = items.map((item) => {
      const k = this.key(item);
      seen.add(k);
      const s = JSON.stringify(this.sig(item, context));
      const old = this.nodes.get(k);
      const kept = Boolean(this.keep(item));
      // an item being edited keeps its node (and what is typed in it) once built that way
      if (old && (old.s === s || (old.kept && kept))) return old.el;
      const focus = old && old.el.contains(document.activeElement) ? document.activeElement : null;
      const el = this.build(item, context);
      this.nodes.set(k, { s, el, kept });
      if (focus && focus.dataset.focus) {
        const again = el.querySelector(`[data-focus="${focus.dataset.focus}"]`);
        if (again) requestAnimationFrame(() => again.focus());
      }
      return el;
    });
    for (const k of [...this.nodes.keys()]) if (!seen.has(k)) this.nodes.delete(k);
    syncChildren(this.parent, nodes.length || !this.empty ? nodes : [this.empty]);
  }

  reset() {
    this.nodes.clear();
    this.parent.replaceChildren();
  }
}

let uid = 0;
export function uniqueId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled field: label + control (+ hint). */
export function field(label, control, hint = "") {
  const hintId = hint ? uniqueId("hint") : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" },
    h("label", { for: control.id, text: label }),
    control,
    hint ? h("p", { class: "hint", id: hintId, text: hint }) : null);
}

export function select(id, options, value = "", attrs = {}) {
  return h("select", { id, ...attrs },
    options.map(([v, label]) => h("option", { value: v, selected: String(v) === String(value), text: label })));
}

/**
 * A group of checkboxes in a fieldset: `.values()` the checked values, `.setOptions(options)`
 * replaces the choices and keeps what is checked.
 */
export function checkboxes(legend, options, checked = [], name = uniqueId("cb")) {
  let boxes = [];
  const el = h("fieldset", { class: "fieldset checks" });
  const legendEl = h("legend", { text: legend });
  el.values = () => boxes.filter((b) => b.input.checked).map((b) => b.input.value);
  el.setOptions = (choices, keep = el.values()) => {
    const set = new Set(keep.map(String));
    boxes = choices.map(([value, label]) => {
      const id = uniqueId(name);
      const input = h("input", { type: "checkbox", id, name, value, checked: set.has(String(value)) });
      return { input, el: h("div", { class: "check" }, input, h("label", { for: id, text: label })) };
    });
    el.replaceChildren(legendEl, ...boxes.map((b) => b.el));
    el.hidden = !boxes.length;
  };
  el.setOptions(options, checked);
  return el;
}

/** Replace a select's options, keeping its value when it is still offered. */
export function setOptions(control, options) {
  const key = JSON.stringify(options);
  if (control.dataset.options === key) return;
  control.dataset.options = key;
  const value = control.value;
  control.replaceChildren(...options.map(([v, label]) => h("option", { value: v, text: label })));
  if (options.some(([v]) => String(v) === value)) control.value = value;
}

/** Run `send` on the form's submit (never a page load); returns the form. */
export function onSubmit(form, send) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(event);
  });
  return form;
}

export function button(text, onClick, { cls = "btn btn-small", ...attrs } = {}) {
  return h("button", { type: "button", class: cls, text, onClick, ...attrs });
}

/** Textarea with a live "n / max" counter. */
export function textArea(id, max, value = "", rows = 2) {
  const area = h("textarea", { id, rows: String(rows), maxlength: String(max) });
  area.value = value;
  const counter = h("p", { class: "hint counter", "aria-live": "off" });
  const count = () => {
    counter.textContent = `${area.value.length} / ${max}`;
  };
  area.addEventListener("input", count);
  count();
  return { area, counter };
}

/** The `personal_data` refusal: rephrase, or send anyway (`resend()`). */
export function personalPrompt(region, error, resend) {
  const details = (error.findings || []).map((f) => `${f.label_fr} : « ${f.excerpt} »`);
  showPrompt(region, {
    message: error.message_fr,
    details,
    focus: true,
    actions: [
      { label: "Reformuler", primary: true },
      { label: "Envoyer quand même", run: resend },
    ],
  });
}

/** Shorten for a map label. */
export function short(text, max = 28) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
