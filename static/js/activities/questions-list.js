// The cycle's questions essentielles (a production): read by everyone, ordered, edited,
// withdrawn and restored by the animateur (`question_*` actions, docs/activities/
// questions_essentielles.md). Shown by the views of the types that build on them
// (questions_essentielles, cartographie, chaine_de_valeur, feuille_de_route).

import { h, plural } from "../ui.js";
import { KeyedList, button, request, textArea } from "./common.js";

const MAX = 300;

export class QuestionsList {
  /** options: page, headingLevel, title, editable (animateur) */
  constructor({ page, headingLevel = 3, title = "Questions essentielles du cycle" }) {
    this.page = page;
    this.editing = new Map(); // question id → draft text
    this.count = h("span", { class: "questions__count" });
    this.list = h("ol", { class: "questions__list" });
    this.removedList = h("ul", { class: "questions__removed" });
    this.removed = h("details", { class: "questions__more" },
      h("summary", { text: "Questions retirées" }), this.removedList);
    this.empty = h("p", { class: "muted", text: "Aucune question essentielle validée pour l'instant." });
    this.root = h("section", { class: "questions card-panel", "aria-label": title },
      h(`h${headingLevel}`, { class: "questions__title" }, title, " ", this.count),
      this.empty, this.list, this.removed);
    const key = (q) => q.id;
    this.items = new KeyedList(this.list, {
      key,
      sig: (q, ctx) => [q.version, q.text, q.number, ctx.editable, ctx.total, this.editing.has(q.id)],
      keep: (q) => this.editing.has(q.id),
      build: (q, ctx) => this.item(q, ctx),
    });
    this.gone = new KeyedList(this.removedList, {
      key,
      sig: (q, ctx) => [q.version, q.text, ctx.editable],
      build: (q, ctx) => this.removedItem(q, ctx),
    });
  }

  render(step, questions, { target = null } = {}) {
    this.step = step;
    const editable = this.page.role === "animateur" && this.page.store.atelier.state !== "clos";
    const active = questions.filter((q) => q.active);
    const removed = questions.filter((q) => !q.active);
    this.count.textContent = `(${countLabel(active.length, target)})`;
    this.empty.hidden = active.length > 0;
    this.root.hidden = questions.length === 0;
    const ctx = { editable, total: active.length };
    this.items.render(active, ctx);
    this.gone.render(removed, ctx);
    this.removed.hidden = !(editable && removed.length);
  }

  item(q, ctx) {
    const textId = `question-${q.id}-text`;
    const li = h("li", { class: "question", "data-question-id": q.id },
      h("p", { class: "question__text", id: textId }, h("strong", { text: `Q${q.number}. ` }), q.text));
    if (!ctx.editable) return li;
    if (this.editing.has(q.id)) {
      li.append(this.editForm(q));
      return li;
    }
    const label = `question ${q.number}`;
    li.append(h("div", { class: "button-row question__actions" },
      button("Monter", () => this.move(q, q.number - 1), {
        "aria-label": `Monter la ${label}`, "aria-disabled": q.number === 1 ? "true" : null, "data-focus": "up" }),
      button("Descendre", () => this.move(q, q.number + 1), {
        "aria-label": `Descendre la ${label}`, "aria-disabled": q.number === ctx.total ? "true" : null,
        "data-focus": "down" }),
      button("Modifier", () => this.edit(q), { "aria-describedby": textId, "data-focus": "edit" }),
      button("Retirer", () => this.remove(q), { cls: "btn btn-small btn-danger-outline",
        "aria-describedby": textId, "data-focus": "remove" })));
    return li;
  }

  removedItem(q, ctx) {
    return h("li", {},
      h("span", { text: q.text }), " ",
      ctx.editable ? button("Restaurer", () => this.act("question_restore", { question_id: q.id })) : null);
  }

  editForm(q) {
    const id = `question-${q.id}-edit`;
    const { area, counter } = textArea(id, MAX, this.editing.get(q.id) ?? q.text);
    area.addEventListener("input", () => this.editing.set(q.id, area.value));
    const form = h("form", { class: "question__edit", novalidate: true },
      h("label", { for: id, text: `Question ${q.number}` }), area, counter,
      h("div", { class: "button-row" },
        h("button", { type: "submit", class: "btn btn-primary btn-small", text: "Enregistrer" }),
        button("Annuler", () => this.stop(q))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) return this.page.showError("La question est vide.");
      const res = await this.act("question_edit", { question_id: q.id, version: q.version, text },
        ["conflict"]);
      if (res.ok) this.stop(q);
      else if (res.error.code === "conflict") {
        const fresh = res.error.question;
        this.page.showError(`${res.error.message_fr} Texte actuel : « ${fresh.text} ». Votre texte reste dans le champ.`);
        Object.assign(q, fresh);
        this.page.schedule();
      }
    });
    requestAnimationFrame(() => area.focus());
    return form;
  }

  edit(q) {
    this.editing.set(q.id, q.text);
    this.page.schedule();
  }

  stop(q) {
    this.editing.delete(q.id);
    this.page.schedule();
  }

  move(q, position) {
    if (position < 1) return;
    this.act("question_move", { question_id: q.id, position });
  }

  async remove(q) {
    const res = await this.act("question_remove", { question_id: q.id, version: q.version });
    if (res.ok) {
      const what = `Question ${q.number} retirée. ${res.message_fr}`;
      this.page.announcer.say(what);
      this.page.showError(what);
    }
  }

  act(action, data, quiet = []) {
    return request(this.page, this.step, action, data, {
      quiet,
      ackAs: (res) => [["questions.updated", { questions: res.questions }]],
    });
  }
}

/** « Q2. Comment associer les parents ? » (or a short « Q2 »); "" for an unknown id. */
export function questionText(questions, id, long = true) {
  const q = questions.find((x) => x.id === id);
  if (!q) return "";
  if (!q.active) return "question retirée";
  return long ? `Q${q.number}. ${q.text}` : `Q${q.number}`;
}

/** « Q2 », « question retirée » or « question inconnue ». */
export function questionLabel(questions, id) {
  return questionText(questions, id, false) || "question inconnue";
}

/** « 3 questions, 4 visées », « 5 questions pour 4 visées : 1 de trop » (never « 5 sur 4 »). */
export function countLabel(count, target) {
  const n = plural(count, "question", "questions");
  if (!target) return n;
  if (count > target) return `${n} pour ${target} visées : ${count - target} de trop`;
  if (count === target) return `${n} : le nombre visé est atteint`;
  return `${n}, ${target} visées`;
}
