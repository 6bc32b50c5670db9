// Shared boot of the live pages (participant / read-only board, console, projection):
// store + connection + board + timer + announcements, re-rendered once per frame.

import { personalHandler } from "./activities/cartes/form.js";
import { View as CartesBoard } from "./activities/cartes/view.js";
import { ActivityHost } from "./activities/registry.js";
import { Live } from "./live.js";
import { Store } from "./store.js";
import { $, Announcer, TimerView, makeAlerts, showConnection } from "./ui.js";

/**
 * options.render(page): draws the page from page.store.
 * options.viewedStepId(page): the step whose new cards are announced.
 * options.board: extra CartesBoard options (sortByVotes, headingLevel).
 */
export function startPage(rootId, options) {
  const root = $(rootId);
  const role = root.dataset.role;
  const store = new Store(role);
  const showError = makeAlerts($("alerts"));
  const announcer = new Announcer($("announcer"));
  const timer = new TimerView($("timer"), { onElapsed: () => announcer.say("Temps écoulé") });
  const page = { root, role, store, showError, announcer, timer, presence: null };

  let frame = 0;
  let prefetched = false;
  const draw = () => {
    cancelAnimationFrame(frame);
    frame = 0;
    if (!store.loaded) return;
    options.render(page);
    timer.update(store.atelier && store.atelier.timer, store.clockOffset);
    if (!prefetched) {
      // the other steps' views, while nothing happens: a step change then paints at once
      prefetched = true;
      page.host.prefetch(store.stepList());
    }
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  page.draw = draw;
  page.schedule = schedule;

  page.live = new Live({
    token: root.dataset.socketToken,
    role,
    atelierId: root.dataset.atelierId,
    store,
    onStatus: (state) => showConnection($("conn-status"), state),
    onError: showError,
    onOutbox: schedule,
    onPersonal: (item, error) => page.onPersonal(item, error),
    onPresence: (data) => {
      page.presence = data;
      if (options.onPresence) options.onPresence(page, data);
    },
  });
  // the cartes board: the default view (activities/cartes/view.js)
  page.board = new CartesBoard(page, $("board"), options.board);
  // steps whose type has its own view (activities/registry.js); the others: the board
  page.host = new ActivityHost(page, $("board"));
  page.renderStep = (step) => page.host.render(step);
  page.onPersonal = personalHandler({ live: page.live, board: page.board, onError: showError });

  const flags = new Map();
  let state = null;
  store.subscribe((change) => {
    if (change.live && change.type !== "snapshot") announce(page, change, flags, state, options);
    for (const s of store.steps.values()) flags.set(s.id, { ...s });
    state = store.atelier && store.atelier.state;
    schedule();
  });
  page.live.start();
  return page;
}

function announce(page, change, flags, state, options) {
  const { store, announcer } = page;
  const d = change.data;
  const viewed = options.viewedStepId(page);
  if (change.type === "card.added" && d.card.step_id === viewed) {
    const mine = store.isMine(d.card) || (store.role === "animateur" && d.card.by_animateur);
    if (!mine) announcer.cards(1);
  } else if (change.type === "step.changed") {
    const step = store.steps.get(d.current_step_id);
    if (step) announcer.say(`Nouvelle étape : ${step.title}`);
  } else if (change.type === "step.updated" && d.step.id === viewed) {
    const old = flags.get(d.step.id) || {};
    const s = d.step;
    if (s.cards_visible && !old.cards_visible) announcer.say("Les cartes sont dévoilées");
    if (!s.cards_visible && old.cards_visible) announcer.say("Les cartes sont retournées");
    if (s.results_visible && !old.results_visible) announcer.say("Résultats des votes affichés");
    if (s.locked && !old.locked) announcer.say("Contributions verrouillées");
    if (!s.locked && old.locked) announcer.say("Contributions rouvertes");
  } else if (change.type === "atelier.updated" && d.atelier.state !== state) {
    if (d.atelier.state === "en_cours") announcer.say("L'atelier a commencé");
    if (d.atelier.state === "clos") announcer.say("L'atelier est clos");
  }
}

/** Index and count of a step, for "Étape 2 sur 5". */
export function stepPosition(store, step) {
  const list = store.stepList();
  return [list.findIndex((s) => s.id === step.id), list.length];
}
