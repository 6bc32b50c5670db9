// One amendment of the `charte` (docs/activities/charte.md): its target, the proposed change
// as a diff, its reason and status, and what its viewer may do (decide, open or close a quick
// vote, withdraw, vote).

import { groupName } from "../../groups.js";
import { h } from "../../ui.js";
import { button, onSubmit, textArea } from "../common.js";
import { MAX_CLAUSE, diffNodes } from "./clauses.js";

const PENDING_STATUSES = new Set(["proposee", "en_vote", "acceptee"]);

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
  // the sub-group it was written in (issue 18), kept after the mise en commun
  const group = groupName(store, a, view.step.id);
  if (group) li.append(h("p", { class: "card__group", text: /^groupe/i.test(group) ? group : `Groupe « ${group} »` }));
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
  onSubmit(form, async () => {
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
