// Pieces of the `charte` view: word-level diffs, clauses, amendments, the adoption vote and
// its result (docs/activities/charte.md). Every button names its object; the diff is told
// in words to screen readers (« ajout : », « suppression : »), not by colour alone.

import { h, plural } from "../ui.js";
import { button, personalPrompt, select, textArea } from "./common.js";

export const MAX_CLAUSE = 2000;
const PENDING_STATUSES = new Set(["proposee", "en_vote", "acceptee"]);
const SIDE = { pour: "pour l'adoption", contre: "contre", abstention: "abstention" };

/** `[[op, text], …]` → nodes: <ins>/<del> with hidden labels for screen readers. */
export function diffNodes(diff) {
  return diff.map(([op, text]) => {
    if (op === "eq") return document.createTextNode(text);
    const tag = op === "ins" ? "ins" : "del";
    const label = op === "ins" ? "ajout" : "suppression";
    return h(tag, { class: `diff diff--${op}` },
      h("span", { class: "visually-hidden", text: `[${label} : ` }), text,
      h("span", { class: "visually-hidden", text: "]" }));
  });
}

function draftOf(view, key, initial) {
  if (!view.drafts.has(key)) view.drafts.set(key, { ...initial });
  return view.drafts.get(key);
}

/** One clause: its text (or diff), its source ideas, what its viewer may do. */
export function clauseNode(view, c, ctx) {
  const number = ctx.numbers.get(c.id);
  const textId = `clause-${c.id}-text`;
  const li = h("li", { class: `clause${c.change && c.change !== "inchangee" ? " clause--changed" : ""}`,
    "data-clause-id": c.id });
  const body = h("p", { class: "clause__text", id: textId },
    h("strong", { class: "clause__number", text: `${number} ` }));
  if (ctx.showDiff && c.diff) body.append(...diffNodes(c.diff));
  else body.append(c.text);
  li.append(body);
  if (ctx.showDiff && c.change === "ajoutee") li.append(h("p", { class: "clause__flag", text: "Clause ajoutée" }));
  if (ctx.showDiff && c.change === "modifiee") li.append(h("p", { class: "clause__flag", text: "Clause modifiée" }));
  if (c.sources.length) {
    li.append(h("details", { class: "clause__sources" },
      h("summary", { text: `Rédigée à partir de ${plural(c.sources.length, "idée", "idées")}` }),
      h("ul", {}, c.sources.map((s) => h("li", { text: s.text ?? "(carte masquée ou supprimée)" })))));
  }
  const mine = ctx.mineByClause ? ctx.mineByClause.get(c.id) || [] : [];
  if (mine.length) {
    li.append(h("p", { class: "clause__mine" }, ...mine.flatMap((a, i) => [i ? " · " : "",
      h("a", { href: `#amendment-${a.id}`, text: `Votre amendement ${a.id} : ${a.status_label.toLowerCase()}` })])));
  }
  const mode = view.modes.get(`clause:${c.id}`);
  if (mode === "edit") {
    li.append(clauseForm(view, ctx, { clause: c, label: `Clause ${number}` }));
    return li;
  }
  if (mode === "delete") {
    const row = h("div", { class: "card__confirm", role: "group", "aria-label": `Confirmer la suppression de la clause ${number}` },
      h("p", { text: `Supprimer la clause ${number} ? Les amendements en attente sur elle seront écartés.` }),
      h("div", { class: "button-row" },
        button("Confirmer la suppression", () => view.removeClause(c, number), { cls: "btn btn-small btn-danger", "data-focus": "confirm" }),
        button("Annuler", () => view.setMode(`clause:${c.id}`, null))));
    requestAnimationFrame(() => row.querySelector("button").focus());
    li.append(row);
    return li;
  }
  if (mode === "amend" || mode === "remove") {
    li.append(amendForm(view, ctx, { clause: c, kind: mode === "amend" ? "modification" : "suppression", number }));
    return li;
  }
  const row = h("div", { class: "button-row clause__actions" });
  if (ctx.anim && ctx.editable) {
    row.append(
      button("Modifier", () => view.setMode(`clause:${c.id}`, "edit"),
        { "aria-label": `Modifier la clause ${number}`, "data-focus": "edit" }),
      button("Monter", () => view.act("clause_move", { clause_id: c.id, direction: "up" }),
        { "aria-label": `Monter la clause ${number}`, "data-focus": "up" }),
      button("Descendre", () => view.act("clause_move", { clause_id: c.id, direction: "down" }),
        { "aria-label": `Descendre la clause ${number}`, "data-focus": "down" }),
      button("Supprimer", () => view.setMode(`clause:${c.id}`, "delete"), { cls: "btn btn-small btn-danger-outline",
        "aria-label": `Supprimer la clause ${number}`, "data-focus": "delete" }));
  }
  if (ctx.canAmend) {
    row.append(
      button("Amender", () => view.setMode(`clause:${c.id}`, "amend"),
        { "aria-label": `Amender la clause ${number}`, "data-focus": "amend" }),
      button("Proposer de supprimer", () => view.setMode(`clause:${c.id}`, "remove"),
        { "aria-label": `Proposer de supprimer la clause ${number}`, "data-focus": "remove" }));
  }
  if (row.childElementCount) li.append(row);
  return li;
}

