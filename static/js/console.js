// Animateur console (templates/console.html): steer the atelier, watch presence, curate cards.

import { bindAddForm } from "./activities/cartes/form.js";
import { ModerationQueue } from "./activities/cartes/moderation.js";
import { bindActivityLog } from "./console/activity_log.js";
import { bindSelection } from "./console/selection.js";
import { bindShortcuts } from "./console/shortcuts.js";
import { Toolbar } from "./console/toolbar.js";
import { attachGroups, renderConsole } from "./groups.js";
import { startPage, stepPosition } from "./page.js";
import { $, h, plural, renderStepHeader, setText, stepFlagsText, syncChildren } from "./ui.js";

let selectedId = null; // step shown here; null: follow the current step
let durationFor = null; // step whose duration pre-filled the timer input
const stepItems = new Map(); // step id → {li, goto, view}
let updateForm = () => {};
let queue = null; // moderation queue (steps with `moderation: true`)

const page = startPage("console-app", {
  viewedStepId: () => viewedStep() && viewedStep().id,
  render,
  onPresence: renderPresence,
});
const { store, live } = page;
// sub-groups (issue 18): the group grid of the viewed step, under its consigne
attachGroups(page);
const groupsUi = { open: null };
const groupsPanel = h("section", { id: "groups-panel", class: "card-panel groups-panel", "aria-labelledby": "groups-title", hidden: true });
$("step").after(groupsPanel);
const toolbar = new Toolbar($("control-bar"));
bindActivityLog(store, $("activity-log"));
bindSelection(page, {
  board: $("board"),
  bar: $("selection-bar"),
  viewedStepId: () => viewedStep() && viewedStep().id,
});

function viewedStep() {
  if (!store.loaded) return null;
  return (selectedId && store.steps.get(selectedId)) || store.currentStep() || store.stepList()[0] || null;
}

queue = new ModerationQueue($("moderation"), {
  store,
  live,
  onChange: () => page.draw(),
  onError: page.showError,
});

updateForm = bindAddForm({
  live,
  onError: page.showError,
  getStep: viewedStep,
  canAdd: (step) => store.atelier.state === "en_cours" && step.columns.length > 0,
});

// --- controls ------------------------------------------------------------------------------

function enable(button, on) {
  if (on) button.removeAttribute("aria-disabled");
  else button.setAttribute("aria-disabled", "true");
}

function guarded(button, fn) {
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-disabled") !== "true") fn();
  });
}

guarded($("atelier-start"), () => live.request("atelier_start", {}));
guarded($("atelier-close"), async () => {
  const res = await live.request("atelier_close", {});
  if (res.ok) $("close-confirm").open = false;
});

for (const button of document.querySelectorAll("[data-flag]")) {
  guarded(button, () => {
    const step = viewedStep();
    if (!step) return;
    const flag = button.dataset.flag;
    live.request("step_flags", { step_id: step.id, [flag]: !step[flag] });
  });
}

/** The step before (-1) or after (+1) the current one, or null. */
function neighbour(delta) {
  const list = store.stepList();
  const current = store.currentStep();
  const index = current ? list.findIndex((s) => s.id === current.id) : -1;
  return list[index + delta] || null;
}

async function gotoStep(step) {
  if (!step || store.atelier.state !== "en_cours") return;
  const res = await live.request("step_goto", { step_id: step.id });
  if (res.ok) selectedId = null;
  page.draw();
}

guarded($("step-prev"), () => gotoStep(neighbour(-1)));
guarded($("step-next"), () => gotoStep(neighbour(1)));

guarded($("timer-start"), () => {
  const minutes = Number($("timer-minutes").value);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 240) {
    page.showError("Durée du minuteur : entre 1 et 240 minutes.");
    return;
  }
  live.request("timer", { action: "start", seconds: Math.max(1, Math.round(minutes * 60)) });
});
guarded($("timer-pause"), () => live.request("timer", { action: "pause" }));
guarded($("timer-resume"), () => live.request("timer", { action: "resume" }));
guarded($("timer-add"), () => live.request("timer", { action: "add", seconds: 60 }));
guarded($("timer-stop"), () => live.request("timer", { action: "stop" }));

// --- panels (« Faire rejoindre », « Raccourcis ») and shortcuts -----------------------------

const panels = ["join", "shortcuts"].map((name) => ({ toggle: $(`${name}-toggle`), panel: $(`${name}-panel`) }));

