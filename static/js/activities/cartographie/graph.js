// Network view of the cartographie: d3-force layout (vendored, loaded on first use), drawn in
// SVG with presentation attributes only (exported files need no stylesheet; nothing here
// needs 'unsafe-inline'). Deterministic: the same map gives the same picture on every
// screen (initial positions derived from ids, seeded force jiggle); pinned actors stay put.

import { short } from "../common.js";

const NS = "http://www.w3.org/2000/svg";
export const SIZE = 1000; // map units: actors' pinned x/y are in 0–1000
const PAD = 50;
const MIN_VIEW = 420; // the smallest frame (map units): one actor is not drawn huge

export const TYPE_COLORS = {
  education_nationale: "#0072b2",
  collectivite: "#009e73",
  etat: "#56b4e9",
  caf: "#e69f00",
  departement: "#cc79a7",
  association: "#d55e00",
  entreprise: "#7a5c00",
  habitants: "#c9b800",
  autre: "#8a94a3",
};
export const LEVEL_STYLE = {
  non_cooperation: { width: 1.5, color: "#a3191d" },
  partenariat: { width: 2.5, color: "#6b7b8f" },
  coordination: { width: 4, color: "#1d4e89" },
  cooperation: { width: 6, color: "#143a68" },
};
const TO_CREATE_DASH = "10 7";
const BLIND = "#a3191d";

let d3 = null;
let loading = null;
export function loadForce() {
  if (!loading) {
    loading = import("../../../vendor/d3-force/d3-force.min.mjs").then((mod) => {
      d3 = mod;
      return mod;
    });
  }
  return loading;
}

function el(tag, attrs = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

/** A stable pseudo-random number in [0, 1) from an integer (initial layout). */
function hash01(n, salt) {
  let x = (n * 2654435761 + salt * 40503) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 2246822519) >>> 0;
  x ^= x >>> 13;
  return (x >>> 0) / 4294967296;
}

export class MapGraph {
  /** options: onSelect(actorId), onMove(actorId, x, y) (null: no dragging), wall (the
   * projection: full names, labels sized to the screen by `labelsAtLeast`) */
  constructor(options) {
    this.options = options;
    this.svg = el("svg", { viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img", class: "map-svg",
      "aria-labelledby": "map-svg-title", preserveAspectRatio: "xMidYMid meet" });
    this.title = el("title", { id: "map-svg-title" }, "Carte des acteurs (le tableau donne le détail)");
    this.edgesG = el("g", { class: "map-edges" });
    this.nodesG = el("g", { class: "map-nodes" });
    this.background = el("rect", { x: 0, y: 0, width: SIZE, height: SIZE, fill: "#ffffff" });
    this.svg.append(this.title, this.background, this.edgesG, this.nodesG);
    this.layoutKey = null;
    this.drawKey = null;
    this.pos = new Map(); // actor id → {x, y}
    this.stats = { layoutMs: 0, renderMs: 0, nodes: 0, edges: 0 };
    this.selected = null;
  }

  get ready() {
    return Boolean(d3);
  }

  /** data: {actors, relations} (already filtered), isolated: Set of ids, selected id. */
  render({ actors, relations, isolated, selected, summary }) {
    if (!d3) {
      loadForce().then(() => this.options.onReady && this.options.onReady());
      return;
    }
    const layoutKey = JSON.stringify([actors.map((a) => [a.id, a.x, a.y]),
      relations.map((r) => [r.source_id, r.target_id])]);
    const t0 = performance.now();
    if (layoutKey !== this.layoutKey) {
      this.layoutKey = layoutKey;
      this.layout(actors, relations);
    }
    const t1 = performance.now();
    const drawKey = JSON.stringify([layoutKey, actors, relations, [...isolated], selected]);
    if (drawKey !== this.drawKey) {
      this.drawKey = drawKey;
      this.draw(actors, relations, isolated, selected);
      this.stats = { layoutMs: t1 - t0, renderMs: performance.now() - t1, nodes: actors.length,
        edges: relations.length };
      this.svg.dataset.layoutMs = this.stats.layoutMs.toFixed(1);
      this.svg.dataset.renderMs = this.stats.renderMs.toFixed(1);
    }
    this.title.textContent = summary;
  }

