// Sub-groups of a step (issue 18, docs/groups.md): the phone's group banner (who is in my
// group, choosing one), the console's group grid (live counts, moving people, the mise en
// commun), the wall's grid or one group at a time, and messages to every group or to one.
// The server decides what each one sees (core/groups.py); a `groups.changed` envelope tells
// participants concerned and the wall to read their group again (a fresh snapshot).

import { focusRename, renameForm } from "./group_rename.js";
import { h, plural } from "./ui.js";

const FORMATIONS = {
  aleatoire: "Au hasard",
  mixte: "Mélangés par type de structure",
  choix: "Au choix des participants (un groupe par question essentielle)",
  manuel: "À la main",
};
const REMOTE = { indifferent: "Indifférent", ensemble: "Ensemble (leur propre groupe, une même visio)", melanges: "Mélangés dans tous les groupes" };
const PLACING = new Set(["aleatoire", "mixte"]);
const SEPARATE = new Set(["groupes", "restitution"]);

let sheet = null;
function loadStylesheet() {
  if (sheet) return;
  sheet = h("link", { rel: "stylesheet", href: new URL("../css/groups.css", import.meta.url).href });
  document.head.append(sheet);
}

/** The groups state of a step (null: it runs in plenary). */
export function groupsOf(store, step) {
  return (step && store.groups && store.groups[String(step.id)]) || null;
}

/** What a step's groups produced: its cards, and the items of the list its activity state
 * names in `group_items` (questions essentielles: `proposals`). Each has `group_id`, `text`. */
export function itemsOf(store, step) {
  const state = store.activity && store.activity[step.id];
  const extra = state && state.group_items && Array.isArray(state[state.group_items])
    ? state[state.group_items] : [];
  return [...store.cardsOf(step.id), ...extra];
}

/** What a grouped item says (a charte amendment that removes a clause: the clause). */
function itemText(item) {
  return item.text || (item.kind === "suppression" && item.base_text ? `Supprimer : ${item.base_text}` : "");
}

/** The name of a card's (or any grouped item's) group, for its tag ("" on a phone while groups work apart: every
 * card there is its own group's). */
export function groupName(store, card, stepId = card && card.step_id) {
  if (!card || !card.group_id || !store.groups) return "";
  const state = store.groups[String(stepId)];
  if (!state) { // a card carried from a step in groups (cards_from) keeps its group's name
    const from = Object.values(store.groups).flatMap((s) => s.groups).find((g) => g.id === card.group_id);
    return from ? from.name : "";
  }
  if (store.role === "participant" && SEPARATE.has(state.phase)) return "";
  const group = state.groups.find((g) => g.id === card.group_id);
  return group ? group.name : "";
}

/**
 * Wire the page: resync on `groups.changed` when concerned, show group messages.
 * Returns {message} (the last message for this viewer, shown by the page's renderer).
 */
export function attachGroups(page) {
  loadStylesheet();
  const { store, live } = page;
  const state = { message: null };
  store.subscribe(async (change) => {
    if (!change.live) return;
    if (change.type === "groups.message") {
      const d = change.data;
      const parts = [];
      if (d.text) parts.push(d.text);
      if (d.extra_minutes) parts.push(`${plural(d.extra_minutes, "minute", "minutes")} de plus`);
      const to = d.group_name ? `Au groupe « ${d.group_name} »` : "À tous les groupes";
      state.message = { step_id: d.step_id, text: `${to} : ${parts.join(" — ")}` };
      page.announcer.say(state.message.text);
      page.schedule();
      return;
    }
    if (change.type !== "groups.changed" || page.role === "animateur") return;
    const d = change.data;
    const me = store.me && store.me.id;
    if (d.state !== undefined) return; // the state came with it (store.js)
    if (page.role === "participant" && Array.isArray(d.affected) && !d.affected.includes(me)) return;
    const res = await live.emitAck("sync", { last_seq: 0 });
    if (res && res.ok && res.mode === "snapshot") store.loadSnapshot(res.snapshot);
  });
  return state;
}

