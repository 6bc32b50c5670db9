// A step as a participant would see it on a phone: its title, consigne and help, and what
// its settings put on the screen (columns or sections, the vote budget, the evaluation
// scales). Built from the step's data only; nothing is sent.

import { h } from "./ui.js";

const phrase = {
  evaluation: "Météo (de 1 à 5) · Utilité pour votre travail (de 1 à 5) · Une suggestion",
  cartographie: "Les acteurs et leurs relations : une carte et un tableau",
  chaine_de_valeur: "Ressources → activités → réalisations → résultats → impacts",
  feuille_de_route: "Actions : intitulé, pilote, contributeurs, échéance, indicateurs",
  questions_essentielles: "Propositions de questions essentielles, puis vote",
  charte: "Idées par section, rédaction, amendements, vote d'adoption",
};

export function preview(step, index, typeLabel) {
  const settings = step.settings || {};
  const parts = [
    h("p", { class: "kicker", text: `Étape ${index + 1} · ${typeLabel}` }),
    h("h3", { text: step.title || "(sans titre)" }),
    h("p", { class: "de-preview__consigne", text: step.consigne || "(consigne à écrire)" }),
  ];
  if (step.help) parts.push(h("p", { class: "hint", text: step.help }));
  const columns = settings.columns || settings.sections;
  if (Array.isArray(columns) && columns.length) {
    parts.push(h("div", { class: "de-preview__columns" }, columns.map((c) =>
      h("div", { class: "de-preview__column" },
        h("p", { class: "de-preview__label", text: c.label || c.id || "" }),
        c.hint ? h("p", { class: "hint", text: c.hint }) : null,
        h("p", { class: "de-preview__card", text: "Écrire une carte…" })))));
  } else if (phrase[step.type]) {
    parts.push(h("p", { class: "de-preview__card", text: phrase[step.type] }));
  }
  const votes = settings.votes;
  if (votes && votes.budget) {
    parts.push(h("p", { class: "de-preview__votes",
      text: `Vous disposez de ${votes.budget} point${votes.budget > 1 ? "s" : ""} à répartir` +
        (votes.max_per_card ? ` (${votes.max_per_card} au plus par élément)` : "") + "." }));
  }
  if (settings.anonymous) parts.push(h("p", { class: "hint", text: "Contributions anonymes." }));
  if (settings.hidden) parts.push(h("p", { class: "hint", text: "Les cartes des autres restent retournées jusqu'au dévoilement." }));
  if (settings.moderation) parts.push(h("p", { class: "hint", text: "Vos cartes apparaissent après validation par l'animateur." }));
  if (step.duration) parts.push(h("p", { class: "muted", text: `Durée prévue : ${step.duration} min` }));
  return h("div", { class: "de-preview__screen" }, parts);
}
