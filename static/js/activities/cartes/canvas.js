// The free canvas of a `cartes` step (`layout: canvas`, docs/scripts.md): the cards lie
// anywhere on a 16:9 board, like sticky notes, where the animateur put them (`xy`, fractions
// of the board, synced live by the `move` action: arrange.js); coloured by column or by
// their author's structure (`colour_by`), with the legend above. The animateur drags a card
// with a mouse, a pen or a finger; the keyboard path is the card's menu (« Déplacer
// vers… »: left, right, up, down). The board scales with its width: on the projection it
// fits the wall (zoom to fit).

import { h, plural, syncChildren } from "../../ui.js";
import { arrange } from "./arrange.js";

const TONES = 8;
const STEP = 0.05; // a keyboard move: 5 % of the board

/** A stable tone (0…7) for a text (a structure's name). */
function toneOf(text) {
  let n = 0;
  for (const ch of text) n = (n * 31 + ch.codePointAt(0)) % 9973;
  return n % TONES;
}

/** Where a card lies: its own place, or one in its column's strip until it is moved. */
function placeOf(card, index, columns, counts) {
  if (Array.isArray(card.xy)) return card.xy;
  const col = Math.max(0, columns.findIndex((c) => c.id === card.column));
  const k = counts.get(col) || 0;
  counts.set(col, k + 1);
  const width = 1 / columns.length;
  return [Math.min(0.85, col * width + 0.01 + (k % 2) * width * 0.5), Math.min(0.85, 0.08 + Math.floor(k / 2) * 0.16)];
}

export function renderCanvas(board, step, ctx, cards, used) {
  if (!board.canvas) {
    const legend = h("ul", { class: "canvas__legend" });
    const list = h("ul", { class: "canvas__cards" });
    const count = h("span", { class: "column__count" });
    const title = h(`h${board.headingLevel}`, { class: "canvas__title", tabindex: "-1" }, "Tableau libre ", count);
    const surface = h("div", { class: "canvas__surface" }, list);
    board.canvas = { legend, list, count, surface, el: h("section", { class: "canvas" }, title, legend, surface) };
  }
  const c = board.canvas;
  const columns = ctx.columns.length ? ctx.columns : [{ id: "", label: "Cartes" }];
  const byStructure = step.colour_by === "structure";
  c.count.textContent = `(${plural(cards.length, "carte", "cartes")})`;
  const tones = new Map();
  const counts = new Map();
  const nodes = cards.map((card, index) => {
    const node = board.cardNode(card, ctx, used);
    let tone;
    if (byStructure) {
      const name = card.author && card.author.structure;
      tone = name ? toneOf(name) : "none";
      if (name) tones.set(name, tone);
    } else {
      tone = Math.max(0, columns.findIndex((x) => x.id === card.column)) % TONES;
    }
    node.dataset.tone = String(tone);
    const [x, y] = placeOf(card, index, columns, counts);
    node.style.left = `${x * 100}%`;
    node.style.top = `${y * 100}%`;
    return node;
  });
  const legend = byStructure
    ? [...tones].sort((a, b) => a[0].localeCompare(b[0], "fr")).map(([name, tone]) => [name, tone])
    : columns.map((col, i) => [col.label, i % TONES]);
  syncChildren(c.legend, legend.map(([label, tone]) =>
    h("li", { class: "canvas__key", "data-tone": String(tone) }, h("span", { class: "canvas__swatch", "aria-hidden": "true" }), label)));
  syncChildren(c.list, nodes);
  if (board.arrangeable(ctx)) enableCanvasDrag(board, c);
  return c.el;
}

/** A keyboard move of `card` by (dx, dy) steps of the board. */
export function nudge(board, card, dx, dy) {
  const node = board.root.querySelector(`[data-card-id="${card.id}"]`);
  const surface = board.canvas && board.canvas.surface;
  let [x, y] = Array.isArray(card.xy) ? card.xy : [0, 0];
  if (!Array.isArray(card.xy) && node && surface) [x, y] = fractionOf(node, surface);
  const clamp = (v) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
  return arrange(board, { card_id: card.id, x: clamp(x + dx * STEP), y: clamp(y + dy * STEP) }, card);
}

function fractionOf(node, surface) {
  const box = surface.getBoundingClientRect();
  const r = node.getBoundingClientRect();
  return [(r.left - box.left) / box.width, (r.top - box.top) / box.height];
}

const dragging = new WeakSet();

function enableCanvasDrag(board, c) {
  if (dragging.has(c.surface)) return;
  dragging.add(c.surface);
  c.surface.addEventListener("pointerdown", (event) => {
    const node = event.target.closest("[data-card-id]");
    if (!node || event.button > 0 || event.target.closest("button, a, input, textarea, select, label, form")) return;
    const box = c.surface.getBoundingClientRect();
    const start = node.getBoundingClientRect();
    const offset = [event.clientX - start.left, event.clientY - start.top];
    let moved = false;
    board.dragging = true;
    node.setPointerCapture(event.pointerId);
    node.classList.add("card--chosen");
    const move = (e) => {
      moved = true;
      node.style.left = `${((e.clientX - offset[0] - box.left) / box.width) * 100}%`;
      node.style.top = `${((e.clientY - offset[1] - box.top) / box.height) * 100}%`;
    };
    const end = () => {
      node.removeEventListener("pointermove", move);
      node.classList.remove("card--chosen");
      board.dragging = false;
      if (moved) {
        const clamp = (v) => Math.min(1, Math.max(0, Math.round(v * 10000) / 10000));
        const [x, y] = fractionOf(node, c.surface);
        arrange(board, { card_id: Number(node.dataset.cardId), x: clamp(x), y: clamp(y) });
      }
      board.page.schedule();
    };
    node.addEventListener("pointermove", move);
    node.addEventListener("pointerup", end, { once: true });
    node.addEventListener("pointercancel", end, { once: true });
  });
}