// --- the phone ------------------------------------------------------------------------------

/** The participant's group banner for the shown step (hidden when it runs in plenary). */
export function renderPhone(page, mount, step, state) {
  const groups = groupsOf(page.store, step);
  if (!groups || page.store.atelier.state !== "en_cours") {
    mount.hidden = true;
    return;
  }
  mount.hidden = false;
  const children = [h("h2", { class: "groups-banner__title", text: "Travail en sous-groupes" })];
  const mine = groups.groups.find((g) => g.id === groups.mine);
  if (groups.phase === "preparation") {
    children.push(h("p", { text: "Cette étape se fera en sous-groupes : l'animateur forme les groupes." }));
  } else if (groups.phase === "commun") {
    children.push(h("p", { text: "Mise en commun : les contributions de tous les groupes sont réunies." }));
  } else if (mine) {
    const others = (groups.my_members || []).filter((m) => m.id !== page.store.me.id);
    children.push(h("p", { class: "groups-banner__mine" }, "Votre groupe : ", h("strong", { text: mine.name })));
    if (mine.question) children.push(h("p", { class: "groups-banner__question", text: mine.question }));
    children.push(h("p", { text: others.length
      ? `Avec ${others.map((m) => (m.structure ? `${m.name} (${m.structure})` : m.name)).join(", ")}.`
      : "Vous êtes seul·e dans ce groupe pour l'instant." }));
    if (groups.phase === "restitution") children.push(h("p", { text: "Mise en commun : regardez l'écran." }));
  } else if (!(groups.plan && groups.plan.formation === "choix")) {
    children.push(h("p", { text: "Vous n'êtes dans aucun groupe : l'animateur va vous en attribuer un." }));
  }
  if (groups.phase === "groupes" && groups.plan && groups.plan.formation === "choix") {
    children.push(choiceList(page, step, groups));
  }
  if (state.message && state.message.step_id === step.id) {
    children.push(h("p", { class: "groups-banner__message", role: "status", text: state.message.text }));
  }
  mount.replaceChildren(...children);
}

function choiceList(page, step, groups) {
  const cap = groups.plan.cap;
  return h("ul", { class: "groups-choice", "aria-label": "Choisir mon groupe" },
    groups.groups.map((g) => {
      const full = cap != null && g.size >= cap && g.id !== groups.mine;
      const label = g.id === groups.mine ? "Mon groupe" : full ? "Complet" : "Rejoindre";
      return h("li", { class: "groups-choice__item" },
        h("span", {}, h("strong", { text: g.name }), g.question ? ` — ${g.question}` : "",
          ` (${plural(g.size, "personne", "personnes")}${cap != null ? ` sur ${cap}` : ""})`),
        h("button", { type: "button", class: "btn", "aria-disabled": full || g.id === groups.mine ? "true" : null,
          "aria-label": `${label} : ${g.name}`,
          onClick: () => {
            if (full || g.id === groups.mine) return;
            page.live.request("groups_choose", { step_id: step.id, group_id: g.id });
          } }, label));
    }));
}

// --- the console ----------------------------------------------------------------------------

/** The console's « Sous-groupes » panel for the viewed step. Its parts are redrawn only
 * when what they show changed (a select being opened or a message being typed survives the
 * cards that keep arriving). */
