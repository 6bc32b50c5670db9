// Forms of the cartographie: an actor (from the répertoire or absent from the room), an
// action (linked to questions essentielles), a relation. The same form adds or edits; an
// edit carries the version it started from and answers a conflict with the fresh data.

import { h, showPrompt } from "../../ui.js";
import {
  button, checkboxes, field, newClientId, onSubmit, personalPrompt, select, setOptions, textArea, uniqueId,
} from "../common.js";

const ABSENT = "";

function actorOptions(state, none) {
  const actors = [...state.actors].sort((a, b) => a.name.localeCompare(b.name, "fr"));
  return [["", none], ...actors.map((a) => [String(a.id), a.name])];
}

function questionOptions(state) {
  return state.questions.filter((q) => q.active).map((q) => [String(q.id), `Q${q.number}. ${q.text}`]);
}

class BaseForm {
  /** item: the one edited (it has an id), or what a new one starts from ({actor_id}, …). */
  /** titles: [to add one, to edit one]. */
  constructor(view, item, kind, [addTitle, editTitle]) {
    this.view = view;
    this.kind = kind;
    this.editing = Boolean(item && item.id);
    this.item = this.editing ? item : null;
    this.title = this.editing ? editTitle : addTitle;
    this.clientId = newClientId();
    this.warning = h("div", { class: "form-prompt", role: "alert" });
    this.form = onSubmit(h("form", { class: "carto-form", novalidate: true }), () => this.submit({}));
  }

  get labels() {
    return this.view.state.labels;
  }

  footer(label) {
    return h("div", { class: "button-row" },
      h("button", { type: "submit", class: "btn btn-primary", text: label }),
      this.item ? button("Annuler", () => this.view.closeEditor(), { cls: "btn" }) : null);
  }

  async send(action, data, ackAs, extra) {
    this.warning.replaceChildren();
    const res = await this.view.act(action, { ...data, ...extra }, {
      quiet: ["personal_data", "duplicate", "conflict"], ackAs });
    if (res.ok) return res;
    const error = res.error;
    if (error.code === "personal_data") {
      personalPrompt(this.warning, error, () => this.submit({ ...extra, confirm_personal: true }));
    } else if (error.code === "duplicate") this.duplicate(error, extra);
    else if (error.code === "conflict") this.conflict(error);
    return res;
  }

  /** Someone saved first: keep what the user typed, show the fresh values, let them choose. */
  conflict(error) {
    const fresh = error.actor || error.relation;
    const details = this.describe(fresh);
    showPrompt(this.warning, {
      message: error.message_fr,
      details,
      focus: true,
      actions: [
        { label: "Garder mes modifications", primary: true, run: () => {
          this.item = { ...this.item, version: fresh.version };
          this.view.page.announcer.say("Vos modifications sont conservées : enregistrez à nouveau.");
        } },
        { label: "Reprendre la version actuelle", run: () => this.view.openEditor(this.kind, fresh) },
      ],
    });
  }

  duplicate(error) {
    this.view.page.showError(error.message_fr);
  }

  describe() {
    return [];
  }
}

export class ActorForm extends BaseForm {
  constructor(view, item = null) {
    super(view, item, "actor", ["Ajouter un acteur", item && `Modifier « ${item.name} »`]);
    this.source = select(uniqueId("actor-source"), this.sources(),
      item && item.structure_id ? String(item.structure_id) : ABSENT);
    this.name = h("input", { id: uniqueId("actor-name"), type: "text", maxlength: "160", autocomplete: "off",
      value: item ? item.name : "" });
    this.type = select(uniqueId("actor-type"), Object.entries(this.labels.types), item ? item.type : "association");
    this.champs = checkboxes("Champs d'intervention", Object.entries(this.labels.champs), item ? item.champs : []);
    this.territoire = h("input", { id: uniqueId("actor-territoire"), type: "text", maxlength: "160",
      value: item ? item.territoire : "" });
    this.source.addEventListener("change", () => this.fromStructure());
    this.form.append(
      field("Structure du répertoire", this.source, "Ou laissez « acteur absent » et donnez son nom."),
      field("Nom de l'acteur", this.name),
      field("Type", this.type),
      this.champs,
      field("Territoire", this.territoire),
      this.warning,
      this.footer(item ? "Enregistrer l'acteur" : "Ajouter l'acteur"));
  }

  sources() {
    const item = this.item;
    return [[ABSENT, "— Acteur absent de la salle —"], ...this.view.state.structures.map((x) => [String(x.id),
      x.actor_id && (!item || x.actor_id !== item.id) ? `${x.name} (déjà sur la carte)` : x.name])];
  }

  refresh() {
    setOptions(this.source, this.sources());
  }

