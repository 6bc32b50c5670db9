// One card of the cartes board, as its viewer may act on it: text (or face down, masked),
// author, moderation, marks, privacy warnings, pending sends, votes, and the author's or the
// animateur's buttons (edit and delete forms: edit.js).

import { groupName } from "../../groups.js";
import { h, plural } from "../../ui.js";
import { confirmRow, editForm } from "./edit.js";
import { cardMenu } from "./menu.js";

// kinds of facilitator/privacy.py, for the animateur's and the author's warning
const PRIVACY = {
  email: "adresse électronique",
  phone: "numéro de téléphone",
  nir: "numéro de sécurité sociale",
  address: "adresse postale",
  birth: "date de naissance",
  name_age: "prénom avec un âge",
  named_child: "enfant désigné par son nom",
  named_family: "famille désignée par son nom",
  civility: "personne désignée par son nom",
};

// moderation states of a card its author sees but nobody else does (docs/protocol.md)
export const HELD = new Set(["pending", "rejected"]);

/** The animateur's marks on a card (routed into the compte rendu), in display order
 * (menu.js has the toggles). */
const MARKS = { decision: "Décision", carry_over: "À reprendre", open_question: "Question ouverte" };

export function cardElement(board, card, ctx, { mode, items, tally, mine, weight }) {
  const textId = card.pendingAdd ? null : `card-${card.id}-text`;
  const edit = items.filter((i) => i.event === "card_edit").pop();
  const deleting = items.some((i) => i.event === "card_delete");
  const classes = ["card"];
  if (mine) classes.push("card--mine");
  if (card.by_animateur) classes.push("card--animateur");
  const hidden = card.face_down || (card.masked && card.text == null);
  if (card.face_down) classes.push("card--face-down");
  if (card.masked) classes.push("card--masked");
  if (card.privacy && card.privacy.length) classes.push("card--privacy");
  if (card.pendingAdd || items.length) classes.push("card--pending");
  const held = HELD.has(card.moderation);
  if (held) classes.push("card--held");
  const el = h("li", {
    class: classes.join(" "),
    "data-card-id": card.pendingAdd ? null : card.id,
    "data-client-id": card.pendingAdd ? card.client_id : null,
  });
  if (card.face_down) {
    el.append(h("p", { class: "card__text", id: textId, text: "Carte retournée" }));
  } else if (hidden) {
    el.append(h("p", { class: "card__text", id: textId, text: "Carte masquée par l'animateur" }));
  } else {
    const text = edit && edit.payload.text != null ? edit.payload.text : card.text;
    el.append(h("p", { class: "card__text", id: textId, text }));
  }
  const meta = metaText(board, card, mine);
  if (meta) el.append(h("p", { class: "card__meta", text: meta }));
  // the sub-group it was written in (issue 18), kept after the mise en commun
  const group = groupName(board.store, card);
  if (group) el.append(h("p", { class: "card__group", text: /^groupe/i.test(group) ? group : `Groupe « ${group} »` }));
  if (card.masked && !hidden) {
    const who = board.role === "animateur" ? "Masquée pour les participants" : "Masquée par l'animateur";
    el.append(h("p", { class: "card__flag", text: who }));
  }
  if (card.moderation === "pending") {
    el.append(h("p", { class: "card__flag card__flag--held", text: "En attente de validation" }));
  } else if (card.moderation === "rejected") {
    const why = card.moderation_reason ? ` : ${card.moderation_reason}` : "";
    el.append(h("p", { class: "card__flag card__flag--warn", text: `Refusée par l'animateur${why}. Modifiez-la pour la proposer à nouveau.` }));
  }
  const marks = (card.marks || []).filter((m) => MARKS[m]);
  if (marks.length && !hidden) {
    el.append(h("p", { class: "card__marks" },
      ...marks.map((m) => h("span", { class: `card__mark card__mark--${m}`, text: MARKS[m] }))));
  }
  if (card.privacy && card.privacy.length) {
    const kinds = card.privacy.map((k) => PRIVACY[k] || k).join(", ");
    el.append(h("p", { class: "card__flag card__flag--warn", text: `Données personnelles possibles : ${kinds}` }));
  }
  if (card.pendingAdd || items.length) {
    const what = deleting ? `Suppression : ${ctx.waiting.toLowerCase()}` : ctx.waiting;
    el.append(h("p", { class: "card__pending", text: what }));
  }
  if (card.pendingAdd) return el;
  if (ctx.showTotals && !held) {
    el.append(h("p", { class: "card__tally", text: plural(tally, "vote", "votes") }));
  }
  if (ctx.canVote && !hidden && !deleting && !held) el.append(voteRow(board, card, ctx, weight, textId));
  const editable = ctx.canWrite && !deleting && (board.role === "animateur" || mine);
  if (board.role === "animateur") {
    // the animateur's actions: one menu per card (menu.js)
    if (deleting) return el;
    if (mode === "edit" && editable) el.append(editForm(board, card, ctx, edit));
    else if (mode === "confirm" && editable) el.append(confirmRow(board, card, textId));
    else el.append(cardMenu(board, card, ctx, { mode, hidden, editable, textId }));
    return el;
  }
  if (!editable) return el;
  if (mode === "edit") el.append(editForm(board, card, ctx, edit));
  else if (mode === "confirm") el.append(confirmRow(board, card, textId));
  else {
    el.append(
      h(
        "div",
        { class: "card__actions" },
        h("button", { type: "button", class: "btn btn-small", "data-action": "edit",
          "aria-describedby": textId, text: "Modifier", onClick: () => board.setMode(card.id, "edit") }),
        h("button", { type: "button", class: "btn btn-small btn-danger-outline", "data-action": "delete",
          "aria-describedby": textId, text: "Supprimer", onClick: () => board.setMode(card.id, "confirm") }),
      ),
    );
  }
  return el;
}

function metaText(board, card, mine) {
  if (mine) return "Votre carte";
  if (card.by_animateur) return board.role === "animateur" ? "Animateur" : "";
  if (!card.author) return "";
  return card.author.structure ? `${card.author.name} (${card.author.structure})` : card.author.name;
}

function voteRow(board, card, ctx, weight, textId) {
  const { budget, max_per_card: cap } = ctx.votes;
  const canAdd = ctx.used < budget && weight < cap;
  const plus = h("button", { type: "button", class: "btn btn-vote", "data-action": "vote",
    "aria-describedby": textId, "aria-disabled": canAdd ? null : "true",
    onClick: () => board.vote(card, 1, ctx, weight) },
  h("span", { "aria-hidden": "true", text: "+ " }), "Voter");
  const minus = h("button", { type: "button", class: "btn btn-vote", "data-action": "unvote",
    "aria-describedby": textId, "aria-disabled": weight > 0 ? null : "true",
    onClick: () => board.vote(card, -1, ctx, weight) },
  h("span", { "aria-hidden": "true", text: "− " }), "Retirer");
  const mineText = h("span", { class: "card__myvotes", text: `Mes votes : ${weight}` });
  return h("div", { class: "card__votes" }, minus, mineText, plus);
}