export function renderConsole(page, mount, step, ui) {
  const { store } = page;
  const groups = groupsOf(store, step);
  const started = step && itemsOf(store, step).length > 0;
  if (!step || (!groups && (!step.groups_possible || started || step.status === "done"))) {
    mount.hidden = true;
    return;
  }
  const request = (event, payload) => page.live.request(event, { step_id: step.id, ...payload });
  mount.hidden = false;
  const counts = new Map();
  for (const card of itemsOf(store, step)) {
    if (card.group_id) counts.set(card.group_id, (counts.get(card.group_id) || 0) + 1);
  }
  const frameKey = JSON.stringify([step.id, groups && groups.phase, groups && groups.focus,
    groups && groups.groups.map((g) => [g.id, g.name]), groups && (groups.unassigned || []).map((m) => m.id)]);
  if (ui.frameKey !== frameKey) {
    ui.frameKey = frameKey;
    ui.cells = new Map();
    mount.replaceChildren(...consoleFrame(step, groups, store, request));
  }
  const grid = mount.querySelector(".groups-grid");
  if (!grid) return;
  const cells = groups.groups.map((g) => {
    const open = ui.open === g.id;
    const cards = open ? itemsOf(store, step).filter((c) => c.group_id === g.id).map((c) => c.text) : [];
    const sig = JSON.stringify([g, counts.get(g.id) || 0, open, cards, groups.focus, groups.phase,
      ui.people === g.id, ui.renaming === g.id]);
    const old = ui.cells.get(g.id);
    if (old && old.sig === sig) return old.el;
    const el = groupCell(page, step, groups, g, counts.get(g.id) || 0, request, ui);
    ui.cells.set(g.id, { sig, el });
    return el;
  });
  const focused = document.activeElement;
  syncList(grid, cells);
  // a field moved into a redrawn cell keeps the focus
  if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();
}

