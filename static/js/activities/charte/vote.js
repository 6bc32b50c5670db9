// The `charte`'s adoption vote (docs/activities/charte.md): participation, the ballot, live
// totals, the animateur's close, and the recorded result of a closed vote.

import { h, plural } from "../../ui.js";
import { button, onSubmit } from "../common.js";

const SIDE = { pour: "pour l'adoption", contre: "contre", abstention: "abstention" };

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
  return onSubmit(form, async () => {
    const chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) return view.page.showError("Choisissez un degré d'accord avant de voter.");
    const res = await view.act("ballot", { gradient: chosen.value }, {
      ackAs: (r) => (r.unchanged ? [] : [["charte.ballot", { version_id: vote.version_id, participation: r.participation, my_ballot: r.gradient }]]),
    });
    if (res.ok) view.page.announcer.say(res.replaced ? "Bulletin changé" : res.unchanged ? "Bulletin inchangé" : "Bulletin enregistré");
  });
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
