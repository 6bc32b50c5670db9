// One proposal of the questions_essentielles view, with what its viewer may do in the
// current phase: edit / delete (author, animateur), select for a merge, vote, validate.

import { groupName } from "../../groups.js";
import { h, plural } from "../../ui.js";
import { button, field, onSubmit, personalPrompt, select, textArea } from "../common.js";

const MAX = 300;

export function proposalNode(view, p, ctx) {
  const store = view.page.store;
  const mine = view.role === "participant" && store.me && p.author_id === store.me.id;
  const textId = `proposal-${p.id}-text`;
  const mode = view.modes.get(p.id);
  const number = view.questionNumber(p);
  const classes = ["proposal"];
  if (mine) classes.push("proposal--mine");
  if (p.status === "validated") classes.push("proposal--validated");
  const li = h("li", { class: classes.join(" "), "data-proposal-id": p.id },
    h("p", { class: "proposal__text", id: textId, text: p.text }));
  // a step switched to anonymous hides the names already received
  const named = p.author && (!view.step.anonymous || ctx.anim);
  const meta = mine ? "Votre proposition" : p.by_animateur ? "Animateur"
    : named ? (p.author.structure ? `${p.author.name} (${p.author.structure})` : p.author.name) : "";
  if (meta) li.append(h("p", { class: "proposal__meta", text: meta }));
  // the sub-group it was written in (issue 18), kept after the mise en commun
  const group = groupName(store, p);
  if (group) li.append(h("p", { class: "card__group", text: /^groupe/i.test(group) ? group : `Groupe « ${group} »` }));
  if (p.merged_from.length) {
    li.append(h("details", { class: "proposal__merged" },
      h("summary", { text: `Fusion de ${plural(p.merged_from.length, "formulation", "formulations")}` }),
      h("ul", {}, p.merged_from.map((t) => h("li", { text: t })))));
  }
  if (p.privacy && p.privacy.length) {
    li.append(h("p", { class: "card__flag card__flag--warn", text: "Données personnelles possibles : à vérifier" }));
  }
  if (number) li.append(h("p", { class: "proposal__badge", text: `Question essentielle n° ${number}` }));
  if (ctx.showTotals) {
    li.append(h("p", { class: "proposal__tally", text: plural(ctx.totals(p), "vote", "votes") }));
  }
  const form = { edit: editForm, validate: validateForm, delete: confirmDelete }[mode];
  if (form) {
    li.append(form(view, p, ctx, textId));
    return li;
  }
  const actions = h("div", { class: "button-row proposal__actions" });
  const canChange = ctx.canWrite && p.status === "active" &&
    (ctx.anim || (mine && ctx.phase === "formulation"));
  if (ctx.anim && ctx.open && p.status === "active" && ctx.phase !== "validation") {
    const id = `select-${p.id}`;
    const box = h("input", { type: "checkbox", id, checked: view.selected.has(p.id), "data-focus": "select",
      onChange: () => {
        if (box.checked) view.selected.add(p.id);
        else view.selected.delete(p.id);
        view.page.schedule();
      } });
    actions.append(h("span", { class: "check" }, box, h("label", { for: id, text: "Sélectionner pour fusionner" })));
  }
  if (canChange) {
    actions.append(
      button("Modifier", () => view.setMode(p.id, "edit"), { "aria-describedby": textId, "data-focus": "edit" }),
      button("Supprimer", () => view.setMode(p.id, "delete"), { cls: "btn btn-small btn-danger-outline",
        "aria-describedby": textId, "data-focus": "delete" }));
  }
  if (view.role === "participant" && ctx.phase === "vote" && ctx.canWrite && p.status === "active") {
    actions.append(voteRow(view, p, ctx, textId));
  }
  if (ctx.anim && ctx.open && ctx.phase === "validation") {
    if (p.status === "active") {
      actions.append(button("Valider comme question essentielle", () => view.setMode(p.id, "validate"),
        { cls: "btn btn-primary btn-small", "aria-describedby": textId, "data-focus": "validate" }));
    } else if (p.status === "validated") {
      actions.append(button("Annuler la validation", async () => {
        const res = await view.act("unvalidate", { proposal_id: p.id }, {
          ackAs: (r) => [["qe.proposal", { step_id: view.step.id, proposal: r.proposal }]] });
        if (res.ok) view.page.announcer.say(`Validation annulée. ${res.message_fr}`);
      }, { "aria-describedby": textId, "data-focus": "unvalidate" }));
    }
  }
  if (actions.childElementCount) li.append(actions);
  return li;
}