/** Animateur: add a clause to a section, or edit one (with a version check). */
export function clauseForm(view, ctx, { clause = null, section = null, label }) {
  const key = clause ? `clause:${clause.id}` : `add:${section.id}`;
  const draft = draftOf(view, key, { text: clause ? clause.text : "" });
  const id = clause ? `clause-${clause.id}-edit` : `clause-add-${section.id}`;
  const { area, counter } = textArea(id, MAX_CLAUSE, draft.text, 3);
  area.addEventListener("input", () => { draft.text = area.value; });
  const warning = h("div", { class: "form-prompt", role: "alert" });
  const sources = clause ? [] : [...view.selectedCards];
  const form = h("form", { class: "card__edit charte-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: id, text: clause ? `Texte de la ${label.toLowerCase()}` : `Nouvelle clause — ${label}` }), area, counter),
    sources.length ? h("p", { class: "hint", text: `À partir de ${plural(sources.length, "idée retenue", "idées retenues")}.` }) : null,
    warning,
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "btn btn-primary btn-small", text: clause ? "Enregistrer" : "Ajouter la clause" }),
      button("Annuler", () => view.closeForm(key))));
  const send = async (confirm) => {
    const text = area.value.trim();
    if (!text) return view.page.showError("La clause est vide : écrivez son texte.");
    const data = clause
      ? { clause_id: clause.id, version: clause.version, text }
      : { client_id: view.newId(), section: section.id, text, source_card_ids: sources };
    if (confirm) data.confirm_personal = true;
    const res = await view.act(clause ? "clause_edit" : "clause_add", data, {
      quiet: ["personal_data", "conflict"],
      ackAs: (r) => [["charte.clause", { clause: r.clause }]],
    });
    if (res.ok) {
      if (!clause) view.selectedCards.clear();
      view.closeForm(key);
      view.page.announcer.say(clause ? "Clause enregistrée" : "Clause ajoutée");
    } else if (res.error.code === "personal_data") {
      personalPrompt(warning, res.error, () => send(true));
    } else if (res.error.code === "conflict") {
      const fresh = res.error.clause;
      Object.assign(clause, fresh);
      view.page.showError(`${res.error.message_fr} Texte actuel : « ${fresh.text} ». ` +
        "Votre texte reste dans le champ : enregistrez à nouveau pour le garder.");
      warning.replaceChildren(h("p", { text: `Texte actuel (version ${fresh.version}) : « ${fresh.text} »` }));
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(false);
  });
  requestAnimationFrame(() => area.focus());
  return form;
}