  layout(actors, relations) {
    const ids = new Set(actors.map((a) => a.id));
    const nodes = actors.map((a) => {
      const pinned = a.x != null && a.y != null;
      const angle = hash01(a.id, 1) * 2 * Math.PI;
      const radius = 120 + hash01(a.id, 2) * 300;
      const node = { id: a.id, x: SIZE / 2 + radius * Math.cos(angle), y: SIZE / 2 + radius * Math.sin(angle) };
      if (pinned) Object.assign(node, { x: a.x, y: a.y, fx: a.x, fy: a.y });
      return node;
    });
    const links = relations.filter((r) => ids.has(r.source_id) && ids.has(r.target_id))
      .map((r) => ({ source: r.source_id, target: r.target_id }));
    const sim = d3.forceSimulation(nodes)
      .randomSource(d3Seed())
      .alphaDecay(0.045) // ~150 ticks: a map of 80 actors is laid out in a few hundred ms
      .force("link", d3.forceLink(links).id((n) => n.id).distance(130).strength(0.25))
      .force("charge", d3.forceManyBody().strength(-420).distanceMax(600).theta(1.2))
      .force("collide", d3.forceCollide(46).iterations(1))
      .force("x", d3.forceX(SIZE / 2).strength(0.05))
      .force("y", d3.forceY(SIZE / 2).strength(0.05))
      .stop();
    const ticks = Math.ceil(Math.log(sim.alphaMin()) / Math.log(1 - sim.alphaDecay()));
    for (let i = 0; i < ticks; i++) sim.tick();
    // fit the free nodes inside the frame (pinned ones are where the animateur put them)
    const free = nodes.filter((n) => n.fx == null);
    if (free.length) {
      const xs = free.map((n) => n.x);
      const ys = free.map((n) => n.y);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      const scale = Math.min(1.6, (SIZE - 2 * PAD) / Math.max(1, x1 - x0), (SIZE - 2 * PAD) / Math.max(1, y1 - y0));
      const cx = (x0 + x1) / 2;
      const cy = (y0 + y1) / 2;
      for (const n of free) {
        n.x = SIZE / 2 + (n.x - cx) * scale;
        n.y = SIZE / 2 + (n.y - cy) * scale;
      }
    }
    this.pos = new Map(nodes.map((n) => [n.id, { x: clamp(n.x), y: clamp(n.y) }]));
  }

  draw(actors, relations, isolated, selected) {
    const degree = new Map();
    for (const r of relations) {
      degree.set(r.source_id, (degree.get(r.source_id) || 0) + 1);
      degree.set(r.target_id, (degree.get(r.target_id) || 0) + 1);
    }
    this.radius = new Map(actors.map((a) => [a.id, 14 + Math.min(12, 2 * (degree.get(a.id) || 0))]));
    // several relations between the same two actors (one per question) are curved apart
    const pairs = new Map();
    for (const r of relations) {
      const key = [r.source_id, r.target_id].sort((a, b) => a - b).join("-");
      if (!pairs.has(key)) pairs.set(key, []);
      pairs.get(key).push(r);
    }
    this.edges = [];
    const edgeEls = [];
    for (const group of pairs.values()) {
      group.forEach((r, k) => {
        const style = LEVEL_STYLE[r.level] || LEVEL_STYLE.partenariat;
        const path = el("path", { fill: "none", stroke: style.color, "stroke-width": style.width,
          "stroke-dasharray": r.status === "a_creer" ? TO_CREATE_DASH : null, "stroke-linecap": "round",
          "data-relation-id": r.id, opacity: r.validated ? 1 : 0.85 });
        const edge = { r, path, bend: (k - (group.length - 1) / 2) * 26 };
        this.edges.push(edge);
        this.shape(edge);
        edgeEls.push(path);
      });
    }
    this.edgesG.replaceChildren(...edgeEls);
    this.nodeEls = new Map();
    const nodeEls = actors.map((a) => {
      const p = this.pos.get(a.id);
      const r = this.radius.get(a.id);
      const g = el("g", { class: "map-node", transform: `translate(${p.x.toFixed(1)} ${p.y.toFixed(1)})`,
        "data-actor-id": a.id });
      if (isolated.has(a.id)) {
        g.append(el("circle", { r: r + 6, fill: "none", stroke: BLIND, "stroke-width": 2.5, "stroke-dasharray": "5 4" }));
      }
      if (selected === a.id) g.append(el("circle", { r: r + 10, fill: "none", stroke: "#16202c", "stroke-width": 3 }));
      g.append(el("circle", { r, fill: TYPE_COLORS[a.type] || TYPE_COLORS.autre, stroke: "#16202c",
        "stroke-width": a.validated ? 2 : 1.5, "stroke-dasharray": a.validated ? null : "4 3" }));
      if (a.x != null) g.append(el("circle", { r: 4, cx: r * 0.7, cy: -r * 0.7, fill: "#16202c" }));
      const label = this.labelSize || 15;
      g.append(el("text", { y: r + label + 1, "text-anchor": "middle", "font-size": label, "font-family": "Arial, sans-serif",
        fill: "#16202c", stroke: "#ffffff", "stroke-width": 4, "paint-order": "stroke",
        "stroke-linejoin": "round", class: "map-label" }, this.options.wall ? a.name : short(a.name, 26)));
      g.append(el("title", {}, a.name));
      this.nodeEls.set(a.id, g);
      this.bind(g, a.id);
      return g;
    });
    this.nodesG.replaceChildren(...nodeEls);
    this.fit(actors);
  }