function showPanel(entry, open) {
  entry.panel.hidden = !open;
  entry.toggle.setAttribute("aria-expanded", String(open));
  if (open) {
    for (const other of panels) if (other !== entry) showPanel(other, false);
    entry.panel.querySelector("h2").setAttribute("tabindex", "-1");
    entry.panel.querySelector("h2").focus();
  }
}

for (const entry of panels) {
  entry.toggle.addEventListener("click", () => showPanel(entry, entry.panel.hidden));
  entry.panel.querySelector("[data-close]").addEventListener("click", () => {
    showPanel(entry, false);
    entry.toggle.focus();
  });
}

/** Press a bar command (the same path as a click: disabled ones say no). */
function press(id) {
  const button = $(id);
  if (button && !button.hidden) button.click();
}

bindShortcuts(
  {
    n: () => press("step-next"),
    p: () => press("step-prev"),
    v: () => press("flag-locked"),
    c: () => press("flag-cards"),
    r: () => press("flag-results"),
    a: () => press("flag-anonymous"),
    t: () => ["timer-start", "timer-pause", "timer-resume"].map($).find((b) => !b.hidden)?.click(),
    "+": () => press("timer-add"),
    j: () => press("join-toggle"),
    "?": () => press("shortcuts-toggle"),
  },
  () => {
    const open = panels.find((entry) => !entry.panel.hidden);
    if (!open) return false;
    showPanel(open, false);
    open.toggle.focus();
    return true;
  },
);

$("view-current").addEventListener("click", () => {
  selectedId = null;
  page.draw();
});

