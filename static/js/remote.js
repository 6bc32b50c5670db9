// Where a participant takes part from (templates/_remote_board.html, issue 18): in a hybride
// atelier they switch between « dans la salle » and « à distance »; at a distance the visio
// link is shown. Another device of the same person follows (event participant.remote).

import { $, setText } from "./ui.js";

/** Bind the panel, when the page has one. `page`: the board page (page.js). */
export function bindRemote(page) {
  const panel = $("remote-panel");
  if (!panel) return;
  const toggle = $("remote-toggle");
  const show = (remote) => {
    panel.dataset.remote = String(remote);
    setText($("remote-state"), remote ? "Vous participez à distance." : "Vous participez dans la salle.");
    const visio = $("remote-visio");
    if (visio) visio.hidden = !remote;
    if (toggle) toggle.textContent = remote ? "Je suis dans la salle" : "Je participe à distance";
  };
  page.store.subscribe((change) => {
    if (change.type === "participant.remote" && typeof change.data.remote === "boolean") {
      show(change.data.remote);
    }
  });
  if (!toggle) return;
  toggle.addEventListener("click", async () => {
    const remote = panel.dataset.remote !== "true";
    toggle.disabled = true;
    const res = await page.live.request("attendance_remote", { remote });
    toggle.disabled = false;
    if (res.ok) {
      show(res.remote);
      page.announcer.say(res.remote ? "Vous participez à distance" : "Vous participez dans la salle");
    }
  });
}