  /**
   * Labels at least `px` CSS pixels high as drawn (the wall: read from the back of the room),
   * whatever the map's scale; the frame grows to keep them whole (twice: it changes the scale).
   */
  labelsAtLeast(px) {
    for (let i = 0; i < 2; i++) {
      const [, , w, h] = this.svg.getAttribute("viewBox").split(" ").map(Number);
      const box = this.svg.getBoundingClientRect();
      if (!box.width || !box.height || !w || !h) return;
      const scale = Math.min(box.width / w, box.height / h);
      const size = Math.max(15, Math.ceil(px / scale));
      if (size === this.labelSize) return;
      this.labelSize = size;
      for (const text of this.nodesG.querySelectorAll("text")) {
        const r = this.radius.get(Number(text.parentNode.dataset.actorId)) || 0;
        text.setAttribute("font-size", String(size));
        text.setAttribute("y", String(r + size + 1));
      }
      this.fit(this.shownActors || []);
    }
  }

  /** Frame what is drawn (labels included): a few actors are shown large, many small. */
  fit(actors) {
    this.shownActors = actors;
    const label = this.labelSize || 15;
    if (!actors.length) {
      this.svg.setAttribute("viewBox", `0 0 ${SIZE} ${SIZE / 2}`);
      return;
    }
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const a of actors) {
      const p = this.pos.get(a.id);
      const r = this.radius.get(a.id);
      const chars = this.options.wall ? a.name.length : Math.min(26, a.name.length);
      const half = Math.max(r, chars * label * 0.28);
      x0 = Math.min(x0, p.x - half);
      x1 = Math.max(x1, p.x + half);
      y0 = Math.min(y0, p.y - r - 12);
      y1 = Math.max(y1, p.y + r + label + 11);
    }
    const width = Math.max(MIN_VIEW, x1 - x0 + 40);
    const height = Math.max(MIN_VIEW * 0.6, y1 - y0 + 40);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const box = [cx - width / 2, cy - height / 2, width, height].map((v) => v.toFixed(0)).join(" ");
    this.svg.setAttribute("viewBox", box);
    this.background.setAttribute("x", String(cx - width / 2));
    this.background.setAttribute("y", String(cy - height / 2));
    this.background.setAttribute("width", String(width));
    this.background.setAttribute("height", String(height));
  }

  shape(edge) {
    const a = this.pos.get(edge.r.source_id);
    const b = this.pos.get(edge.r.target_id);
    if (!a || !b) return;
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const cx = mx - (dy / len) * edge.bend * 2;
    const cy = my + (dx / len) * edge.bend * 2;
    edge.path.setAttribute("d", `M${a.x.toFixed(1)} ${a.y.toFixed(1)} Q${cx.toFixed(1)} ${cy.toFixed(1)} ${b.x.toFixed(1)} ${b.y.toFixed(1)}`);
  }

  bind(g, id) {
    let start = null;
    g.addEventListener("pointerdown", (event) => {
      start = { x: event.clientX, y: event.clientY, moved: false };
      if (this.options.onMove) g.setPointerCapture(event.pointerId);
    });
    g.addEventListener("pointermove", (event) => {
      if (!start || !this.options.onMove) return;
      if (Math.hypot(event.clientX - start.x, event.clientY - start.y) > 4) start.moved = true;
      if (!start.moved) return;
      const p = this.toMap(event);
      this.pos.set(id, p);
      g.setAttribute("transform", `translate(${p.x.toFixed(1)} ${p.y.toFixed(1)})`);
      for (const edge of this.edges) if (edge.r.source_id === id || edge.r.target_id === id) this.shape(edge);
    });
    g.addEventListener("pointerup", (event) => {
      if (!start) return;
      const moved = start.moved;
      start = null;
      if (moved && this.options.onMove) {
        const p = this.toMap(event);
        this.options.onMove(id, Math.round(p.x), Math.round(p.y));
      } else this.options.onSelect(id);
    });
    g.addEventListener("pointercancel", () => {
      start = null;
    });
  }

  toMap(event) {
    const point = this.svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const p = point.matrixTransform(this.svg.getScreenCTM().inverse());
    return { x: clamp(p.x), y: clamp(p.y) };
  }

  positions() {
    return [...this.pos].map(([id, p]) => ({ actor_id: id, x: Math.round(p.x), y: Math.round(p.y) }));
  }

  /** A standalone SVG document of what is shown (with a title). */
  svgText(title) {
    const copy = this.svg.cloneNode(true);
    copy.setAttribute("xmlns", NS);
    const [, , w, h] = this.svg.getAttribute("viewBox").split(" ").map(Number);
    copy.setAttribute("width", String(Math.round(w * 1.5)));
    copy.setAttribute("height", String(Math.round(h * 1.5)));
    copy.removeAttribute("class");
    copy.querySelector("title").textContent = title;
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
  }

  /** The same picture as a PNG Blob (3 pixels per map unit). */
  pngBlob(title) {
    const text = this.svgText(title);
    const image = new Image();
    const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    return new Promise((resolve, reject) => {
      image.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = image.width * 2;
        canvas.height = image.height * 2;
        const ctx = canvas.getContext("2d");
        ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("png"))), "image/png");
      };
      image.onerror = reject;
      image.src = url;
    });
  }
}

function clamp(v) {
  return Math.max(PAD / 2, Math.min(SIZE - PAD / 2, v));
}

/** d3's default random source is seeded already; a fresh one per layout keeps every
 * layout identical on every screen. */
function d3Seed() {
  let s = 1;
  return () => {
    s = (1664525 * s + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}
