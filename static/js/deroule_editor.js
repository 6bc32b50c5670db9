// The déroulé editor (templates/deroule/editor.html, facilitator/web/deroule.py): compose a
// déroulé from the method library, each step's settings as a form generated from its
// type's schema (deroule_form.js); add, remove, move, duplicate steps; consignes and
// durations against the atelier's length; preview a step as a participant; check with the
// server's validator (its problems shown next to their fields), save as a personal or
// shared déroulé or as the atelier's steps, export and import YAML.

import { h, $ } from "./ui.js";
import { settingsForm, sample } from "./deroule_form.js";
import { preview } from "./deroule_preview.js";

const root = $("deroule-editor");
const config = JSON.parse(root.dataset.config);
const library = Object.fromEntries(config.library.map((t) => [t.type, t]));
const state = { deroule: config.deroule, version: config.atelier?.version ?? null, previewed: 0 };
state.deroule.steps = state.deroule.steps || [];

const status = h("p", { class: "de-status", role: "status", "aria-live": "polite" });
const problemsBox = h("div", { class: "alert", role: "alert", tabindex: "-1", hidden: true });
const total = h("p", { class: "de-total", "aria-live": "polite" });
const stepsList = h("ol", { class: "de-steps", "aria-label": "Étapes du déroulé" });
const previewBox = h("section", { class: "de-preview", "aria-labelledby": "de-preview-title" });

let fieldCount = 0;
const fid = () => `de-i-${++fieldCount}`;

function say(text) { status.textContent = text; }

function textField(label, value, loc, onValue, attrs = {}) {
  const id = fid();
  const tag = attrs.multiline ? "textarea" : "input";
  const { multiline, ...rest } = attrs;
  if (tag === "input" && !rest.type) rest.type = "text";
  return h("div", { class: "field", "data-field": loc },
    h("label", { for: id, text: label }),
    h(tag, { id, "data-loc": loc, value: tag === "input" ? value ?? "" : null,
      text: tag === "textarea" ? value ?? "" : null, rows: multiline ? 3 : null, ...rest,
      onInput: (e) => onValue(e.target.value) }));
}

function updateTotal() {
  const sum = state.deroule.steps.reduce((acc, s) => acc + (Number(s.duration) || 0), 0);
  const planned = Number(state.deroule.duration) || 0;
  const over = planned && sum > planned;
  total.className = over ? "de-total de-total--over" : "de-total";
  total.textContent = planned
    ? `Total des étapes : ${sum} min pour un atelier de ${planned} min` +
      (over ? ` — ${sum - planned} min de trop.` : ` — ${planned - sum} min de marge.`)
    : `Total des étapes : ${sum} min (durée de l'atelier non indiquée).`;
}

function header() {
  const d = state.deroule;
  const locked = config.mode === "atelier";
  return h("fieldset", { class: "fieldset de-head" }, h("legend", { text: "Le déroulé" }),
    textField("Titre", d.title, "title", (v) => { d.title = v; }, { maxlength: 200, required: true }),
    textField("Identifiant (lettres minuscules, chiffres, - et _)", d.id, "id",
      (v) => { d.id = v; }, { maxlength: 64, readonly: locked, pattern: "[a-z0-9][a-z0-9_\\-]*" }),
    textField("Description", d.description, "description", (v) => { d.description = v; },
      { multiline: true, maxlength: 4000 }),
    textField("Durée de l'atelier (minutes)", d.duration, "duration", (v) => {
      d.duration = v === "" ? null : Number(v); updateTotal();
    }, { type: "number", min: 1, max: 1440, inputmode: "numeric" }),
    total);
}

function uniqueId(base) {
  const ids = new Set(state.deroule.steps.map((s) => s.id));
  let candidate = base.replace(/_/g, "-").slice(0, 56);
  for (let n = 2; ids.has(candidate); n++) candidate = `${base.slice(0, 56)}-${n}`;
  return candidate;
}