for (const button of document.querySelectorAll("[data-copy]")) {
  const label = button.textContent;
  button.addEventListener("click", async () => {
    const input = $(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    button.textContent = "Copié !";
    page.announcer.say("Lien copié dans le presse-papiers");
    setTimeout(() => {
      button.textContent = label;
    }, 2000);
  });
}

// --- rendering -----------------------------------------------------------------------------

function render(p) {
  const atelier = store.atelier;
  const current = store.currentStep();
  const step = viewedStep();
  $("atelier-state").textContent = atelier.state_label;
  $("atelier-start").hidden = atelier.state !== "prepare";
  $("close-confirm").hidden = atelier.state !== "en_cours";
  if ($("join-code-block")) $("join-code-block").hidden = atelier.state === "clos";
  $("join-closed").hidden = atelier.state !== "clos";
  let message = "";
  if (atelier.state === "prepare") message = "Atelier préparé : les participants qui rejoignent attendent que vous le démarriez.";
  if (atelier.state === "clos") message = "Atelier clos : le tableau est en lecture seule.";
  setText($("state-message"), message);

  renderSteps(current);
  renderBar(current, atelier);
  const elsewhere = step && current && step.id !== current.id;
  $("view-banner").hidden = !elsewhere;
  if (elsewhere) {
    $("view-banner-text").textContent =
      `Aperçu de « ${step.title} » : les participants sont sur « ${current.title} ». `;
  }

  const [index, count] = step ? stepPosition(store, step) : [0, 0];
  renderStepHeader(step, index, count);
  if (step) setText($("step-status"), atelier.state === "clos" ? "Atelier clos" : stepFlagsText(step));
  renderControls(step, atelier);
  if (queue) queue.render(step);
  renderConsole(p, groupsPanel, atelier.state === "clos" ? null : step, groupsUi);
  updateForm();
  p.renderStep(step);
}

function renderBar(current, atelier) {
  const running = atelier.state === "en_cours";
  const [index, count] = current ? stepPosition(store, current) : [0, 0];
  $("bar-step").textContent = current ? `Étape ${index + 1}/${count} · ${current.title}` : "";
  $("bar-step").hidden = !current;
  $("step-prev").hidden = atelier.state === "prepare";
  $("step-next").hidden = atelier.state === "prepare";
  enable($("step-prev"), running && Boolean(neighbour(-1)));
  enable($("step-next"), running && Boolean(neighbour(1)));
  $("regenerate-links").hidden = atelier.state === "clos";
  toolbar.refresh();
}

function renderSteps(current) {
  const list = $("step-list");
  const viewed = viewedStep();
  const items = store.stepList().map((step, index) => {
    let item = stepItems.get(step.id);
    if (!item) {
      const goto = h("button", { type: "button", class: "step-list__goto", "data-step-id": step.id });
      const view = h("button", { type: "button", class: "btn btn-small step-list__view", text: "Aperçu",
        "aria-describedby": `step-name-${step.id}` });
      guarded(goto, async () => {
        const res = await live.request("step_goto", { step_id: step.id });
        if (res.ok) selectedId = null;
        page.draw();
      });
      view.addEventListener("click", () => {
        selectedId = step.id;
        page.draw();
      });
      item = { li: h("li", { class: "step-list__item" }, goto, view), goto, view };
      stepItems.set(step.id, item);
    }
    const isCurrent = current && current.id === step.id;
    const running = store.atelier.state !== "clos";
    let state = isCurrent && running ? "en cours" : step.status === "done" ? "terminée" : "";
    const held = store.cardsOf(step.id).filter((c) => c.moderation === "pending").length;
    if (held) state += `${state ? ", " : ""}${held} à valider`;
    const name = h("span", { id: `step-name-${step.id}`, text: `${index + 1}. ${step.title}` });
    item.goto.replaceChildren(name, state ? h("span", { class: "step-list__state", text: ` (${state})` }) : "");
    if (isCurrent) item.goto.setAttribute("aria-current", "step");
    else item.goto.removeAttribute("aria-current");
    enable(item.goto, store.atelier.state !== "clos");
    item.view.setAttribute("aria-pressed", String(viewed && viewed.id === step.id));
    item.li.classList.toggle("is-current", Boolean(isCurrent));
    return item.li;
  });
  syncChildren(list, items);
}

function renderControls(step, atelier) {
  const controls = $("controls");
  controls.hidden = !step;
  if (!step) return;
  const open = atelier.state !== "clos";
  $("flag-locked").textContent = step.locked ? "Déverrouiller" : "Verrouiller";
  $("flag-cards").textContent = step.cards_visible ? "Retourner les cartes" : "Dévoiler les cartes";
  $("flag-results").textContent = step.results_visible ? "Masquer les résultats" : "Afficher les résultats";
  $("flag-results").hidden = !step.votes;
  $("flag-cards").hidden = !step.columns.length; // steps without cards (activity views)
  $("flag-anonymous").setAttribute("aria-pressed", String(step.anonymous));
  for (const id of ["flag-locked", "flag-cards", "flag-results", "flag-anonymous"]) enable($(id), open);

  if (durationFor !== step.id) {
    durationFor = step.id;
    if (step.duration) $("timer-minutes").value = String(step.duration);
  }
  const t = atelier.timer || {};
  const paused = !t.running && t.remaining != null;
  $("timer-start").hidden = Boolean(t.running || paused);
  $("timer-pause").hidden = !t.running;
  $("timer-resume").hidden = !paused;
  $("timer-minutes").hidden = Boolean(t.running || paused);
  document.querySelector("label[for=timer-minutes]").hidden = Boolean(t.running || paused);
  enable($("timer-start"), open);
  enable($("timer-pause"), open && t.running);
  enable($("timer-resume"), open && paused);
  enable($("timer-add"), open && (t.running || paused));
  enable($("timer-stop"), open && (t.running || paused));
  toolbar.refresh();
}

function renderPresence(p, data) {
  const people = data.participants || [];
  const online = people.filter((x) => x.online).length;
  // issue 18: who takes part from a distance, and how many of those online
  const remote = people.filter((x) => x.online && x.remote).length;
  const distance = remote ? ` dont ${remote} à distance` : "";
  $("bar-online-text").textContent = `${online} en ligne${distance} sur ${people.length}`;
  $("presence-count").textContent =
    `${plural(online, "participant en ligne", "participants en ligne")}${distance} sur ${people.length}` +
    ` · ${plural(data.animateurs || 0, "animateur", "animateurs")}`;
  const sorted = [...people].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name, "fr"));
  $("presence-list").replaceChildren(
    ...sorted.map((x) =>
      h("li", { class: x.online ? "presence presence--online" : "presence" },
        h("span", { class: "presence__dot", "aria-hidden": "true" }),
        h("span", { text: x.structure ? `${x.name} (${x.structure})` : x.name }),
        x.remote ? h("span", { class: "presence__remote", text: "à distance" }) : null,
        h("span", { class: "presence__state", text: x.online ? " — en ligne" : " — hors ligne" })),
    ),
  );
}
