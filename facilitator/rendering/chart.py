"""The attendance bar chart, drawn by hand: SVG for HTML, PNG for DOCX.

Both show the same thing: one bar per atelier with its value above and its label (A1, A2…)
below. The figures are always repeated in the table that follows the chart, and the alt
text lists them: the image is never the only way to read them.
"""

from __future__ import annotations

from html import escape

from facilitator.rendering.model import BarChart
from facilitator.rendering.png import Canvas

BAR = "#2f5d8a"
AXIS = "#595959"
TEXT = "#262626"


def _layout(chart: BarChart, width: int, height: int, top: int, bottom: int, side: int):
    """(bar x, bar width, bar height) for each value, plus the baseline y."""
    count = max(1, len(chart.values))
    top_value = max([*chart.values, 1])
    plot_h = height - top - bottom
    slot = (width - 2 * side) / count
    bar_w = max(2, int(slot * 0.6))
    base = height - bottom
    out = []
    for i, value in enumerate(chart.values):
        x = int(side + i * slot + (slot - bar_w) / 2)
        out.append((x, bar_w, round(plot_h * value / top_value)))
    return out, base


def svg(chart: BarChart, ident: str) -> str:
    """Inline SVG (no style attributes: it passes a strict Content-Security-Policy)."""
    width, height = 640, 300
    bars, base = _layout(chart, width, height, top=30, bottom=36, side=24)
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.alt)}</desc>',
        f'<line x1="16" y1="{base}" x2="{width - 16}" y2="{base}" stroke="{AXIS}" '
        'stroke-width="1.5"/>',
    ]
    for (x, bar_w, bar_h), label, value in zip(bars, chart.labels, chart.values, strict=True):
        cx = x + bar_w / 2
        parts.append(
            f'<rect x="{x}" y="{base - bar_h}" width="{bar_w}" height="{bar_h}" fill="{BAR}"/>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{base - bar_h - 8}" text-anchor="middle" font-size="15" '
            f'font-family="Arial, Liberation Sans, sans-serif" fill="{TEXT}">{value}</text>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{base + 22}" text-anchor="middle" font-size="14" '
            f'font-family="Arial, Liberation Sans, sans-serif" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def png(chart: BarChart) -> bytes:
    """A 1200×520 PNG (shown 16 cm wide in the DOCX)."""
    width, height = 1200, 520
    # the largest font (4 px per font pixel) whose labels fit under their bar
    slot = (width - 80) / max(1, len(chart.values))
    longest = max([len(str(v)) for v in chart.values] + [len(lb) for lb in chart.labels] + [1])
    scale = max(1, min(4, int(slot / (6 * longest + 2))))
    glyph_h = 7 * scale
    canvas = Canvas(width, height, [(255, 255, 255), (0x2F, 0x5D, 0x8A), (0x59, 0x59, 0x59)])
    bars, base = _layout(chart, width, height, top=30 + glyph_h, bottom=30 + glyph_h, side=40)
    canvas.rect(24, base, width - 24, base + 3, 2)
    for (x, bar_w, bar_h), label, value in zip(bars, chart.labels, chart.values, strict=True):
        canvas.rect(x, base - bar_h, x + bar_w, base, 1)
        number = str(value)
        canvas.text(
            x + (bar_w - Canvas.text_width(number, scale)) // 2,
            base - bar_h - glyph_h - 12,
            number,
            2,
            scale,
        )
        canvas.text(x + (bar_w - Canvas.text_width(label, scale)) // 2, base + 16, label, 2, scale)
    return canvas.png()