function stepItem(step, index) {
  const steps = state.deroule.steps;
  const type = library[step.type];
  const base = `steps[${index}]`;
  const locked = step.locked === true;
  const titleId = fid();
  const tools = locked ? [h("span", { class: "badge", text: "commencée : ne change plus" })] : [
    h("button", { type: "button", class: "btn btn-small", disabled: index === 0 || steps[index - 1].locked,
      "aria-label": `Monter l'étape ${index + 1}`, onClick: () => move(index, -1) }, "↑"),
    h("button", { type: "button", class: "btn btn-small", disabled: index === steps.length - 1,
      "aria-label": `Descendre l'étape ${index + 1}`, onClick: () => move(index, 1) }, "↓"),
    h("button", { type: "button", class: "btn btn-small", onClick: () => duplicate(index),
      "aria-label": `Dupliquer l'étape ${index + 1}` }, "Dupliquer"),
    h("button", { type: "button", class: "btn btn-small btn-danger-outline", onClick: () => remove(index),
      "aria-label": `Retirer l'étape ${index + 1}` }, "Retirer"),
  ];
  const body = h("fieldset", { class: "de-step__body", disabled: locked },
    h("legend", { class: "visually-hidden", text: `Étape ${index + 1}` }),
    textField("Titre de l'étape", step.title, `${base}.title`, (v) => { step.title = v; }, { maxlength: 200 }),
    textField("Consigne", step.consigne, `${base}.consigne`, (v) => { step.consigne = v; },
      { multiline: true, maxlength: 4000 }),
    textField("Durée (minutes)", step.duration, `${base}.duration`, (v) => {
      step.duration = v === "" ? null : Number(v); updateTotal();
    }, { type: "number", min: 1, max: 600, inputmode: "numeric" }),
    textField("Aide courte (facultatif)", step.help, `${base}.help`, (v) => { step.help = v; }, { maxlength: 300 }),
    textField("Identifiant de l'étape", step.id, `${base}.id`, (v) => { step.id = v; }, { maxlength: 64 }));
  const details = h("details", { class: "de-step__settings" }, h("summary", { text: "Réglages de l'activité" }));
  if (type) {
    const earlier = steps.slice(0, index).map((s) => s.id);
    details.append(settingsForm({ get value() { return step.settings; }, set value(v) { step.settings = v; } }, {
      schema: type.schema, labels: config.labels, base: `${base}.settings`,
      earlierSteps: earlier, onChange: () => {}, disabled: locked,
    }));
  } else {
    details.append(h("p", { class: "alert", text: `Type d'activité inconnu : ${step.type}` }));
  }
  body.append(details);
  return h("li", { class: locked ? "de-step de-step--locked" : "de-step", "data-index": index, "aria-labelledby": titleId },
    h("div", { class: "de-step__head" },
      h("h3", { id: titleId, class: "de-step__title" }, `${index + 1}. ${step.title || "(sans titre)"} `,
        h("span", { class: "badge", text: type ? type.label : step.type })),
      h("div", { class: "button-row" },
        h("button", { type: "button", class: "btn btn-small", onClick: () => showPreview(index),
          "aria-label": `Aperçu participant de l'étape ${index + 1}` }, "Aperçu"), ...tools)),
    body);
}

function renderSteps(focus) {
  stepsList.replaceChildren(...state.deroule.steps.map(stepItem));
  if (!state.deroule.steps.length) stepsList.append(h("li", { class: "muted", text: "Aucune étape : ajoutez-en une depuis la bibliothèque." }));
  updateTotal();
  if (focus) {
    const item = stepsList.querySelector(`[data-index="${focus.index}"]`);
    const target = item?.querySelector(focus.selector || "h3");
    if (target) { if (!target.hasAttribute("tabindex") && target.tagName === "H3") target.tabIndex = -1; target.focus(); }
  }
}

function move(index, offset) {
  const steps = state.deroule.steps;
  const to = index + offset;
  if (to < 0 || to >= steps.length || steps[to].locked) return;
  [steps[index], steps[to]] = [steps[to], steps[index]];
  renderSteps({ index: to });
  say(`Étape déplacée en position ${to + 1}.`);
}

