// « Renommer » a sub-group in the console's group grid (issue 18, static/js/groups.js): the
// name is checked here in French, then by the server (core/group_ops.py rename).

import { h, setText } from "./ui.js";

// longest group name (core/group_ops.py MAX_NAME)
const MAX_GROUP_NAME = 80;

/** « Renommer » a group: checked here (French), then by the server (core/group_ops.py). */
export function nameProblem(name) {
  const clean = name.split(/\s+/).filter(Boolean).join(" ");
  if (!clean) return "Donnez un nom au groupe.";
  if (clean.length > MAX_GROUP_NAME) return `Le nom d'un groupe fait ${MAX_GROUP_NAME} caractères au plus.`;
  return "";
}

export function focusRename(groupId) {
  const input = document.getElementById(`group-name-${groupId}`);
  if (input) input.focus();
}

export function renameForm(page, g, request, ui) {
  const id = `group-name-${g.id}`;
  const input = h("input", { id, name: "name", type: "text", value: g.name, autocomplete: "off" });
  const error = h("p", { class: "groups-rename__error", id: `${id}-error`, hidden: true });
  const form = h("form", { class: "groups-rename", novalidate: true, "data-group-id": String(g.id) },
    h("label", { for: id, text: `Nouveau nom du groupe « ${g.name} »` }), input, error,
    h("button", { type: "submit", class: "btn btn-primary" }, "Enregistrer"),
    h("button", { type: "button", class: "btn",
      onClick: () => { ui.renaming = null; page.draw(); } }, "Annuler"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = nameProblem(input.value);
    error.hidden = !problem;
    setText(error, problem);
    if (problem) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
    const res = await request("groups_rename", { group_id: g.id, name: input.value });
    if (res.ok) {
      ui.renaming = null;
      page.draw();
    }
  });
  return form;
}
