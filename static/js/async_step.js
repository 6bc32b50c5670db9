// Board of a step open for asynchronous contributions between ateliers
// (templates/async_board.html, docs/cycle-life.md): shows that step, whatever the atelier's
// state or current step, and lets participants contribute until the deadline.

import { bindAddForm } from "./activities/cartes/form.js";
import { ModerationQueue } from "./activities/cartes/moderation.js";
import { startPage } from "./page.js";
import { $, plural, renderStepHeader, setText } from "./ui.js";

const root = $("board-app");
const stepId = Number(root.dataset.stepId);
const until = Date.parse(root.dataset.asyncUntil || "");

function open() {
  return Number.isFinite(until) && Date.now() < until;
}

let updateForm = () => {};

const page = startPage("board-app", {
  viewedStepId: () => stepId,
  render,
});

// the animateur moderates a step with `moderation: true` while it is open (the server's rule:
// services/live_common.require_writer)
const queueRoot = $("moderation");
const queue =
  queueRoot && page.role === "animateur"
    ? new ModerationQueue(queueRoot, {
        store: page.store,
        live: page.live,
        onChange: () => page.draw(),
        onError: page.showError,
      })
    : null;

// the page stays open past the deadline: redraw then (the forms disappear)
if (open() && until - Date.now() < 2 ** 31) setTimeout(() => page.schedule(), until - Date.now() + 50);

updateForm = bindAddForm({
  live: page.live,
  onError: page.showError,
  getStep: () => page.store.steps.get(stepId) || null,
  canAdd: (step) => page.role === "participant" && open() && step.columns.length > 0,
  whyNot: () =>
    "La date limite est passée : votre texte n'a pas été envoyé. Il reste affiché ci-dessous pour que vous puissiez le copier.",
});

function render(p) {
  const step = p.store.steps.get(stepId) || null;
  renderStepHeader(step, 0, 0);
  setText($("state-message"), step ? "" : "Cette étape n'existe plus.");
  if (!step) return;
  setText(
    $("step-status"),
    open() ? "" : "La date limite est passée : les contributions sont closes pour cette étape.",
  );
  updateForm();
  // parts of the views that only know the live rule decide from the atelier's state and
  // current step what to show: while the step is open, present it to them as the live,
  // current, unlocked step — for this drawing only, so that the store keeps the real atelier
  // and the forms go away once the deadline passes (the server applies the real rule:
  // Step.require_writable; the views' write rule, ActivityView.rights, reads
  // data-async-until itself)
  const real = p.store.atelier;
  // the animateur's card verbs (edit, delete, mask, moderation) follow the same window
  // (services/live_common.require_writer), like the activity views' actions
  const present = open();
  if (present && real && (real.state !== "en_cours" || real.current_step_id !== stepId)) {
    p.store.atelier = { ...real, state: "en_cours", current_step_id: stepId };
  }
  try {
    p.renderStep(present ? { ...step, locked: false } : step);
  } finally {
    p.store.atelier = real;
  }
  if (queue) queue.render(open() ? step : null);
  const votesLeft = $("votes-left");
  if (step.votes && p.role === "participant") {
    const { budget, max_per_card: cap } = step.votes;
    const left = Math.max(0, budget - p.board.lastUsed);
    setText(votesLeft, `Votes restants : ${left} sur ${budget} (${plural(cap, "vote", "votes")} au plus par carte)`);
  } else {
    setText(votesLeft, "");
  }
}