  fromStructure() {
    const s = this.view.state.structures.find((x) => String(x.id) === this.source.value);
    if (!s) return;
    this.name.value = s.name;
    if (this.labels.types[s.type]) this.type.value = s.type;
    this.territoire.value = s.territoire || this.territoire.value;
    for (const box of this.champs.querySelectorAll("input")) box.checked = s.champs.includes(box.value);
  }

  describe(a) {
    const labels = this.labels;
    return [`Nom : ${a.name}`, `Type : ${labels.types[a.type] || a.type}`,
      `Champs : ${a.champs.map((c) => labels.champs[c] || c).join(", ") || "—"}`,
      `Territoire : ${a.territoire || "—"}`];
  }

  data() {
    const data = { name: this.name.value, type: this.type.value, champs: this.champs.values(),
      territoire: this.territoire.value };
    data.structure_id = this.source.value ? Number(this.source.value) : null;
    return data;
  }

  async submit(extra) {
    const data = this.data();
    if (!data.name.trim() && !data.structure_id) {
      this.view.page.showError("Indiquez le nom de l'acteur ou choisissez une structure.");
      this.name.focus();
      return;
    }
    const ackAs = (r) => [["map.actor", { actor: r.actor }]];
    if (this.item) {
      const res = await this.send("actor_edit", { actor_id: this.item.id, version: this.item.version, ...data },
        ackAs, extra);
      if (res.ok) this.view.closeEditor(`Acteur « ${res.actor.name} » enregistré`);
      return;
    }
    const res = await this.send("actor_add", { client_id: this.clientId, ...data }, ackAs, extra);
    if (res.ok) {
      this.clientId = newClientId();
      this.form.reset();
      this.view.page.announcer.say(`Acteur « ${res.actor.name} » ajouté à la carte`);
      this.view.select(res.actor.id);
    }
  }

  duplicate(error, extra) {
    const existing = error.actor;
    showPrompt(this.warning, {
      message: error.message_fr,
      focus: true,
      actions: [
        { label: "Voir l'acteur existant", primary: true, run: () => this.view.select(existing.id, true) },
        { label: "C'est un autre acteur : l'ajouter", run: () => this.submit({ ...extra, confirm_duplicate: true }) },
      ],
    });
  }
}

export class ActionForm extends BaseForm {
  /** item: an action (edit) or {actor_id} (add to that actor) */
  constructor(view, item = null) {
    super(view, item, "action", ["Ajouter une action", "Modifier l'action"]);
    const { editing } = this;
    const s = view.state;
    this.actor = select(uniqueId("action-actor"), actorOptions(s, "— Choisir l'acteur —"),
      item ? String(item.actor_id) : "");
    if (editing && view.page.role !== "animateur") this.actor.disabled = true;
    const { area, counter } = textArea(uniqueId("action-text"), 300, editing ? item.text : "", 2);
    this.text = area;
    const questions = questionOptions(s);
    this.questions = checkboxes("Questions essentielles concernées", questions, editing ? item.question_ids : []);
    this.noQuestion = h("p", { class: "hint", text: "Aucune question essentielle validée.", hidden: questions.length > 0 });
    this.form.append(field("Acteur", this.actor, editing && view.page.role === "animateur"
      ? "Changez d'acteur pour déplacer l'action." : ""),
    h("div", { class: "field" }, h("label", { for: area.id, text: "Action (une phrase)" }), area, counter),
    this.questions, this.noQuestion,
    this.warning, this.footer(editing ? "Enregistrer l'action" : "Ajouter l'action"));
  }

  refresh() {
    const s = this.view.state;
    setOptions(this.actor, actorOptions(s, "— Choisir l'acteur —"));
    const questions = questionOptions(s);
    if (this.questionsFor !== JSON.stringify(questions)) {
      this.questionsFor = JSON.stringify(questions);
      this.questions.setOptions(questions);
      this.noQuestion.hidden = questions.length > 0;
    }
  }

  async submit(extra) {
    const actorId = Number(this.actor.value);
    if (!actorId) return this.view.page.showError("Choisissez l'acteur qui mène cette action.");
    if (!this.text.value.trim()) return this.view.page.showError("Décrivez l'action en une phrase.");
    const questionIds = this.questions.values().map(Number);
    if (this.item) {
      const data = { action_id: this.item.id, version: this.item.version, text: this.text.value,
        question_ids: questionIds };
      if (actorId !== this.item.actor_id) data.actor_id = actorId;
      const res = await this.send("action_edit", data,
        (r) => r.actors.map((actor) => ["map.actor", { actor }]), extra);
      if (res.ok) this.view.closeEditor("Action enregistrée");
      return;
    }
    const res = await this.send("action_add", { actor_id: actorId, client_id: this.clientId,
      text: this.text.value, question_ids: questionIds }, (r) => [["map.actor", { actor: r.actor }]], extra);
    if (res.ok) {
      this.clientId = newClientId();
      this.text.value = "";
      this.text.dispatchEvent(new Event("input"));
      this.view.page.announcer.say("Action ajoutée");
      if (this.view.editorKind === "action") this.view.closeEditor();
    }
  }

