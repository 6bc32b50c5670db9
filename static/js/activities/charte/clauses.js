// The `charte`'s text, piece by piece (docs/activities/charte.md): word-level diffs, a clause
// with what its viewer may do, the animateur's clause form and the amendment form. Every
// button names its object; the diff is told in words to screen readers (« ajout : »,
// « suppression : »), not by colour alone.

import { h, plural } from "../../ui.js";
import { button, onSubmit, personalPrompt, textArea } from "../common.js";

export const MAX_CLAUSE = 2000;

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
  onSubmit(form, () => send(false));
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
  onSubmit(form, () => send(false));
  requestAnimationFrame(() => (area || r.area).focus());
  return form;
}