function syncList(parent, nodes) {
  nodes.forEach((node, i) => {
    if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] || null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
}

function consoleFrame(step, groups, store, request) {
  const title = h("h2", { id: "groups-title", class: "groups-panel__title", text: "Sous-groupes" });
  if (!groups) return [title, planForm(step, store, request)];
  const head = h("p", { class: "groups-panel__phase" },
    h("strong", { text: groups.phase_label }), ` · ${groups.formation_label}`,
    groups.plan && groups.plan.formation !== "choix" ? ` · ${plural(groups.plan.count, "groupe", "groupes")}` : "");
  const actions = h("div", { class: "groups-panel__actions" });
  const button = (label, fn, primary = false) =>
    actions.append(h("button", { type: "button", class: primary ? "btn btn-primary" : "btn", onClick: fn }, label));
  if (groups.phase === "preparation") {
    button("Former les groupes", () => request("groups_form"), true);
    button("Revenir en plénière", () => request("groups_configure", { plan: null }));
    return [title, head, actions];
  }
  if (groups.phase === "groupes") button("Clore le travail en groupes", () => request("groups_close"), true);
  if (SEPARATE.has(groups.phase)) {
    button("Mur : tous les groupes", () => request("groups_show", { group_id: null, display: "grille" }));
    button("Fusionner en plénière", () => request("groups_merge"), groups.phase === "restitution");
  }
  const out = [title, head, actions, h("ul", { class: "groups-grid", "aria-label": "Groupes" })];
  if (groups.unassigned && groups.unassigned.length) {
    out.push(h("section", { class: "groups-unassigned", "aria-labelledby": "groups-unassigned-title" },
      h("h3", { id: "groups-unassigned-title", text: `Sans groupe (${groups.unassigned.length})` }),
      h("ul", {}, groups.unassigned.map((m) => memberItem(groups, m, null, request)))));
  }
  if (SEPARATE.has(groups.phase)) out.push(messageForm(groups, request));
  return out;
}

function planForm(step, store, request) {
  const form = h("form", { class: "groups-plan" });
  const formation = h("select", { id: "groups-formation", name: "formation" },
    Object.entries(FORMATIONS).map(([value, label]) => h("option", { value }, label)));
  const count = h("input", { id: "groups-count", name: "count", type: "number", min: "2", max: "60", value: "4", class: "input-tiny" });
  const cap = h("input", { id: "groups-cap", name: "cap", type: "number", min: "1", max: "100", class: "input-tiny" });
  const remote = h("select", { id: "groups-remote", name: "remote" },
    Object.entries(REMOTE).map(([value, label]) => h("option", { value }, label)));
  form.append(
    h("p", { class: "hint", text: "Avant toute contribution : l'étape se déroule en sous-groupes, puis en mise en commun." }),
    h("label", { for: "groups-formation", text: "Formation des groupes" }), formation,
    h("label", { for: "groups-count", text: "Nombre de groupes" }), count,
    h("label", { for: "groups-cap", text: "Places par groupe (au choix ; vide : sans limite)" }), cap,
    h("label", { for: "groups-remote", text: "Personnes à distance (au hasard ou mélangés par type)" }), remote,
    h("button", { type: "submit", class: "btn" }, "Travailler en sous-groupes"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const plan = { formation: formation.value, count: Number(count.value) || 4 };
    if (cap.value) plan.cap = Number(cap.value);
    if (PLACING.has(plan.formation)) plan.remote = remote.value;
    request("groups_configure", { plan });
  });
  return form;
}

function groupCell(page, step, groups, g, count, request, ui) {
  const focused = groups.focus === g.id;
  const open = ui.open === g.id;
  const cell = h("li", { class: `groups-cell${focused ? " groups-cell--focus" : ""}`, "data-group-id": g.id },
    h("h3", { class: "groups-cell__name", text: g.name }),
    g.question ? h("p", { class: "groups-cell__question", text: g.question }) : null,
    h("p", { class: "groups-cell__count", "data-count": count },
      h("strong", { text: String(count) }), ` ${count > 1 ? "contributions" : "contribution"}`),
    // the members and their « Déplacer vers… » are built when opened: a grid of 30 groups
    // of 10 would otherwise draw 300 lists of 29 choices (docs/performance.md)
    h("details", { class: "groups-cell__people", open: ui.people === g.id },
      h("summary", { text: `Membres (${g.size})` }),
      ui.people === g.id
        ? h("ul", { class: "groups-cell__members" }, (g.members || []).map((m) => memberItem(groups, m, g.id, request)))
        : null));
  cell.querySelector("details").addEventListener("toggle", (event) => {
    const open = event.target.open;
    if (open === (ui.people === g.id)) return;
    ui.people = open ? g.id : null;
    page.draw();
    const summary = document.querySelector(`.groups-cell[data-group-id="${g.id}"] summary`);
    if (summary) summary.focus();
  });
  const tools = h("p", { class: "groups-cell__tools" },
    h("button", { type: "button", class: "btn", "aria-expanded": String(open),
      onClick: () => { ui.open = open ? null : g.id; page.draw(); } }, open ? "Fermer" : "Ouvrir",
    h("span", { class: "visually-hidden", text: ` le groupe ${g.name}` })));
  if (SEPARATE.has(groups.phase)) {
    tools.append(h("button", { type: "button", class: "btn", "aria-pressed": String(focused),
      onClick: () => request("groups_show", { group_id: g.id, display: "un" }) }, "Au mur",
    h("span", { class: "visually-hidden", text: ` : ${g.name}` })));
  }
  tools.append(h("button", { type: "button", class: "btn", "aria-expanded": String(ui.renaming === g.id),
    onClick: () => { ui.renaming = ui.renaming === g.id ? null : g.id; page.draw(); focusRename(g.id); } },
  "Renommer", h("span", { class: "visually-hidden", text: ` le groupe ${g.name}` })));
  cell.append(tools);
  if (ui.renaming === g.id) {
    // kept while the cell is redrawn (live counts): what is being typed survives
    if (!ui.renameForm || ui.renameForm.dataset.groupId !== String(g.id)) {
      ui.renameForm = renameForm(page, g, request, ui);
    }
    cell.append(ui.renameForm);
  } else if (ui.renameForm && ui.renaming == null) ui.renameForm = null;
  if (open) {
    const cards = itemsOf(page.store, step).filter((c) => c.group_id === g.id);
    cell.append(cards.length
      ? h("ul", { class: "groups-cell__cards" }, cards.map((c) => h("li", { text: itemText(c) || "Carte retournée" })))
      : h("p", { class: "hint", text: "Aucune contribution pour l'instant." }));
  }
  return cell;
}

function memberItem(groups, m, groupId, request) {
  const select = h("select", { "aria-label": `Déplacer ${m.name}` },
    h("option", { value: "" }, groupId ? "Déplacer vers…" : "Placer dans…"),
    groups.groups.filter((g) => g.id !== groupId).map((g) => h("option", { value: String(g.id) }, g.name)));
  select.addEventListener("change", () => {
    if (select.value) request("groups_move", { participant_id: m.id, group_id: Number(select.value) });
  });
  const kind = m.kind_label ? ` · ${m.kind_label}` : "";
  return h("li", { class: "groups-member" }, h("span", { text: `${m.name}${kind}` }), select);
}

function messageForm(groups, request) {
  const form = h("form", { class: "groups-message" });
  const target = h("select", { id: "groups-message-to" },
    h("option", { value: "" }, "Tous les groupes"),
    groups.groups.map((g) => h("option", { value: String(g.id) }, g.name)));
  const text = h("input", { id: "groups-message-text", type: "text", maxlength: "300" });
  const minutes = h("input", { id: "groups-message-minutes", type: "number", min: "0", max: "30", value: "0", class: "input-tiny" });
  form.append(
    h("label", { for: "groups-message-to", text: "Message à" }), target,
    h("label", { for: "groups-message-text", text: "Message" }), text,
    h("label", { for: "groups-message-minutes", text: "Minutes de plus" }), minutes,
    h("button", { type: "submit", class: "btn" }, "Envoyer"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const res = await request("groups_message", {
      group_id: target.value ? Number(target.value) : null,
      text: text.value,
      extra_minutes: Number(minutes.value) || 0,
    });
    if (res.ok) {
      text.value = "";
      minutes.value = "0";
    }
  });
  return form;
}

// --- the wall -------------------------------------------------------------------------------

/** The wall while a step works in groups: every group in a grid, or one at a time.
 * Returns false when the step's usual board is to be drawn instead. */
export function renderWall(page, mount, step, state) {
  const groups = groupsOf(page.store, step);
  if (!groups || !SEPARATE.has(groups.phase) || !groups.groups.length) {
    mount.hidden = true;
    return false;
  }
  mount.hidden = false;
  const one = groups.display === "un" && groups.focus
    ? groups.groups.filter((g) => g.id === groups.focus) : groups.groups;
  const cards = itemsOf(page.store, step);
  const cells = one.map((g) => {
    const mine = cards.filter((c) => c.group_id === g.id && !c.face_down);
    return h("section", { class: "wall-group", "aria-label": g.name },
      h("h2", { class: "wall-group__name" }, g.name,
        h("span", { class: "wall-group__count", text: ` · ${plural(mine.length, "contribution", "contributions")}` })),
      g.question ? h("p", { class: "wall-group__question", text: g.question }) : null,
      mine.length
        ? h("ul", { class: "wall-group__cards" }, mine.map((c) => h("li", { class: "wall-card", text: itemText(c) })))
        : h("p", { class: "wall-group__empty", text: "Pas encore de contribution." }));
  });
  mount.className = `wall-groups${one.length === 1 ? " wall-groups--one" : ""}`;
  mount.style.setProperty("--wall-cols", String(Math.min(6, Math.ceil(Math.sqrt(one.length * 1.8)))));
  // few groups, bigger text: read from the back of the room (4 groups: 1em, 30: 0.7em)
  mount.style.setProperty("--wall-card", one.length <= 4 ? "1em" : one.length <= 9 ? "0.85em" : "0.7em");
  const children = [];
  if (state.message && state.message.step_id === step.id) {
    children.push(h("p", { class: "wall-groups__message", text: state.message.text }));
  }
  if (groups.phase === "restitution") {
    children.push(h("p", { class: "wall-groups__phase", text: "Mise en commun" }));
  }
  mount.replaceChildren(...children, ...cells);
  return true;
}
