"""Print-ready standalone HTML (A4, header rows repeated on each page, chart as inline SVG).

The only stylesheet is the ``<style>`` element of the page: ``style_hash`` gives its
CSP hash so the page can be served with a strict policy (no inline script, no style
attribute)."""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

from facilitator.rendering import chart, fr
from facilitator.rendering.model import (
    BarChart,
    BulletList,
    Document,
    Figure,
    Inline,
    Organiser,
    Paragraph,
    Quote,
    Section,
    Table,
)

CSS = """\
@page { size: A4; margin: 2cm 1.8cm 2.2cm; }
:root { color: #262626; background: #fff; }
body { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; font-size: 11pt;
  line-height: 1.45; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
  overflow-wrap: break-word; word-break: normal; hyphens: manual; }
@media print { body { margin: 0; padding: 0; max-width: none; } }
h1, h2, h3, h4, h5, h6 { color: #1f3b5c; line-height: 1.2; break-after: avoid;
  page-break-after: avoid; }
h1 { font-size: 24pt; margin: 0 0 .2em; }
h2 { font-size: 16pt; margin-top: 1.6em; border-bottom: 1.5px solid #1f3b5c;
  padding-bottom: .15em; }
h3 { font-size: 13pt; margin-top: 1.3em; }
h4, h5, h6 { font-size: 11pt; margin-top: 1.1em; }
.subtitle { font-size: 14pt; color: #404040; margin: 0 0 1em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em;
  margin: 0 0 1.5em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
@media (max-width: 30rem) { dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .4em; } h1 { font-size: 20pt; } }
.lead { font-size: 11.5pt; }
.consigne { border-left: 4px solid #2f5d8a; background: #eef3f8; padding: .4em .8em;
  margin: .6em 0; }
.note { color: #4d4d4d; font-style: italic; font-size: 10pt; }
ul { padding-left: 1.4em; }
li { margin: .15em 0; break-inside: avoid; }
table { width: 100%; border-collapse: collapse; table-layout: auto; margin: .3em 0 1.2em;
  font-size: 10pt; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 10pt;
  color: #404040; padding-bottom: .3em; }
th, td { border: 1px solid #8c8c8c; padding: .25em .45em; vertical-align: top;
  text-align: left; overflow-wrap: normal; word-break: normal; hyphens: manual; }
thead th { background: #dbe5f1; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right; }
figure { margin: 1em 0; break-inside: avoid; }
.table-scroll { max-width: 100%; overflow-x: auto; }
@media print { .table-scroll { overflow: visible; } }
figure svg { max-width: min(100%, 40rem); height: auto; }
figcaption { font-weight: bold; font-size: 10pt; color: #404040; }
.organiser { display: flex; align-items: center; gap: .8em; color: #404040;
  font-size: 10pt; border-bottom: 1px solid #bfbfbf; padding-bottom: .5em; margin-bottom: 1em; }
.organiser img { max-height: 3.5em; max-width: 10em; }
.organiser p { margin: 0; }
.colophon { margin-top: 2.5em; border-top: 1px solid #bfbfbf; padding-top: .5em; }
"""

_ID = re.compile(r"[^a-z0-9-]")


def text(value: str) -> str:
    """Escaped text; newlines become line breaks."""
    return escape(fr.typeset(value), quote=True).replace("\n", "<br>\n")


