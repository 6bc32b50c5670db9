// Projector view (templates/projection.html): current step, live cards, no controls.

import { startPage, stepPosition } from "./page.js";
import { $, plural, renderStepHeader, setText } from "./ui.js";

startPage("projection-app", {
  viewedStepId: (p) => p.store.atelier && p.store.atelier.current_step_id,
  render,
  onPresence: (p, data) => {
    setText($("presence-online"), plural(data.online || 0, "participant connecté", "participants connectés"));
  },
  board: { sortByVotes: true, headingLevel: 2 },
});

function render(p) {
  const { store } = p;
  const atelier = store.atelier;
  const step = atelier.state === "prepare" ? null : store.currentStep();
  const join = $("projection-join");
  if (join) join.hidden = atelier.state === "clos";
  let message = "";
  if (atelier.state === "prepare") message = "L'atelier va commencer : rejoignez-le dès maintenant.";
  if (atelier.state === "clos") message = "Atelier clos. Merci à toutes et à tous !";
  setText($("state-message"), message);
  if (step) {
    const [index, count] = stepPosition(store, step);
    renderStepHeader(step, index, count);
  } else {
    setText($("step-number"), atelier.cycle);
    setText($("step-title"), atelier.title);
    setText($("step-consigne"), "");
  }
  document.body.classList.toggle("has-results", Boolean(step && step.votes && step.results_visible));
  p.renderStep(step);
}