  conflict(error) {
    this.view.page.showError(`${error.message_fr} Votre texte reste dans le champ : enregistrez à nouveau pour le garder.`);
    const fresh = (error.actor.actions || []).find((a) => a.id === this.item.id);
    if (fresh) this.item = { ...this.item, version: fresh.version };
  }
}

export class RelationForm extends BaseForm {
  /** item: a relation (edit) or {source_id} (add from that actor) */
  constructor(view, item = null) {
    super(view, item, "relation", ["Ajouter une relation", "Modifier la relation"]);
    const { editing } = this;
    const actors = actorOptions(view.state, "— Choisir —");
    this.source = select(uniqueId("rel-a"), actors, item ? String(item.source_id || "") : "");
    this.target = select(uniqueId("rel-b"), actors, item ? String(item.target_id || "") : "");
    const labels = this.labels;
    const statusName = uniqueId("rel-status");
    const status = (editing && item.status) || "existante";
    this.status = h("fieldset", { class: "fieldset checks" }, h("legend", { text: "La relation" }),
      Object.entries(labels.statuses).map(([value, label]) => {
        const id = uniqueId(statusName);
        return h("div", { class: "check" }, h("input", { type: "radio", name: statusName, id, value,
          checked: value === status }), h("label", { for: id, text: label === "À créer" ? "est à créer" : "existe" }));
      }));
    this.level = select(uniqueId("rel-level"), Object.entries(labels.levels), editing ? item.level : "partenariat");
    this.natures = checkboxes("Nature", Object.entries(labels.natures), editing ? item.natures : []);
    this.question = select(uniqueId("rel-q"), this.questionChoices(),
      editing && item.question_id ? String(item.question_id) : (view.filters.question || ""));
    this.comment = h("input", { id: uniqueId("rel-comment"), type: "text", maxlength: "300",
      value: editing ? item.comment : "" });
    this.form.append(field("Acteur A", this.source), field("Acteur B", this.target), this.status,
      field("Niveau de coopération", this.level), this.natures, field("Question essentielle", this.question),
      field("Commentaire (facultatif)", this.comment), this.warning,
      this.footer(editing ? "Enregistrer la relation" : "Ajouter la relation"));
  }

  questionChoices() {
    const item = this.item;
    const questions = this.view.state.questions.filter((q) => q.active || (item && q.id === item.question_id));
    return [["", "Toutes / transversale"],
      ...questions.map((q) => [String(q.id), q.active ? `Q${q.number}. ${q.text}` : `(retirée) ${q.text}`])];
  }

  refresh() {
    const actors = actorOptions(this.view.state, "— Choisir —");
    setOptions(this.source, actors);
    setOptions(this.target, actors);
    setOptions(this.question, this.questionChoices());
  }

  describe(r) {
    const labels = this.labels;
    return [`Statut : ${labels.statuses[r.status]}`, `Niveau : ${labels.levels[r.level]}`,
      `Nature : ${r.natures.map((n) => labels.natures[n]).join(", ") || "—"}`];
  }

  data() {
    const checked = this.status.querySelector("input:checked");
    return {
      source_id: Number(this.source.value), target_id: Number(this.target.value),
      status: checked ? checked.value : "existante", level: this.level.value, natures: this.natures.values(),
      question_id: this.question.value ? Number(this.question.value) : null, comment: this.comment.value,
    };
  }

  async submit(extra) {
    const data = this.data();
    if (!data.source_id || !data.target_id) return this.view.page.showError("Choisissez les deux acteurs.");
    if (data.source_id === data.target_id) {
      return this.view.page.showError("Une relation relie deux acteurs différents.");
    }
    const ackAs = (r) => [["map.relation", { relation: r.relation }]];
    if (this.item) {
      const res = await this.send("relation_edit", { relation_id: this.item.id, version: this.item.version,
        ...data }, ackAs, extra);
      if (res.ok) this.view.closeEditor("Relation enregistrée");
      return;
    }
    const res = await this.send("relation_add", { client_id: this.clientId, ...data }, ackAs, extra);
    if (res.ok) {
      this.clientId = newClientId();
      this.comment.value = "";
      this.target.value = "";
      this.view.page.announcer.say("Relation ajoutée");
      if (this.view.editorKind === "relation") this.view.closeEditor();
    }
  }

  duplicate(error) {
    const existing = error.relation;
    showPrompt(this.warning, {
      message: error.message_fr,
      focus: true,
      actions: [{ label: "Modifier la relation existante", primary: true,
        run: () => this.view.openEditor("relation", existing) }, { label: "Annuler" }],
    });
  }
}

export const FORMS = { actor: ActorForm, action: ActionForm, relation: RelationForm };