def inline(spans: Inline) -> str:
    out = []
    for span in spans:
        html = text(span.text)
        if span.bold:
            html = f"<strong>{html}</strong>"
        if span.italic:
            html = f"<em>{html}</em>"
        out.append(html)
    return "".join(out)


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.css: list[str] = []
        self.tables = 0

    def table(self, t: Table) -> None:
        self.tables += 1
        ident = f"t{self.tables}"
        if t.widths:
            total = sum(t.widths) or 1
            for i, w in enumerate(t.widths, start=1):
                self.css.append(f"#{ident} col:nth-child({i}) {{ width: {100 * w / total:.1f}%; }}")
        num = set(t.numeric)

        def cls(i: int) -> str:
            return ' class="num"' if i in num else ""

        # a labelled, focusable scroll region: a wide table scrolls inside it and can be
        # reached and scrolled with the keyboard (WCAG 2.1.1, axe scrollable-region-focusable)
        label = escape(" ".join(t.caption.split()) or "Tableau", quote=True)
        self.out.append(
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">'
            f'<table id="{ident}"><caption>{text(t.caption)}</caption>'
        )
        self.out.append("<colgroup>" + "<col>" * len(t.header) + "</colgroup>")
        self.out.append(
            "<thead><tr>"
            + "".join(f'<th scope="col"{cls(i)}>{text(h)}</th>' for i, h in enumerate(t.header))
            + "</tr></thead><tbody>"
        )
        for row in t.rows:
            cells = "".join(f"<td{cls(i)}>{text(c)}</td>" for i, c in enumerate(row))
            self.out.append(f"<tr>{cells}</tr>")
        self.out.append("</tbody></table></div>")

    def section(self, section: Section, depth: int) -> None:
        level = min(6, depth + 1)
        self.out.append(f"<section><h{level}>{text(section.title)}</h{level}>")
        for child in section.children:
            if isinstance(child, Section):
                self.section(child, depth + 1)
            elif isinstance(child, Paragraph):
                css = "" if child.style == "body" else f' class="{child.style}"'
                self.out.append(f"<p{css}>{inline(child.spans)}</p>")
            elif isinstance(child, BulletList):
                items = "".join(f"<li>{inline(item)}</li>" for item in child.items)
                self.out.append(f"<ul>{items}</ul>")
            elif isinstance(child, Quote):
                source = f"<footer>— {text(child.source)}</footer>" if child.source else ""
                self.out.append(f"<blockquote><p>« {text(child.text)} »</p>{source}</blockquote>")
            elif isinstance(child, Table):
                self.table(child)
            elif isinstance(child, BarChart):
                ident = "chart-" + _ID.sub("-", child.key.lower())
                self.out.append(
                    f"<figure>{chart.svg(child, ident)}"
                    f"<figcaption>Figure : {text(child.title)}</figcaption></figure>"
                )
                self.table(child.table)
            elif isinstance(child, Figure):
                self.out.append(
                    f"<figure>{child.svg}<figcaption>Figure : {text(child.title)}"
                    f"</figcaption></figure>"
                )
                if child.table is not None:
                    self.table(child.table)
            else:  # pragma: no cover - every block type is handled above
                raise TypeError(f"unknown block {type(child).__name__}")
        self.out.append("</section>")


def style_of(doc: Document) -> tuple[str, list[str]]:
    writer = _Writer()
    for section in doc.sections:
        writer.section(section, 1)
    return CSS + "\n".join(writer.css) + "\n", writer.out


def fragment(sections: list[Section], depth: int = 1) -> str:
    """Sections as HTML to embed in an application page (escaped text; no <style>: column
    widths are left to the page's stylesheet)."""
    writer = _Writer()
    for section in sections:
        writer.section(section, depth)
    return "\n".join(writer.out)


def style_hash(html_bytes: bytes) -> str:
    """The CSP source (``'sha256-…'``) of the page's ``<style>`` element."""
    page = html_bytes.decode("utf-8")
    start = page.index("<style>") + len("<style>")
    css = page[start : page.index("</style>", start)]
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _organiser(who: Organiser | None) -> tuple[str, str]:
    """The organiser's block (logo as a data URI: an SVG shown as an image runs nothing)
    and the CSS of its colour."""
    if who is None or not who.name:
        return "", ""
    logo = ""
    if who.logo and who.logo_type in ("image/png", "image/svg+xml"):
        data = base64.b64encode(who.logo).decode()
        logo = f'<img src="data:{who.logo_type};base64,{data}" alt="Logo de {text(who.name)}">'
    address = f"<p>{text(who.address)}</p>" if who.address else ""
    block = f'<div class="organiser">{logo}<div><p><strong>{text(who.heading)}</strong></p>'
    block += f"{address}</div></div>"
    css = f"h1, h2 {{ color: {who.colour}; }}\n" if _COLOUR.match(who.colour) else ""
    return block, css


_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def render(doc: Document) -> bytes:
    css, body = style_of(doc)
    identity, colour = _organiser(doc.organiser)
    css += colour
    lang = doc.lang.split("-")[0]
    facts = "".join(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in doc.facts)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(' '.join(f'{doc.title} — {doc.subtitle}'.split()))}</title>",
        f"<style>{css}</style></head><body><main>",
        f"<header>{identity}<h1>{text(doc.title)}</h1>",
        f'<p class="subtitle">{text(doc.subtitle)}</p>' if doc.subtitle else "",
        f'<dl class="facts">{facts}</dl></header>' if facts else "</header>",
        *body,
        f'<footer class="colophon note"><p>{text(doc.colophon)}</p></footer>'
        if doc.colophon
        else "",
        "</main></body></html>\n",
    ]
    return "\n".join(p for p in parts if p).encode("utf-8")