function duplicate(index) {
  const copy = structuredClone(state.deroule.steps[index]);
  delete copy.locked;
  copy.id = uniqueId(`${copy.id}-copie`);
  copy.title = `${copy.title} (copie)`.slice(0, 200);
  state.deroule.steps.splice(index + 1, 0, copy);
  renderSteps({ index: index + 1 });
  say(`Étape dupliquée en position ${index + 2}.`);
}

function remove(index) {
  const [gone] = state.deroule.steps.splice(index, 1);
  renderSteps({ index: Math.max(0, Math.min(index, state.deroule.steps.length - 1)) });
  say(`Étape « ${gone.title} » retirée.`);
}

function addStep(typeId) {
  const type = library[typeId];
  state.deroule.steps.push({
    id: uniqueId(typeId), type: typeId, title: type.label, duration: type.duration || 15,
    consigne: type.consigne || "", help: "",
    settings: structuredClone(type.settings ?? sample(type.schema, (s) => s)),
  });
  renderSteps({ index: state.deroule.steps.length - 1 });
  say(`Étape « ${type.label} » ajoutée à la fin.`);
}

function showPreview(index) {
  const step = state.deroule.steps[index];
  const type = library[step.type];
  previewBox.replaceChildren(
    h("h2", { id: "de-preview-title", tabindex: "-1", text: `Aperçu participant — étape ${index + 1}` }),
    preview(step, index, type ? type.label : step.type));
  previewBox.querySelector("h2").focus();
}

// --- the server: check, save, apply, import, export ------------------------------------

function clearProblems() {
  problemsBox.hidden = true;
  problemsBox.replaceChildren();
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of root.querySelectorAll(".de-error")) el.remove();
}

function findField(loc) {
  // the field itself, else its closest enclosing block (a list, an object, the settings)
  for (let l = loc; l; l = l.replace(/(\[\d+\]|\.[^.[\]]+)$/, "")) {
    const el = root.querySelector(`[data-loc="${CSS.escape(l)}"]`);
    if (el) return el;
    if (!/(\[\d+\]|\.[^.[\]]+)$/.test(l)) break;
  }
  return null;
}

const TOP = { id: "Identifiant", title: "Titre", description: "Description", duration: "Durée",
  steps: "Étapes", consigne: "Consigne", help: "Aide", type: "Type d'activité" };

/** `steps[6].settings.votes.budget` → « Étape 7 (Titre) › Vote par points › Points par participant ». */
function placeName(loc) {
  const names = [];
  for (const [, key, index] of loc.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (key === "settings") continue;
    if (index !== undefined) {
      const last = names.length - 1;
      if (names[last] === "Étapes") {
        const step = state.deroule.steps[Number(index)];
        names[last] = `Étape ${Number(index) + 1}${step && step.title ? ` (${step.title})` : ""}`;
      } else names.push(`n° ${Number(index) + 1}`);
    } else names.push(config.labels[key] || TOP[key] || key);
  }
  return names.join(" › ");
}

function showProblems(problems, intro) {
  clearProblems();
  const list = h("ul");
  for (const p of problems) {
    const el = p.loc ? findField(p.loc) : null;
    const text = `${p.loc ? placeName(p.loc) + " : " : ""}${p.message}`;
    if (el) {
      const step = el.closest("details");
      if (step) step.open = true;
      const msgId = fid();
      const field = el.closest("[data-field]") || el;
      field.append(h("p", { class: "de-error", id: msgId, text: p.message }));
      if (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", msgId);
      }
      list.append(h("li", {}, h("a", { href: `#${el.id || msgId}`, text })));
    } else list.append(h("li", { text }));
  }
  problemsBox.append(h("p", { text: intro }), list);
  problemsBox.hidden = false;
  problemsBox.focus();
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
    body: JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch { data = { ok: false, error: "Réponse illisible du serveur." }; }
  return data;
}

function payload() {
  return { ...state.deroule, steps: state.deroule.steps.map(({ locked, ...step }) => step) };
}

async function run(url, body, done) {
  say("Vérification…");
  try {
    const data = await post(url, body);
    if (data.ok) { clearProblems(); done(data); return; }
    if (data.problems) {
      showProblems(data.problems, `Le déroulé n'est pas enregistré : ${data.problems.length} problème(s) à corriger.`);
      say("");
    } else showProblems([], data.error || "Erreur du serveur : rien n'a été enregistré.");
  } catch {
    showProblems([], "Le serveur ne répond pas : rien n'a été enregistré. Réessayez.");
  }
}