/** Participant (or animateur): an amendment — new wording, new clause or removal + reason. */
export function amendForm(view, ctx, { clause = null, section = null, kind, number = "" }) {
  const key = clause ? `clause:${clause.id}` : `propose:${section.id}`;
  const draft = draftOf(view, key, { text: clause && kind === "modification" ? clause.text : "", reason: "" });
  const base = clause ? `amend-${clause.id}` : `amend-new-${section.id}`;
  const parts = [];
  let area = null;
  if (kind !== "suppression") {
    const t = textArea(`${base}-text`, MAX_CLAUSE, draft.text, 3);
    area = t.area;
    area.addEventListener("input", () => { draft.text = area.value; });
    parts.push(h("div", { class: "field" }, h("label", { for: area.id,
      text: clause ? `Nouvelle rédaction de la clause ${number}` : "Clause proposée" }), area, t.counter));
  } else {
    parts.push(h("p", { text: `Vous proposez de supprimer la clause ${number}.` }));
  }
  const r = textArea(`${base}-reason`, 1000, draft.reason, 2);
  r.area.addEventListener("input", () => { draft.reason = r.area.value; });
  parts.push(h("div", { class: "field" }, h("label", { for: r.area.id, text: "Pourquoi ? (obligatoire)" }), r.area, r.counter));
  const warning = h("div", { class: "form-prompt", role: "alert" });
  const clientId = draft.clientId || (draft.clientId = view.newId());
  const form = h("form", { class: "card__edit charte-form charte-amend", novalidate: true }, ...parts, warning,
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "btn btn-primary btn-small", text: "Proposer l'amendement" }),
      button("Annuler", () => view.closeForm(key))),
    h("p", { class: "rgpd", text: "Pas de nom d'enfant ni de famille : contenu professionnel uniquement" }));
  const send = async (confirm) => {
    const data = { client_id: clientId, kind, reason: r.area.value, text: area ? area.value : "" };
    if (clause) data.clause_id = clause.id;
    else data.section = section.id;
    if (!data.reason.trim()) {
      r.area.focus();
      return view.page.showError("Dites en une phrase pourquoi vous proposez cet amendement.");
    }
    if (confirm) data.confirm_personal = true;
    const res = await view.act("amendment_propose", data, {
      quiet: ["personal_data"],
      ackAs: (res2) => [["charte.amendment", { amendment: res2.amendment }]],
    });
    if (res.ok) {
      view.closeForm(key);
      view.page.announcer.say("Amendement proposé : l'animateur va l'examiner");
    } else if (res.error.code === "personal_data") {
      personalPrompt(warning, res.error, () => send(true));
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(false);
  });
  requestAnimationFrame(() => (area || r.area).focus());
  return form;
}

function target(ctx, a) {
  if (a.kind === "ajout") return ctx.sectionLabel(a.section);
  const n = a.clause_id && ctx.numbers.get(a.clause_id);
  return n ? `Clause ${n}` : "Clause retirée depuis";
}