function voteRow(view, p, ctx, textId) {
  const state = ctx.state;
  const { budget, max_per_card: cap } = state.votes;
  const weight = state.my_votes[p.id] || 0;
  const used = view.usedVotes(state);
  const canAdd = used < budget && weight < cap;
  const vote = (delta) => view.act("vote", { proposal_id: p.id, delta }, {
    ackAs: (r) => [["qe.vote", { step_id: view.step.id, proposal_id: p.id, weight: r.weight, used: r.used }]],
  });
  return h("div", { class: "card__votes" },
    h("button", { type: "button", class: "btn btn-vote", "aria-describedby": textId, "data-focus": "unvote",
      "aria-disabled": weight > 0 ? null : "true", onClick: () => weight > 0 && vote(-1) },
    h("span", { "aria-hidden": "true", text: "− " }), "Retirer"),
    h("span", { class: "card__myvotes", text: `Mes votes : ${weight}` }),
    h("button", { type: "button", class: "btn btn-vote", "aria-describedby": textId, "data-focus": "vote",
      "aria-disabled": canAdd ? null : "true", onClick: () => {
        if (used >= budget) return view.page.showError(`Vous avez utilisé tous vos votes (${budget}).`);
        if (weight >= cap) return view.page.showError(`Pas plus de ${plural(cap, "vote", "votes")} par proposition.`);
        vote(1);
      } },
    h("span", { "aria-hidden": "true", text: "+ " }), "Voter"));
}

function editForm(view, p, ctx) {
  const draft = view.drafts.get(p.id) || { text: p.text, enjeu: p.enjeu };
  const { area, counter } = textArea(`proposal-${p.id}-edit`, MAX, draft.text, 3);
  const options = [...ctx.state.enjeux.map((e) => [e.label, e.label]), ["", "Autre (question transversale)"]];
  const enjeu = select(`proposal-${p.id}-enjeu`, options, draft.enjeu);
  const keep = () => view.drafts.set(p.id, { text: area.value, enjeu: enjeu.value });
  area.addEventListener("input", keep);
  enjeu.addEventListener("change", keep);
  const warning = h("div", { class: "form-prompt", role: "alert" });
  const form = h("form", { class: "card__edit", novalidate: true },
    h("div", { class: "field" }, h("label", { for: area.id, text: "Formulation" }), area, counter),
    field("Enjeu", enjeu), warning,
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "btn btn-primary btn-small", text: "Enregistrer" }),
      button("Annuler", () => {
        view.drafts.delete(p.id);
        view.setMode(p.id, null);
      })));
  const send = async (confirm) => {
    const data = { proposal_id: p.id, version: p.version, text: area.value, enjeu: enjeu.value };
    if (confirm) data.confirm_personal = true;
    const res = await view.act("edit", data, { quiet: ["personal_data", "conflict"],
      ackAs: (r) => [["qe.proposal", { step_id: view.step.id, proposal: r.proposal }]] });
    if (res.ok) {
      view.drafts.delete(p.id);
      view.setMode(p.id, null);
    } else if (res.error.code === "personal_data") {
      personalPrompt(warning, res.error, () => send(true));
    } else if (res.error.code === "conflict") {
      Object.assign(p, res.error.proposal);
      view.page.showError(`${res.error.message_fr} Texte actuel : « ${p.text} ». Votre texte reste dans le champ : enregistrez à nouveau pour le garder.`);
    }
  };
  onSubmit(form, () => send(false));
  requestAnimationFrame(() => area.focus());
  return form;
}

function validateForm(view, p) {
  const { area, counter } = textArea(`proposal-${p.id}-final`, MAX, p.text, 3);
  const form = h("form", { class: "card__edit", novalidate: true },
    h("div", { class: "field" }, h("label", { for: area.id, text: "Formulation validée (modifiable)" }), area, counter),
    h("div", { class: "button-row" },
      h("button", { type: "submit", class: "btn btn-primary btn-small", text: "Valider" }),
      button("Annuler", () => view.setMode(p.id, null))));
  onSubmit(form, async () => {
    const res = await view.act("validate", { proposal_id: p.id, text: area.value }, {
      ackAs: (r) => [["qe.proposal", { step_id: view.step.id, proposal: r.proposal }]],
    });
    if (res.ok) {
      view.setMode(p.id, null);
      view.page.announcer.say(`Question essentielle n° ${res.question.number || ""} validée`);
    }
  });
  requestAnimationFrame(() => area.focus());
  return form;
}

function confirmDelete(view, p, _ctx, textId) {
  const row = h("div", { class: "card__confirm", role: "group", "aria-label": "Confirmer la suppression" },
    h("p", { text: "Supprimer cette proposition ?" }),
    h("button", { type: "button", class: "btn btn-small btn-danger", "aria-describedby": textId,
      text: "Confirmer la suppression", onClick: async () => {
        const res = await view.act("delete", { proposal_id: p.id });
        view.setMode(p.id, null);
        if (res.ok) view.page.announcer.say("Proposition supprimée");
      } }),
    button("Annuler", () => view.setMode(p.id, null)));
  requestAnimationFrame(() => {
    const b = row.querySelector(".btn-danger");
    if (b) b.focus();
  });
  return row;
}