function download(text, name) {
  const link = h("a", { href: URL.createObjectURL(new Blob([text], { type: "application/yaml" })), download: name });
  document.body.append(link); link.click(); link.remove();
}

function actions() {
  const shareId = fid();
  const fileId = fid();
  const share = h("input", { id: shareId, type: "checkbox", checked: config.shared });
  const file = h("input", { id: fileId, type: "file", accept: ".yaml,.yml,text/yaml", class: "de-file" });
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    const text = await chosen.text();
    run(config.urls.check, { yaml: text }, (data) => {
      const keepId = config.mode === "atelier" ? state.deroule.id : data.deroule.id;
      state.deroule = { ...data.deroule, id: keepId };
      render();
      say(`Fichier « ${chosen.name} » importé : ${state.deroule.steps.length} étape(s). Enregistrez pour le garder.`);
    });
    file.value = "";
  });
  const buttons = [
    h("button", { type: "button", class: "btn", onClick: () => run(config.urls.check, { deroule: payload() },
      () => say("Le déroulé est valide.")) }, "Vérifier"),
  ];
  if (config.mode === "atelier") {
    buttons.unshift(h("button", { type: "button", class: "btn btn-primary", onClick: () =>
      run(config.urls.apply, { deroule: payload(), version: state.version }, (data) => {
        state.version = data.version; say(data.message);
      }) }, "Enregistrer le déroulé de l'atelier"));
  }
  buttons.push(h("button", { type: "button", class: config.mode === "atelier" ? "btn" : "btn btn-primary",
    onClick: () => run(config.urls.save, { deroule: payload(), shared: share.checked }, (data) => say(data.message)) },
  config.mode === "atelier" ? "Enregistrer aussi comme déroulé" : "Enregistrer le déroulé"));
  buttons.push(h("button", { type: "button", class: "btn", onClick: () => run(config.urls.check, { deroule: payload() },
    (data) => { download(data.yaml, `${state.deroule.id || "deroule"}.yaml`); say("Fichier YAML exporté."); }) }, "Exporter en YAML"));
  return h("section", { class: "de-actions", "aria-label": "Enregistrer" },
    h("div", { class: "button-row" }, ...buttons),
    h("div", { class: "de-check" }, share, h("label", { for: shareId, text: "Partager avec les autres animateurs" })),
    h("div", { class: "field" }, h("label", { for: fileId, text: "Importer un fichier YAML (remplace le déroulé affiché)" }), file));
}

function library_panel() {
  const selectId = fid();
  const select = h("select", { id: selectId }, config.library.map((t) => h("option", { value: t.type, text: t.label })));
  const help = h("p", { class: "hint", text: config.library[0]?.help || "" });
  select.addEventListener("change", () => { help.textContent = library[select.value]?.help || ""; });
  return h("section", { class: "de-library", "aria-labelledby": "de-lib-title" },
    h("h2", { id: "de-lib-title", text: "Bibliothèque de méthodes" }),
    h("div", { class: "field" }, h("label", { for: selectId, text: "Type d'activité" }), select), help,
    h("button", { type: "button", class: "btn btn-primary", onClick: () => addStep(select.value) }, "Ajouter l'étape"));
}

function render() {
  root.replaceChildren(
    problemsBox, status,
    h("div", { class: "de-layout" },
      h("div", { class: "de-main" }, header(), h("h2", { text: "Étapes" }), stepsList),
      h("aside", { class: "de-side" }, library_panel(), actions(), previewBox)));
  renderSteps();
  if (state.deroule.steps.length) showPreviewQuiet(0);
}

function showPreviewQuiet(index) {
  const step = state.deroule.steps[index];
  const type = library[step.type];
  previewBox.replaceChildren(h("h2", { id: "de-preview-title", tabindex: "-1", text: `Aperçu participant — étape ${index + 1}` }),
    preview(step, index, type ? type.label : step.type));
}

render();