/** One amendment: target, proposed change (diff), reason, status, what its viewer may do. */
export function amendmentNode(view, a, ctx) {
  const store = view.page.store;
  const mine = view.role === "participant" && store.me && a.author_id === store.me.id;
  const textId = `amendment-${a.id}-text`;
  const name = `l'amendement ${a.id}`;
  const li = h("li", { class: `amendment amendment--${a.status}${mine ? " amendment--mine" : ""}`, "data-amendment-id": a.id,
    id: `amendment-${a.id}`, tabindex: "-1" },
    h("p", { class: "amendment__head" },
      h("strong", { text: `Amendement ${a.id} · ${target(ctx, a)}` }), ` — ${a.kind_label}`),
    h("p", { class: `amendment__status status--${a.status}`, text: a.status_label }));
  const text = h("p", { class: "amendment__text", id: textId });
  if (a.kind === "suppression") text.append(h("del", { class: "diff diff--del" }, h("span", { class: "visually-hidden", text: "[suppression : " }), a.base_text, h("span", { class: "visually-hidden", text: "]" })));
  else if (a.diff) text.append(...diffNodes(a.diff));
  else text.append(a.text);
  const clause = a.clause_id && ctx.state.current ? ctx.state.current.clauses.find((c) => c.id === a.clause_id) : null;
  if (clause && a.kind !== "ajout" && clause.text !== a.base_text && PENDING_STATUSES.has(a.status)) {
    li.append(h("p", { class: "notice amendment__outdated" },
      h("strong", { text: "La clause a changé depuis cet amendement. " }), `Texte actuel : « ${clause.text} »`));
  }
  li.append(text, h("p", { class: "amendment__reason" }, h("span", { class: "amendment__label", text: "Raison : " }), a.reason));
  const who = mine ? "Votre amendement" : a.by_animateur ? "Animateur"
    : a.author && (!view.step.anonymous || ctx.anim) ? (a.author.structure ? `${a.author.name} (${a.author.structure})` : a.author.name) : "";
  if (who) li.append(h("p", { class: "amendment__meta", text: who }));
  if (a.privacy && a.privacy.length) li.append(h("p", { class: "card__flag card__flag--warn", text: "Données personnelles possibles : à vérifier" }));
  if (a.decision_reason) li.append(h("p", { class: "amendment__meta", text: `Motif : ${a.decision_reason}` }));
  const tally = a.quick || ctx.state.quick[a.id];
  if (tally) {
    li.append(h("p", { class: "amendment__tally",
      text: `Vote rapide : ${tally.pour} pour, ${tally.contre} contre, ${tally.abstention} abstention${a.quick ? "" : " (en cours)"}` }));
  }
  const mode = view.modes.get(`amendment:${a.id}`);
  if (mode === "accept" || mode === "reject") {
    li.append(decideForm(view, a, mode));
    return li;
  }
  const row = h("div", { class: "button-row amendment__actions" });
  const pending = a.status === "proposee" || a.status === "en_vote";
  if (ctx.anim && ctx.editable && pending) {
    row.append(
      button("Accepter", () => view.setMode(`amendment:${a.id}`, "accept"), { cls: "btn btn-primary btn-small",
        "aria-label": `Accepter ${name}`, "data-focus": "accept" }),
      button("Rejeter", () => view.setMode(`amendment:${a.id}`, "reject"), { cls: "btn btn-small btn-danger-outline",
        "aria-label": `Rejeter ${name}`, "data-focus": "reject" }));
    if (a.status === "proposee") {
      row.append(button("Vote rapide", () => view.act("amendment_quick_open", { amendment_id: a.id },
        { ackAs: (r) => [["charte.amendment", { amendment: r.amendment }]] }),
      { "aria-label": `Ouvrir un vote rapide sur ${name}`, "data-focus": "quick" }));
    } else {
      row.append(button("Clore le vote rapide", async () => {
        const res = await view.act("amendment_quick_close", { amendment_id: a.id },
          { ackAs: (r) => [["charte.amendment", { amendment: r.amendment }]] });
        if (res.ok) view.page.announcer.say(`Amendement ${a.id} : ${res.amendment.status_label.toLowerCase()}`);
      }, { "aria-label": `Clore le vote rapide sur ${name}`, "data-focus": "quickclose" }));
    }
  }
  if (ctx.anim && ctx.editable && (a.status === "acceptee" || a.status === "rejetee")) {
    const undo = a.status === "acceptee" ? ["reject", "Rejeter finalement"] : ["accept", "Accepter finalement"];
    row.append(button(undo[1], () => view.setMode(`amendment:${a.id}`, undo[0]),
      { "aria-label": `${undo[1]} ${name}`, "data-focus": "undo" }));
  }
  if (mine && a.status === "proposee" && ctx.canWrite) {
    row.append(button("Retirer", () => view.act("amendment_withdraw", { amendment_id: a.id },
      { ackAs: (r) => [["charte.amendment", { amendment: r.amendment }]] }),
    { cls: "btn btn-small btn-danger-outline", "aria-label": `Retirer ${name}`, "data-focus": "withdraw" }));
  }
  if (view.role === "participant" && a.status === "en_vote" && ctx.canWrite) {
    const mineChoice = ctx.state.my_quick[a.id];
    const group = h("div", { class: "quick-vote", role: "group", "aria-label": `Vote rapide sur ${name}` });
    for (const [choice, label] of [["pour", "Pour"], ["contre", "Contre"], ["abstention", "Abstention"]]) {
      group.append(h("button", { type: "button", class: `btn btn-small${mineChoice === choice ? " btn-primary" : ""}`,
        "aria-pressed": mineChoice === choice ? "true" : "false", "aria-describedby": textId, "data-focus": `q-${choice}`,
        text: label, onClick: () => view.act("amendment_quick_vote", { amendment_id: a.id, choice },
          { ackAs: (r) => [["charte.quick_vote", { amendment_id: a.id, choice: r.choice }]] }) }));
    }
    row.append(group);
    if (mineChoice) row.append(h("p", { class: "hint", text: "Vous pouvez changer d'avis jusqu'à la clôture du vote rapide." }));
  }
  if (row.childElementCount) li.append(row);
  return li;
}

