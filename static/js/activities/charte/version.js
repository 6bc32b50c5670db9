// The `charte`'s version bar: the version shown and its status, the adopted one, the
// history, and the animateur's version actions (start, consolidate, freeze, unfreeze, open
// the vote, start again).

import { h, plural } from "../../ui.js";
import { button } from "../common.js";

export class VersionBar {
  constructor(view) {
    this.view = view;
    this.root = h("div", { class: "charte__version card-panel" });
  }

  render(state, ctx) {
    const cur = state.current;
    const parts = [];
    const L = this.view.level;
    if (cur) {
      parts.push(h(`h${L}`, { class: "charte__version-title" }, `Charte — version ${cur.number} `,
        h("span", { class: `badge badge--${cur.status}`, text: cur.status_label })));
      if (state.adopted_number && state.adopted_number !== cur.number) {
        parts.push(h("p", { class: "hint", text: `Version adoptée en vigueur : version ${state.adopted_number}.` }));
      }
    } else {
      parts.push(h(`h${L}`, { class: "charte__version-title", text: "Charte — aucune version" }));
    }
    if (ctx.anim && ctx.open) parts.push(this.actions(state));
    if (state.versions.length > 1) {
      parts.push(h("details", { class: "charte__history" }, h("summary", { text: `Versions (${state.versions.length})` }),
        h("ol", {}, state.versions.map((v) => h("li", { text: `Version ${v.number} — ${v.status_label}${v.result && v.result.outcome_label ? ` (${v.result.outcome_label})` : ""}` })))));
    }
    this.root.hidden = !cur && !(ctx.anim && ctx.open);
    const key = JSON.stringify([cur && [cur.id, cur.status, cur.number, cur.vote_state], state.versions.map((v) => v.status),
      state.amendments.map((a) => a.status), ctx.anim, ctx.open, state.phase, state.adopted_number]);
    if (this.key === key) return;
    this.key = key;
    this.root.replaceChildren(...parts);
  }

  actions(state) {
    const view = this.view;
    const cur = state.current;
    const row = h("div", { class: "button-row" });
    const onVersion = (r) => [["charte.version", { version: r.version, versions: view.mergeVersions(r.version) }]];
    if (!cur) {
      row.append(button("Commencer la version 1", () => view.act("version_start", {}, { ackAs: onVersion }), { cls: "btn btn-primary" }));
      return row;
    }
    if (cur.status === "brouillon") {
      const accepted = state.amendments.filter((a) => a.status === "acceptee").length;
      if (accepted) {
        row.append(button(`Consolider la version ${cur.number + 1} (${plural(accepted, "amendement accepté", "amendements acceptés")})`, async () => {
          const res = await view.act("consolidate", {}, { ackAs: onVersion });
          if (res.ok) view.page.announcer.say(`Version ${res.version.number} consolidée : ${plural(res.integrated, "amendement intégré", "amendements intégrés")}`);
        }, { cls: "btn btn-primary" }));
      }
      row.append(button(`Geler la version ${cur.number}`, async () => {
        const res = await view.act("freeze", {}, { ackAs: onVersion });
        if (res.ok) {
          const aside = res.set_aside ? ` ${plural(res.set_aside, "amendement non examiné écarté", "amendements non examinés écartés")}.` : "";
          view.page.announcer.say(`Version ${cur.number} gelée.${aside}`);
          if (aside) view.page.showError(`Version ${cur.number} gelée.${aside}`);
        }
      }, { cls: accepted ? "btn" : "btn btn-primary" }));
    } else if (cur.status === "gelee" && !cur.vote_state) {
      if (state.phase === "vote") {
        row.append(button(`Ouvrir le vote sur la version ${cur.number}`, () => view.act("phase", { phase: "vote" }),
          { cls: "btn btn-primary" }));
      }
      row.append(button(`Dégeler la version ${cur.number}`, () => view.act("unfreeze", {}, { ackAs: onVersion })));
    } else if (cur.status === "adoptee" || cur.status === "non_adoptee") {
      row.append(button(`Repartir de la version ${cur.number}`, () => view.act("version_start", {}, { ackAs: onVersion })));
    }
    return row;
  }
}
