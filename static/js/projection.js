// Projector view (templates/projection.html): the wall. The current step on one 16:9 screen,
// nothing to click: the cycle's questions as one strip, long content paged by itself at a
// readable pace, the QR code in a corner (« Q » on this screen hides / shows it, « V » shows
// the step's next view).

import { attachGroups, renderWall } from "./groups.js";
import { startPage, stepPosition } from "./page.js";
import { $, h, plural, renderStepHeader, setText } from "./ui.js";

/** Seconds a page of long content stays on the wall before the next one. */
const PAGE_SECONDS = 12;
const QR_KEY = "facilitator.wall.qr";
/** What a wall does not offer (hidden by projection.css; tab stops removed here). */
const FOCUSABLE = "[tabindex]";

const page = startPage("projection-app", {
  viewedStepId: (p) => p.store.atelier && p.store.atelier.current_step_id,
  render,
  onPresence: (p, data) => {
    setText($("presence-online"), plural(data.online || 0, "participant connecté", "participants connectés"));
  },
  board: { sortByVotes: true, headingLevel: 2 },
});
// sub-groups (issue 18): every group in a grid, or one at a time
const groupsState = attachGroups(page);
const groupsWall = h("div", { id: "groups-wall", class: "wall-groups", hidden: true });
$("board").before(groupsWall);

function render(p) {
  const { store } = p;
  const atelier = store.atelier;
  const step = atelier.state === "prepare" ? null : store.currentStep();
  const join = $("projection-join");
  if (join) join.hidden = atelier.state === "clos" || qrHidden();
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
  document.body.dataset.stepType = step ? step.type : "";
  renderStrip(store, step);
  const walled = renderWall(p, groupsWall, step, groupsState);
  $("board").hidden = walled;
  p.renderStep(walled ? null : step);
  for (const el of $("stage").querySelectorAll(FOCUSABLE)) el.removeAttribute("tabindex");
  pager.update(step);
}

// --- the cycle's questions, one line -------------------------------------------------------

let stripKey = "";

/** Q1…Qn from the shown step's state (or any step's that carries the questions). */
function renderStrip(store, step) {
  const states = Object.values(store.activity || {});
  const own = step && store.activity ? store.activity[step.id] : null;
  const source = own && Array.isArray(own.questions) ? own : states.find((s) => s && Array.isArray(s.questions));
  const questions = step && source ? source.questions.filter((q) => q.active) : [];
  const key = JSON.stringify(questions.map((q) => [q.number, q.text]));
  if (key === stripKey) return;
  stripKey = key;
  const strip = $("question-strip");
  strip.hidden = questions.length === 0;
  strip.replaceChildren(...questions.map((q) => h("li", { class: "question-strip__item", title: q.text },
    h("strong", { text: `Q${q.number}` }), ` ${q.text}`)));
}

// --- long content: pages, one after the other ------------------------------------------------

class Pager {
  constructor(stage, label) {
    this.stage = stage;
    this.label = label;
    this.index = 0;
    this.stepId = null;
    this.timer = null;
  }

  pages() {
    const { scrollHeight, clientHeight } = this.stage;
    if (clientHeight <= 0 || scrollHeight <= clientHeight + 2) return 1;
    return Math.ceil((scrollHeight - 2) / (clientHeight * 0.9));
  }

  update(step) {
    const id = step ? step.id : null;
    if (id !== this.stepId) {
      this.stepId = id;
      this.index = 0;
    }
    const count = this.pages();
    if (this.index >= count) this.index = 0;
    this.show(count);
    if (count > 1 && !this.timer) {
      this.timer = setInterval(() => {
        this.index = (this.index + 1) % this.pages();
        this.show(this.pages());
      }, PAGE_SECONDS * 1000);
    } else if (count <= 1 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  show(count) {
    const last = Math.max(0, this.stage.scrollHeight - this.stage.clientHeight);
    this.stage.scrollTop = Math.min(last, Math.round(this.index * this.stage.clientHeight * 0.9));
    this.label.hidden = count <= 1;
    setText(this.label, count > 1 ? `Page ${this.index + 1} sur ${count} (la suite dans ${PAGE_SECONDS} s)` : "");
  }
}

const pager = new Pager($("stage"), $("stage-page"));
window.addEventListener("resize", () => page.schedule());

// --- the QR code: hidden or shown with « Q », remembered by this screen ---------------------------

let qrState = (() => {
  try {
    return localStorage.getItem(QR_KEY) || "shown";
  } catch {
    return "shown";
  }
})();

function qrHidden() {
  return qrState === "hidden";
}

/** « V » on this screen: the step's next view (map / table, chain / écosystème, table /
 * chronologie), the views' own mode buttons being hidden on the wall. */
function nextView() {
  const modes = [...$("stage").querySelectorAll("button[data-mode]")];
  if (modes.length < 2) return;
  const pressed = modes.findIndex((b) => b.getAttribute("aria-pressed") === "true");
  modes[(pressed + 1) % modes.length].click();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "v" || event.key === "V") {
    nextView();
    return;
  }
  if (event.key !== "q" && event.key !== "Q") return;
  qrState = qrHidden() ? "shown" : "hidden";
  try {
    localStorage.setItem(QR_KEY, qrState);
  } catch {
    /* storage disabled: the choice lasts until the page reloads */
  }
  page.draw();
});