function decideForm(view, a, mode) {
  const key = `amendment:${a.id}`;
  const parts = [];
  let area = null;
  if (mode === "accept" && a.kind !== "suppression") {
    const t = textArea(`amendment-${a.id}-final`, MAX_CLAUSE, a.text, 3);
    area = t.area;
    parts.push(h("div", { class: "field" }, h("label", { for: area.id, text: "Rédaction retenue (modifiable)" }), area, t.counter));
  }
  let reason = null;
  if (mode === "reject") {
    const t = textArea(`amendment-${a.id}-why`, 1000, "", 2);
    reason = t.area;
    parts.push(h("div", { class: "field" }, h("label", { for: reason.id, text: "Motif du rejet (facultatif, lu par tous)" }), reason, t.counter));
  }
  const form = h("form", { class: "card__edit charte-form", novalidate: true }, ...parts,
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: mode === "accept" ? "btn btn-primary btn-small" : "btn btn-danger btn-small",
        text: mode === "accept" ? "Confirmer l'acceptation" : "Confirmer le rejet" }),
      button("Annuler", () => view.closeForm(key))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = { amendment_id: a.id, decision: mode === "accept" ? "accepter" : "rejeter" };
    if (area) data.text = area.value;
    if (reason && reason.value.trim()) data.reason = reason.value;
    const res = await view.act("amendment_decide", data, { ackAs: (r) => [["charte.amendment", { amendment: r.amendment }]] });
    if (res.ok) {
      view.closeForm(key);
      view.page.announcer.say(`Amendement ${a.id} ${mode === "accept" ? "accepté" : "rejeté"}`);
    }
  });
  requestAnimationFrame(() => {
    const first = form.querySelector("textarea, button[type=submit]");
    if (first) first.focus();
  });
  return form;
}

/** The adoption vote: participation, the ballot, live totals (animateur), close. */
export function votePanel(view, state, ctx, level) {
  const vote = state.vote;
  const version = state.current;
  const root = h("section", { class: "card-panel charte-vote", "aria-labelledby": "charte-vote-title" },
    h(`h${level}`, { id: "charte-vote-title", text: `Vote d'adoption — version ${version.number}` }));
  const rules = vote.rules && vote.rules.gradients ? vote.rules : state.rules;
  const part = vote.participation;
  if (part) {
    const who = part.ballot === "structure" ? ["structure", "structures"] : ["participant", "participants"];
    const base = rules.quorum_base === "atelier" ? "présentes à l'atelier" : "du cycle";
    root.append(h("p", { class: "charte-vote__participation", "aria-live": "polite",
      text: `${plural(part.ballots, "bulletin déposé", "bulletins déposés")} sur ${plural(part.electors, who[0], who[1])} ${part.ballot === "structure" ? base : base.replace("présentes", "présents")} — quorum : ${part.quorum_needed}.` }));
  }
  root.append(h("p", { class: "hint", text: rulesText(rules) }));
  if (vote.state === "ouvert" && view.role === "participant") root.append(ballotForm(view, vote, rules, ctx));
  if (vote.state === "ouvert" && vote.tallies) root.append(talliesTable(rules.gradients, vote.tallies, "Bulletins reçus (provisoire)"));
  if (vote.state === "ouvert" && ctx.anim && ctx.open) {
    const live = view.step.results_visible;
    if (view.confirmClose) {
      const confirm = h("div", { class: "card__confirm", role: "group", "aria-label": "Confirmer la clôture du vote" },
        h("p", { text: `Clore le vote ? Le résultat sera enregistré avec la version ${version.number} ; plus personne ne pourra voter.` }),
        h("div", { class: "button-row" },
          button("Confirmer la clôture du vote", () => view.closeVote(), { cls: "btn btn-primary", "data-focus": "confirm" }),
          button("Annuler", () => { view.confirmClose = false; view.page.schedule(); })));
      requestAnimationFrame(() => confirm.querySelector("button").focus());
      root.append(confirm);
      return root;
    }
    root.append(h("div", { class: "button-row" },
      button("Clore le vote", () => { view.confirmClose = true; view.page.schedule(); }, {
        cls: "btn btn-primary", "aria-label": `Clore le vote d'adoption de la version ${version.number}` }),
      button(live ? "Masquer les totaux aux participants" : "Montrer les totaux en direct", () =>
        view.page.live.request("step_flags", { step_id: view.step.id, results_visible: !live }),
      { "aria-pressed": live ? "true" : "false" })));
  }
  if (vote.state === "ouvert" && view.role !== "animateur" && !vote.tallies) {
    root.append(h("p", { class: "muted", text: "Les résultats s'afficheront à la clôture du vote." }));
  }
  return root;
}

export function rulesText(rules) {
  const one = rules.ballot === "structure" ? "Un bulletin par structure" : "Un bulletin par participant";
  const base = rules.threshold_base === "votants" ? "des bulletins déposés" : "des suffrages exprimés (pour + contre)";
  return `${one}. Quorum : ${rules.quorum} % des votants possibles. Adoptée avec plus de ${rules.threshold} % de « pour » ${base}.`;
}

