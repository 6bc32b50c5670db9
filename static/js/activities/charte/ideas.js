// The ideas of the `charte` (phase « idées »): the form to propose one for a section (an idea
// is a card of the step, sent with `card_add`), and the ideas by section, that the animateur
// retains for the next clause.

import { groupName } from "../../groups.js";
import { h, plural, setText } from "../../ui.js";
import { newClientId, onSubmit, personalPrompt, select, textArea } from "../common.js";

export class Ideas {
  constructor(view) {
    this.view = view;
    this.clientId = newClientId();
    this.form = this.buildForm();
    this.list = h("div", { class: "charte-ideas__list" });
    this.title = h(`h${view.level}`, { class: "charte-ideas__title" });
    this.root = h("details", { class: "card-panel charte-ideas", open: true },
      h("summary", {}, this.title), this.list);
  }

  buildForm() {
    const { area, counter } = textArea("charte-idea", 500, "", 3);
    this.area = area;
    this.section = h("select", { id: "charte-idea-section" });
    this.warning = h("div", { class: "form-prompt", role: "alert" });
    this.hint = h("p", { class: "hint", id: "charte-idea-section-hint" });
    this.section.setAttribute("aria-describedby", "charte-idea-section-hint");
    this.section.addEventListener("change", () => this.showSectionHint());
    const form = h("form", { class: "card-panel charte-idea-form", novalidate: true, hidden: true },
      h("div", { class: "field" }, h("label", { for: "charte-idea-section", text: "Section de la charte" }), this.section, this.hint),
      h("div", { class: "field" }, h("label", { for: "charte-idea", text: "Votre idée" }), area, counter),
      this.warning,
      h("button", { type: "submit", class: "btn btn-primary btn-block", text: "Proposer l'idée" }),
      h("p", { class: "rgpd", text: "Pas de nom d'enfant ni de famille : contenu professionnel uniquement" }));
    return onSubmit(form, () => this.send(false));
  }

  async send(confirm) {
    const { page, step } = this.view;
    const text = this.area.value.trim();
    if (!text) {
      this.area.focus();
      return page.showError("Écrivez votre idée avant de l'envoyer.");
    }
    const payload = { step_id: step.id, client_id: this.clientId, text, column: this.section.value };
    if (confirm) payload.confirm_personal = true;
    const res = await page.live.emitAck("card_add", payload);
    if (!res) return page.showError("Le serveur ne répond pas : votre idée est conservée, réessayez.");
    if (res.ok) {
      page.store.applyAck("card_add", res);
      this.clientId = newClientId();
      this.area.value = "";
      this.area.dispatchEvent(new Event("input"));
      this.warning.replaceChildren();
      page.announcer.say("Idée envoyée");
    } else if (res.error.code === "personal_data") {
      personalPrompt(this.warning, res.error, () => this.send(true));
    } else page.showError(res.error.message_fr);
    page.schedule();
  }

  showSectionHint() {
    const state = this.view.state;
    const section = state && state.sections.find((s) => s.id === this.section.value);
    setText(this.hint, section ? section.hint : "");
  }

  render(state, ctx) {
    const view = this.view;
    const cards = view.page.store.cardsOf(view.step.id);
    const showForm = ctx.canWrite && state.phase === "idees";
    this.form.hidden = !showForm;
    if (showForm) {
      const key = JSON.stringify(state.sections.map((s) => s.id));
      if (this.options !== key) {
        this.options = key;
        const value = this.section.value;
        this.section.replaceChildren(...select("x", state.sections.map((s) => [s.id, s.label]), value).children);
        this.showSectionHint();
      }
    }
    this.root.hidden = !cards.length && state.phase !== "idees";
    this.title.textContent = `Idées (${cards.length})`;
    // participants fold the ideas once written; the animateur drafts from them
    const folded = ctx.anim ? ["amendements", "gel", "vote"] : ["redaction", "amendements", "gel", "vote"];
    if (folded.includes(state.phase) && this.phase !== state.phase && !folded.includes(this.phase)) this.root.open = false;
    this.phase = state.phase;
    const pick = ctx.anim && ctx.editable;
    const selected = view.selectedCards;
    const key = JSON.stringify([cards.map((c) => [c.id, c.version, c.text, c.column, c.author && c.author.name, c.face_down,
      groupName(view.page.store, c)]),
      pick, [...selected], view.step.anonymous]);
    if (this.key === key) return;
    this.key = key;
    const groups = state.sections.map((s) => {
      const mine = cards.filter((c) => c.column === s.id);
      if (!mine.length) return null;
      return h("section", { class: "charte-ideas__group" },
        h(`h${view.level + 1}`, { text: `${s.label} (${mine.length})` }),
        h("ul", { class: "charte-ideas__cards" }, mine.map((c) => this.item(c, pick))));
    }).filter(Boolean);
    if (!groups.length) groups.push(h("p", { class: "muted", text: "Aucune idée pour l'instant." }));
    if (pick && selected.size) {
      groups.unshift(h("p", { class: "notice", text: `${plural(selected.size, "idée retenue", "idées retenues")} : ajoutez une clause dans la section voulue, elles y seront liées.` }));
    }
    this.list.replaceChildren(...groups);
  }

  item(c, pick) {
    const view = this.view;
    const text = c.face_down ? "Carte retournée" : c.masked && !c.text ? "Carte masquée" : c.text;
    const author = c.author && !view.step.anonymous ? ` — ${c.author.name}` : "";
    const group = groupName(view.page.store, c);
    const li = h("li", { class: "charte-idea", "data-card-id": c.id }, h("span", { text }),
      author ? h("span", { class: "muted", text: author }) : null,
      group ? h("span", { class: "card__group charte-idea__group", text: /^groupe/i.test(group) ? group : `Groupe « ${group} »` }) : null);
    if (pick && !c.face_down) {
      const id = `idea-pick-${c.id}`;
      const box = h("input", { type: "checkbox", id, checked: view.selectedCards.has(c.id), onChange: () => {
        if (box.checked) view.selectedCards.add(c.id);
        else view.selectedCards.delete(c.id);
        view.page.schedule();
      } });
      li.append(h("span", { class: "check charte-idea__pick" }, box, h("label", { for: id },
        "Retenir", h("span", { class: "visually-hidden", text: ` l'idée « ${text} » pour une clause` }))));
    }
    return li;
  }
}
