"""The cartographie as a picture: a layout (pinned positions kept, the others placed by a
small deterministic force layout), an SVG (names, colours, line styles as on screen) and an
indexed PNG for DOCX drawn by hand (numbered discs, the numbers of the table of actors
printed under the picture, with each actor's name under its disc — letters by FreeType
through Pillow; the picture is never the only way to read it).

Input is plain data (``services.map_views.map_data``): no ORM object reaches this module."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from html import escape
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from facilitator.rendering.png import Canvas

SIZE = 1000.0
TYPE_COLORS = {
    "education_nationale": "#0072b2",
    "collectivite": "#009e73",
    "etat": "#56b4e9",
    "caf": "#e69f00",
    "departement": "#cc79a7",
    "association": "#d55e00",
    "entreprise": "#7a5c00",
    "habitants": "#c9b800",
    "autre": "#8a94a3",
}
LEVELS = {
    "non_cooperation": (1.5, "#a3191d"),
    "partenariat": (2.5, "#6b7b8f"),
    "coordination": (4.0, "#1d4e89"),
    "cooperation": (6.0, "#143a68"),
}
BLIND = "#a3191d"
FONT = "Arial, Liberation Sans, sans-serif"
#: the labels' font in the PNG (found by FreeType in the system's font folders)
LABEL_FONT = "DejaVuSans.ttf"
#: margin left for the names around the layout's box (layout units)
LABEL_ROOM = 150.0


@dataclass(frozen=True)
class Node:
    id: int
    number: int
    name: str
    type: str
    x: float
    y: float
    r: float
    isolated: bool
    validated: bool


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    level: str
    to_create: bool
    bend: float


@dataclass(frozen=True)
class Picture:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    box: tuple[float, float, float, float]  # x, y, width, height


def _hash01(n: int, salt: int) -> float:
    x = (n * 2654435761 + salt * 40503) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 2246822519) & 0xFFFFFFFF
    x ^= x >> 13
    return (x & 0xFFFFFFFF) / 4294967296


def layout(actors: list[dict[str, Any]], relations: list[dict[str, Any]]) -> dict[int, tuple]:
    """Positions in 0–1000: pinned actors where the animateur put them, the others by a
    Fruchterman–Reingold layout (deterministic: initial places derived from ids)."""
    pos: dict[int, list[float]] = {}
    fixed: set[int] = set()
    for actor in actors:
        if actor.get("x") is not None and actor.get("y") is not None:
            pos[actor["id"]] = [float(actor["x"]), float(actor["y"])]
            fixed.add(actor["id"])
        else:
            angle = _hash01(actor["id"], 1) * 2 * math.pi
            radius = 120 + _hash01(actor["id"], 2) * 300
            pos[actor["id"]] = [
                SIZE / 2 + radius * math.cos(angle),
                SIZE / 2 + radius * math.sin(angle),
            ]
    free = [i for i in pos if i not in fixed]
    if free:
        ids = list(pos)
        links = [
            (r["source_id"], r["target_id"])
            for r in relations
            if r["source_id"] in pos and r["target_id"] in pos
        ]
        k = 0.8 * SIZE / math.sqrt(max(4, len(ids)))
        temperature = SIZE / 8
        rounds = 60 if len(ids) > 60 else 90
        for _ in range(rounds):
            disp = {i: [0.0, 0.0] for i in free}
            for a_index, a in enumerate(ids):
                ax, ay = pos[a]
                for b in ids[a_index + 1 :]:
                    dx, dy = ax - pos[b][0], ay - pos[b][1]
                    d2 = dx * dx + dy * dy or 0.01
                    f = k * k / d2
                    if a in disp:
                        disp[a][0] += dx * f
                        disp[a][1] += dy * f
                    if b in disp:
                        disp[b][0] -= dx * f
                        disp[b][1] -= dy * f
            for a, b in links:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = math.sqrt(dx * dx + dy * dy) or 0.1
                f = d / k
                if a in disp:
                    disp[a][0] -= dx * f
                    disp[a][1] -= dy * f
                if b in disp:
                    disp[b][0] += dx * f
                    disp[b][1] += dy * f
            for i in free:
                # a weak pull to the centre keeps unlinked actors in the frame
                disp[i][0] += (SIZE / 2 - pos[i][0]) * 0.02
                disp[i][1] += (SIZE / 2 - pos[i][1]) * 0.02
                dx, dy = disp[i]
                d = math.sqrt(dx * dx + dy * dy) or 0.1
                step = min(d, temperature)
                pos[i][0] = min(SIZE - 30, max(30, pos[i][0] + dx / d * step))
                pos[i][1] = min(SIZE - 30, max(30, pos[i][1] + dy / d * step))
            temperature *= 0.95
        _separate(pos, free, 60.0)
    return {i: (p[0], p[1]) for i, p in pos.items()}


def _separate(pos: dict[int, list[float]], free: list[int], gap: float) -> None:
    """Push apart free actors closer than ``gap`` (their discs and names would overlap)."""
    movable = set(free)
    ids = list(pos)
    for _ in range(8):
        moved = False
        for a_index, a in enumerate(ids):
            for b in ids[a_index + 1 :]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = math.sqrt(dx * dx + dy * dy) or 0.1
                if d >= gap:
                    continue
                push = (gap - d) / 2
                for node, sign in ((a, 1), (b, -1)):
                    if node in movable:
                        pos[node][0] = min(SIZE - 30, max(30, pos[node][0] + sign * dx / d * push))
                        pos[node][1] = min(SIZE - 30, max(30, pos[node][1] + sign * dy / d * push))
                moved = True
        if not moved:
            return


def picture(data: dict[str, Any]) -> Picture:
    """The map of ``map_data`` laid out, numbered in name order (as in the tables)."""
    actors = sorted(data["actors"], key=lambda a: (a["name"].casefold(), a["id"]))
    relations = data["relations"]
    where = layout(actors, relations)
    degree: dict[int, int] = {}
    for r in relations:
        for end in (r["source_id"], r["target_id"]):
            degree[end] = degree.get(end, 0) + 1
    nodes = tuple(
        Node(
            id=a["id"],
            number=index,
            name=a["name"],
            type=a["type"],
            x=where[a["id"]][0],
            y=where[a["id"]][1],
            r=14 + min(12, 2 * degree.get(a["id"], 0)),
            isolated=a["id"] not in degree,
            validated=bool(a.get("validated")),
        )
        for index, a in enumerate(actors, start=1)
    )
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in relations:
        key = (min(r["source_id"], r["target_id"]), max(r["source_id"], r["target_id"]))
        groups.setdefault(key, []).append(r)
    edges = tuple(
        Edge(r["source_id"], r["target_id"], r["level"], r["status"] == "a_creer", bend)
        for group in groups.values()
        for index, r in enumerate(group)
        for bend in [(index - (len(group) - 1) / 2) * 26]
    )
    if nodes:
        x0 = min(n.x - max(n.r, min(26, len(n.name)) * 4.2) for n in nodes)
        x1 = max(n.x + max(n.r, min(26, len(n.name)) * 4.2) for n in nodes)
        y0 = min(n.y - n.r - 12 for n in nodes)
        y1 = max(n.y + n.r + 26 for n in nodes)
        width, height = max(420, x1 - x0 + 40), max(252, y1 - y0 + 40)
        box = ((x0 + x1 - width) / 2, (y0 + y1 - height) / 2, width, height)
    else:
        box = (0.0, 0.0, SIZE, SIZE / 2)
    return Picture(nodes, edges, box)


def _control(a: Node, b: Node, bend: float) -> tuple[float, float]:
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1
    return (a.x + b.x) / 2 - dy / length * bend * 2, (a.y + b.y) / 2 + dx / length * bend * 2


def _short(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def svg(pic: Picture, title: str, desc: str, ident: str = "carte") -> str:
    """A standalone SVG (presentation attributes only: it passes a strict CSP inline)."""
    x, y, w, h = pic.box
    by_id = {n.id: n for n in pic.nodes}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x:.0f} {y:.0f} {w:.0f} {h:.0f}" '
        f'width="{w * 1.2:.0f}" height="{h * 1.2:.0f}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" fill="#ffffff"/>',
    ]
    for e in pic.edges:
        a, b = by_id[e.source], by_id[e.target]
        width, colour = LEVELS.get(e.level, LEVELS["partenariat"])
        cx, cy = _control(a, b, e.bend)
        dash = ' stroke-dasharray="10 7"' if e.to_create else ""
        out.append(
            f'<path d="M{a.x:.1f} {a.y:.1f} Q{cx:.1f} {cy:.1f} {b.x:.1f} {b.y:.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="{width}" stroke-linecap="round"{dash}/>'
        )
    for n in pic.nodes:
        out.append(f'<g transform="translate({n.x:.1f} {n.y:.1f})">')
        if n.isolated:
            out.append(
                f'<circle r="{n.r + 6}" fill="none" stroke="{BLIND}" stroke-width="2.5" '
                'stroke-dasharray="5 4"/>'
            )
        dash = "" if n.validated else ' stroke-dasharray="4 3"'
        out.append(
            f'<circle r="{n.r}" fill="{TYPE_COLORS.get(n.type, TYPE_COLORS["autre"])}" '
            f'stroke="#16202c" stroke-width="1.5"{dash}/>'
        )
        out.append(
            f'<text y="{n.r + 16}" text-anchor="middle" font-size="15" font-family="{FONT}" '
            'fill="#16202c" stroke="#ffffff" stroke-width="4" paint-order="stroke" '
            f'stroke-linejoin="round">{escape(_short(n.name))}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


_INK = re.compile(rb"[^\x00]+")


@functools.cache
def _font(size: int) -> Any:
    """DejaVu Sans (Debian's fonts-dejavu-core) at ``size`` pixels; None without it."""
    try:
        return ImageFont.truetype(LABEL_FONT, size)
    except OSError:
        return None


class _Canvas(Canvas):
    def label(self, cx: float, top: float, text: str, colour: int, size: float) -> None:
        """``text`` centred under (cx, top), in real letters (FreeType), on a white halo so
        that it stays readable across lines. Without the font, nothing (the table names
        every actor)."""
        font = _font(int(size))
        if font is None or not text:
            return
        left, upper, right, lower = font.getbbox(text)
        halo = 3
        w, h = right - left + 2 * halo, lower - upper + 2 * halo
        ink = Image.new("L", (w, h), 0)
        ring = Image.new("L", (w, h), 0)
        at = (halo - left, halo - upper)
        ImageDraw.Draw(ink).text(at, text, font=font, fill=255)
        ImageDraw.Draw(ring).text(at, text, font=font, fill=255, stroke_width=halo, stroke_fill=255)
        x0, y0 = int(cx - w / 2), int(top)
        for mask, value in ((ring, 0), (ink, colour)):
            data = mask.point(lambda v: 255 if v > 110 else 0).tobytes()
            for y in range(h):
                py = y0 + y
                if not 0 <= py < self.height:
                    continue
                row = self.rows[py]
                for run in _INK.finditer(data, y * w, (y + 1) * w):
                    start = max(0, x0 + run.start() - y * w)
                    end = min(self.width, x0 + run.end() - y * w)
                    if start < end:
                        row[start:end] = bytes([value]) * (end - start)

    def disc(self, cx: float, cy: float, r: float, colour: int) -> None:
        if r <= 2:
            self.rect(int(cx - r), int(cy - r), int(cx + r) + 1, int(cy + r) + 1, colour)
            return
        for dy in range(-int(r), int(r) + 1):
            half = int(math.sqrt(max(0.0, r * r - dy * dy)))
            self.rect(int(cx) - half, int(cy) + dy, int(cx) + half + 1, int(cy) + dy + 1, colour)

    def line(
        self, points: list[tuple[float, float]], width: float, colour: int, dash: bool
    ) -> None:
        """A polyline drawn as discs along it (thick, round ends); dashed when asked."""
        run = 0.0
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            length = math.hypot(x1 - x0, y1 - y0)
            steps = max(1, int(length / max(1.5, width * 0.6)))
            for i in range(steps + 1):
                t = i / steps
                travelled = run + length * t
                if dash and int(travelled // 18) % 2 == 1:
                    continue
                self.disc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, max(1.0, width / 2), colour)
            run += length


@functools.lru_cache(maxsize=8)
def png(pic: Picture, scale: float = 1.6) -> bytes:
    """Numbered discs (the numbers of the table of actors) with the actors' names, lines as
    on screen. Kept for the last few pictures: a synthèse draws the same map for each
    atelier's cartographie step and for the cycle."""
    x, y, w, h = pic.box
    # room for the names of the actors at the edges
    x, y, w, h = x - LABEL_ROOM, y, w + 2 * LABEL_ROOM, h + LABEL_ROOM / 4
    width, height = int(w * scale), int(h * scale)
    colours = ["#ffffff", "#16202c", BLIND, *TYPE_COLORS.values()]
    colours += [c for _w, c in LEVELS.values() if c not in colours]
    index = {c: i for i, c in enumerate(colours)}
    canvas = _Canvas(width, height, [_hex(c) for c in colours])

    def at(px: float, py: float) -> tuple[float, float]:
        return (px - x) * scale, (py - y) * scale

    by_id = {n.id: n for n in pic.nodes}
    for e in pic.edges:
        a, b = by_id[e.source], by_id[e.target]
        lw, colour = LEVELS.get(e.level, LEVELS["partenariat"])
        cx, cy = _control(a, b, e.bend)
        points = [
            at(
                (1 - t) ** 2 * a.x + 2 * (1 - t) * t * cx + t * t * b.x,
                (1 - t) ** 2 * a.y + 2 * (1 - t) * t * cy + t * t * b.y,
            )
            for t in (i / 12 for i in range(13))
        ]
        canvas.line(points, lw * scale, index[colour], e.to_create)
    for n in pic.nodes:
        px, py = at(n.x, n.y)
        r = n.r * scale
        if n.isolated:
            canvas.disc(px, py, r + 7 * scale, index[BLIND])
            canvas.disc(px, py, r + 4 * scale, index["#ffffff"])
        canvas.disc(px, py, r + 1.5 * scale, index["#16202c"])
        fill = TYPE_COLORS.get(n.type, TYPE_COLORS["autre"])
        canvas.disc(px, py, r, index[fill])
        label = str(n.number)
        glyph = 3 if r > 20 else 2
        tw = Canvas.text_width(label, glyph)
        canvas.rect(
            int(px - tw / 2 - 3),
            int(py - 3.5 * glyph - 3),
            int(px + tw / 2 + 3),
            int(py + 3.5 * glyph + 3),
            index["#ffffff"],
        )
        canvas.text(int(px - tw / 2), int(py - 3.5 * glyph), label, index["#16202c"], glyph)
    for n in pic.nodes:  # the names last: over the lines, each on a white halo
        px, py = at(n.x, n.y)
        canvas.label(px, py + (n.r + 6) * scale, _short(n.name, 34), index["#16202c"], 22 * scale)
    return canvas.png()