function ballotForm(view, vote, rules, ctx) {
  if (!ctx.canWrite) return h("p", { class: "muted", text: "Le vote se fait pendant l'étape en cours." });
  if (!vote.my_ballot && vote.structure_voted) {
    return h("p", { class: "notice", text: "Votre structure a déjà voté : un seul bulletin par structure. Seule la personne qui l'a déposé peut le changer, jusqu'à la clôture." });
  }
  const name = `ballot-${vote.version_id}`;
  const options = rules.gradients.map((g) => {
    const id = `${name}-${g.id}`;
    return h("div", { class: "check ballot__option" },
      h("input", { type: "radio", id, name, value: g.id, checked: vote.my_ballot === g.id }),
      h("label", { for: id }, g.label, g.label.toLowerCase() === SIDE[g.counts_as] ? null
        : h("span", { class: "ballot__side", text: ` (${SIDE[g.counts_as]})` })));
  });
  const mine = rules.gradients.find((g) => g.id === vote.my_ballot);
  const form = h("form", { class: "ballot", novalidate: true },
    h("fieldset", { class: "fieldset" },
      h("legend", { text: rules.ballot === "structure" ? "Le bulletin de votre structure" : "Votre bulletin" }), ...options),
    h("button", { type: "submit", class: "btn btn-primary btn-block", text: mine ? "Changer mon bulletin" : "Voter" }),
    mine ? h("p", { class: "ballot__mine", text: `Votre bulletin : ${mine.label}. Vous pouvez le changer jusqu'à la clôture du vote.` })
      : h("p", { class: "hint", text: "Vous pourrez changer votre bulletin jusqu'à la clôture du vote." }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) return view.page.showError("Choisissez un degré d'accord avant de voter.");
    const res = await view.act("ballot", { gradient: chosen.value }, {
      ackAs: (r) => (r.unchanged ? [] : [["charte.ballot", { version_id: vote.version_id, participation: r.participation, my_ballot: r.gradient }]]),
    });
    if (res.ok) view.page.announcer.say(res.replaced ? "Bulletin changé" : res.unchanged ? "Bulletin inchangé" : "Bulletin enregistré");
  });
  return form;
}

export function talliesTable(gradients, tallies, caption) {
  return h("table", { class: "table charte-tallies" },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Degré d'accord" }), h("th", { scope: "col", text: "Compté comme" }),
      h("th", { scope: "col", class: "num", text: "Bulletins" }))),
    h("tbody", {}, gradients.map((g) => h("tr", {},
      h("th", { scope: "row", text: g.label }), h("td", { text: SIDE[g.counts_as] }),
      h("td", { class: "num", text: String((tallies || {})[g.id] || 0) })))));
}

/** The recorded result of a closed vote. */
export function resultNode(version, level) {
  const r = version.result;
  const who = r.ballot === "structure" ? ["structure", "structures"] : ["participant", "participants"];
  const base = r.threshold_base === "votants" ? "des bulletins déposés" : "des suffrages exprimés";
  return h("section", { class: `card-panel charte-result charte-result--${r.outcome}`, "aria-labelledby": `charte-result-${version.id}` },
    h(`h${level}`, { id: `charte-result-${version.id}` }, `Version ${version.number} : `,
      h("span", { class: "charte-result__outcome", text: r.outcome_label })),
    h("ul", { class: "charte-result__facts" },
      h("li", { text: `${plural(r.ballots, "bulletin", "bulletins")} pour ${plural(r.electors, who[0], who[1])} ${r.quorum_base === "atelier" ? (r.ballot === "structure" ? "présentes à l'atelier" : "présents à l'atelier") : "du cycle"}.` }),
      h("li", { text: `Quorum (${r.quorum} %, soit ${r.quorum_needed}) : ${r.quorum_reached ? "atteint" : "non atteint"}.` }),
      h("li", { text: `${r.pour} pour, ${r.contre} contre, ${r.abstention} abstention : ${String(r.share).replace(".", ",")} % de « pour » ${base} — seuil de plus de ${r.threshold} % ${r.threshold_reached ? "atteint" : "non atteint"}.` })),
    talliesTable(r.gradients, Object.fromEntries(r.gradients.map((g) => [g.id, g.count])), "Bulletins par degré d'accord"),
    r.outcome === "adoptee" ? h("div", { class: "charte-result__signatories" },
      h(`h${level + 1}`, { text: `Structures signataires (${r.signatories.length})` }),
      r.signatories.length ? h("ul", {}, r.signatories.map((s) => h("li", { text: s }))) : h("p", { class: "muted", text: "Aucune." })) : null);
}

export { select };
