// The écosystème of the chaine_de_valeur view: the cycle's chains gathered by question
// essentielle, and who contributes what at each link of the chain.

import { h, plural } from "../../ui.js";

export class Ecosystem {
  constructor(view) {
    this.view = view;
    this.root = h("div", { class: "cv__eco" });
  }

  render(state, names) {
    const key = JSON.stringify([state.chaines, state.questions, state.levels, [...names]]);
    if (this.key === key) return;
    this.key = key;
    const groups = ecosystem(state, names);
    const L = `h${this.view.level}`;
    const rows = [...state.levels, { id: "objectif", label: "Objectifs" }];
    this.root.replaceChildren(
      h("p", { class: "cv-eco__summary", text: `${plural(state.chaines.length, "chaîne de valeur rassemblée", "chaînes de valeur rassemblées")} par question essentielle.` }),
      ...(groups.length ? groups.map((g, index) => h("section", { class: "card-panel cv-eco", "aria-labelledby": `cv-eco-${index}` },
        h(L, { id: `cv-eco-${index}`, text: g.question ? `Q${g.question.number}. ${g.question.text}` : "Sans question essentielle" }),
        h("p", { class: "muted", text: `${plural(g.chaines.length, "chaîne", "chaînes")} · Contributeurs : ${g.contributors.join(", ") || "aucun"}` }),
        h("div", { class: "table-wrap" }, h("table", { class: "table table--stack cv-eco__table" },
          h("caption", { class: "visually-hidden", text: `Qui apporte quoi — ${g.question ? `Q${g.question.number}` : "sans question"}` }),
          h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Maillon" }), h("th", { scope: "col", text: "Ce qui est apporté, et par qui" }))),
          h("tbody", {}, rows.map((lv) => {
            const items = g.levels[lv.id] || [];
            return h("tr", { class: items.length ? null : "cv-eco__gap" }, h("th", { scope: "row", text: lv.label }),
              h("td", { "data-label": lv.label }, items.length
                ? h("ul", { class: "cv-items" }, items.map((i) => h("li", {}, i.text,
                  h("span", { class: "cv-item__who", text: ` — ${i.structure || "structure non précisée"}${i.chaine !== i.structure ? ` (${i.chaine})` : ""}` }))))
                : h("span", { class: "muted", text: "Personne pour l'instant" })));
          })))))) : [h("p", { class: "muted", text: "Aucune question essentielle ni chaîne de valeur pour l'instant." })]));
  }
}

/** The chains by active question (then « sans question »): who contributes what, by link. */
export function ecosystem(state, names) {
  const active = state.questions.filter((q) => q.active);
  const known = new Set(active.map((q) => q.id));
  const buckets = active.map((q) => [q, state.chaines.filter((c) => c.question_ids.includes(q.id))]);
  const loose = state.chaines.filter((c) => !c.question_ids.some((id) => known.has(id)));
  if (loose.length) buckets.push([null, loose]);
  return buckets.map(([question, chaines]) => {
    const levels = {};
    const contributors = new Set();
    for (const c of chaines) {
      for (const item of c.items) {
        if (item.level === "indicateur") continue;
        const who = names.get(item.structure_id || c.structure_id) || "";
        if (who) contributors.add(who);
        (levels[item.level] = levels[item.level] || []).push({ text: item.text, structure: who, chaine: c.title });
      }
    }
    return { question, chaines, levels, contributors: [...contributors].sort((a, b) => a.localeCompare(b, "fr")) };
  });
}
