// Participant board and read-only view (templates/board.html): follows the current step.

import { bindAddForm } from "./activities/cartes/form.js";
import { attachGroups, renderPhone } from "./groups.js";
import { startPage, stepPosition } from "./page.js";
import { bindRemote } from "./remote.js";
import { $, h, plural, renderStepHeader, setText } from "./ui.js";

const MESSAGES = {
  prepare: "L'atelier n'a pas encore commencé. Gardez cette page ouverte : elle s'actualisera dès que l'animateur le lancera.",
  clos: "L'atelier est clos : merci pour votre participation ! Les dernières cartes restent affichées ci-dessous.",
  nostep: "L'atelier a commencé : la première étape va s'afficher.",
};

let updateForm = () => {};

const WATCH_SCREEN = "Regardez l'écran : rien à faire sur votre téléphone pendant cette étape.";

/** The step asks nothing of this participant now: locked, or a cartes step without columns
 * (the animateur presents). The views of other types say what they expect themselves. */
function nothingToDo(p, step) {
  if (!step || p.role !== "participant" || p.store.atelier.state !== "en_cours") return false;
  return step.locked || (step.type === "cartes" && step.columns.length === 0);
}

const page = startPage("board-app", {
  viewedStepId: (p) => p.store.atelier && p.store.atelier.current_step_id,
  render,
  onPresence: renderAway,
});
// sub-groups (issue 18): the participant's group, under the step's consigne
const groupsState = attachGroups(page);
const groupsBanner = h("section", { id: "groups-banner", class: "groups-banner", "aria-labelledby": "groups-banner-title", hidden: true });
$("step").after(groupsBanner);

bindRemote(page);

// a reset of the person's personal code closes this device's connection: say why
page.store.subscribe((change) => {
  if (change.live && change.type === "participant.revoked" && change.data.message_fr) {
    page.showError(change.data.message_fr);
  }
});

// the author hears what the animateur decided about their held cards
page.store.subscribe((change) => {
  const card = change.live && change.type === "card.updated" && change.data.card;
  if (!card || !page.store.isMine(card)) return;
  if (card.moderation === "accepted") page.announcer.say("Votre carte est validée : tout le monde la voit");
  if (card.moderation === "rejected") {
    const why = card.moderation_reason ? ` : ${card.moderation_reason}` : "";
    page.announcer.say(`Votre carte a été refusée par l'animateur${why}`);
  }
});

updateForm = bindAddForm({
  live: page.live,
  onError: page.showError,
  getStep: () => page.store.currentStep(),
  canAdd: (step) =>
    page.role === "participant" && page.store.atelier.state === "en_cours" && !step.locked &&
    step.columns.length > 0,
  whyNot: (step) =>
    page.store.atelier.state === "clos"
      ? "L'atelier est clos : votre texte n'a pas été envoyé. Il reste affiché ci-dessous pour que vous puissiez le copier."
      : step.locked
        ? "Les contributions sont verrouillées : votre texte est conservé ci-dessous, vous pourrez l'envoyer si l'animateur les rouvre."
        : "Envoi impossible pour l'instant : votre texte est conservé ci-dessous.",
});

/** "The animateur left" notice (presence.animateurs == 0 while the atelier runs). */
function renderAway(p) {
  const atelier = p.store.atelier;
  const away = Boolean(p.presence && p.presence.animateurs === 0 && atelier && atelier.state === "en_cours");
  setText($("animateur-away"), away ? "L'animateur s'est déconnecté : vos contributions sont conservées." : "");
}

function render(p) {
  const { store } = p;
  const atelier = store.atelier;
  const step = store.currentStep();
  const started = atelier.state !== "prepare";
  let message = "";
  if (atelier.state === "prepare") message = MESSAGES.prepare;
  else if (atelier.state === "clos") message = MESSAGES.clos;
  else if (!step) message = MESSAGES.nostep;
  setText($("state-message"), message);

  const shown = started ? step : null;
  const [index, count] = shown ? stepPosition(store, shown) : [0, 0];
  renderStepHeader(shown, index, count);
  $("statusbar-title").textContent = shown ? shown.title : atelier.title;
  $("consigne-link").hidden = !shown; // the consigne, one tap away wherever one scrolled
  if (shown) {
    let status = "";
    if (shown.locked && atelier.state === "en_cours") {
      status = "Les contributions sont verrouillées pour cette étape.";
    } else if (!shown.cards_visible) {
      status = "Les cartes des autres participants restent retournées jusqu'à ce que l'animateur les dévoile.";
    } else if (shown.moderation && p.role === "participant" && atelier.state === "en_cours") {
      status = "Vos cartes s'affichent pour tous après validation par l'animateur.";
    }
    setText($("step-status"), status);
  }
  setText($("watch-screen"), nothingToDo(p, shown) ? WATCH_SCREEN : "");
  requestAnimationFrame(renderSectionNav); // once the step's view is drawn
  renderAway(p);
  if (p.role === "participant") renderPhone(p, groupsBanner, shown, groupsState);
  updateForm();
  p.renderStep(shown);
  const votesLeft = $("votes-left");
  if (shown && shown.votes && p.role === "participant") {
    const { budget, max_per_card: cap } = shown.votes;
    const left = Math.max(0, budget - p.board.lastUsed);
    setText(
      votesLeft,
      `Votes restants : ${left} sur ${budget} (${plural(cap, "vote", "votes")} au plus par carte)`,
    );
  } else {
    setText(votesLeft, "");
  }
}

// --- long activity pages: their sections, one tap away (sticky, under the status bar) -------

let navKey = "";

/** A page several screens long with at least three sections (the activity view's h3
 * headings: the charte's text and amendments, the map's lists…) gets a row of links to them
 * in the sticky status bar. */
function renderSectionNav() {
  const nav = $("page-nav");
  const activity = document.getElementById("activity");
  const long = document.documentElement.scrollHeight > 2.5 * window.innerHeight;
  const visible = (level) => [...activity.querySelectorAll(level)]
    .filter((el) => el.offsetParent !== null && el.textContent.trim());
  let shown = [];
  if (activity && !activity.hidden && long) {
    // the view's sections; or, when it has few, theirs (the charte's nine sections)
    shown = visible("h3");
    if (shown.length < 3) shown = visible("h4");
    if (shown.length < 3) shown = [];
  }
  const key = shown.map((el) => el.textContent).join("\n");
  if (key === navKey) return;
  navKey = key;
  nav.hidden = shown.length === 0;
  $("page-nav-list").replaceChildren(...shown.map((el, i) => {
    if (!el.id) el.id = `section-${i + 1}`;
    const link = h("a", { href: `#${el.id}`, text: el.textContent.trim().replace(/\s+/g, " ").slice(0, 40) });
    link.addEventListener("click", (event) => {
      event.preventDefault();
      el.scrollIntoView({ block: "start" });
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
      el.focus({ preventScroll: true });
    });
    return h("li", {}, link);
  }));
}
