// The console's event log (templates/console.html, « Qui a fait quoi »): each animateur
// action received live or replayed says who did it — « Camille a verrouillé l'étape ».
// The animateurs' envelopes carry `by: {id, name}` (docs/protocol.md); participants'
// changes carry none and are not listed here (the full journal page lists everything).

import { h } from "../ui.js";

const LIMIT = 40;
const FLAGS = ["locked", "cards_visible", "results_visible", "anonymous"];

function quoted(title) {
  return `« ${title} »`;
}

function stepText(step, old) {
  const title = quoted(step.title);
  if (!old) return `a modifié l'étape ${title}`;
  if (step.locked !== old.locked) {
    return step.locked ? `a verrouillé l'étape ${title}` : `a déverrouillé l'étape ${title}`;
  }
  if (step.cards_visible !== old.cards_visible) {
    return step.cards_visible ? `a dévoilé les cartes de l'étape ${title}` : `a retourné les cartes de l'étape ${title}`;
  }
  if (step.results_visible !== old.results_visible) {
    return step.results_visible ? `a affiché les résultats de l'étape ${title}` : `a masqué les résultats de l'étape ${title}`;
  }
  if (step.anonymous !== old.anonymous) {
    return step.anonymous ? `a rendu anonyme l'étape ${title}` : `a levé l'anonymat de l'étape ${title}`;
  }
  return `a modifié l'étape ${title}`;
}

function describe(change, store, known) {
  const d = change.data;
  switch (change.type) {
    case "step.changed": {
      const step = store.steps.get(d.current_step_id);
      return step ? `a emmené tout le monde à l'étape ${quoted(step.title)}` : "a changé d'étape";
    }
    case "step.updated":
      return d.step ? stepText(d.step, known.steps.get(d.step.id)) : "a modifié une étape";
    case "timer.updated": {
      const t = d.timer || {};
      if (t.running) return "a lancé le minuteur";
      return t.remaining != null ? "a mis le minuteur en pause" : "a arrêté le minuteur";
    }
    case "atelier.updated": {
      const state = d.atelier && d.atelier.state;
      if (state !== known.state && state === "en_cours") return "a démarré l'atelier";
      if (state !== known.state && state === "clos") return "a clos l'atelier";
      return "a modifié le déroulé";
    }
    case "card.added":
      return "a ajouté une carte";
    case "card.updated":
      return "a modifié une carte";
    case "card.deleted":
      return "a supprimé une carte";
    case "participant.merged":
      return "a réuni deux participants";
    case "participant.revoked":
      return "a réinitialisé le code personnel d'un participant";
    case "team.member_removed":
      return "a retiré une personne de l'équipe";
    default:
      return "a fait une modification";
  }
}

/** Fill `list` (an <ol>) with the animateurs' actions, newest first. */
export function bindActivityLog(store, list) {
  if (!list) return;
  const known = { steps: new Map(), state: null };
  const remember = () => {
    for (const step of store.steps.values()) {
      known.steps.set(step.id, Object.fromEntries(FLAGS.map((f) => [f, step[f]]).concat([["title", step.title]])));
    }
    known.state = store.atelier ? store.atelier.state : null;
  };
  let last = null; // {key, count, li, text}
  store.subscribe((change) => {
    if (change.by && change.by.name && change.type !== "ack" && change.type !== "snapshot") {
      const what = describe(change, store, known);
      const key = `${change.by.id}|${what}`;
      const at = new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      if (last && last.key === key && list.firstChild === last.li) {
        last.count += 1;
        last.li.replaceChildren(h("time", { text: at }), ` ${change.by.name} ${what} (${last.count} fois)`);
      } else {
        const li = h("li", { class: "activity-log__item" }, h("time", { text: at }), ` ${change.by.name} ${what}`);
        list.prepend(li);
        last = { key, count: 1, li };
        while (list.children.length > LIMIT) list.lastChild.remove();
      }
      list.closest("details")?.querySelector(".activity-log__empty")?.remove();
    }
    remember();
  });
}
