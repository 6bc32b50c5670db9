// The phases of an activity that goes through several (questions_essentielles, charte,
// feuille_de_route): their list with the current one marked, and the animateur's buttons to
// go back or on.

import { h } from "../ui.js";
import { button } from "./common.js";

export class PhaseBar {
  /** label: the list's accessible name; steerClass: the class of the buttons' row. */
  constructor(label, steerClass) {
    this.list = h("ol", { class: "phases", "aria-label": label });
    this.steer = h("div", { class: `button-row ${steerClass}` });
  }

  /**
   * phases: [[id, label], …]; back, next: [phase, button label] or null; envelope: the type's
   * phase envelope, applied from the ack. The buttons are the animateur's, while it is open.
   */
  render(view, { phases, current, back = null, next = null, envelope }) {
    this.list.replaceChildren(...phases.map(([id, label], i) => h("li", {
      class: id === current ? "phase phase--current" : "phase",
      "aria-current": id === current ? "step" : null,
    }, `${i + 1}. ${label}`)));
    this.steer.hidden = !(view.ctx.anim && view.ctx.open);
    if (this.steer.hidden) return;
    const go = ([phase, label], primary) => button(label, () => view.act("phase", { phase }, {
      ackAs: (res) => [[envelope, { step_id: view.step.id, phase: res.phase }]],
    }), { cls: primary ? "btn btn-primary" : "btn", "data-phase": phase });
    this.steer.replaceChildren(...(back ? [go(back, false)] : []), ...(next ? [go(next, true)] : []));
  }
}
