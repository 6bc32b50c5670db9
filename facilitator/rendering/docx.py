"""DOCX with python-docx, on top of a reference document (``charters/reference.docx``).

The reference gives the styles, page setup, header and footer (logo…): a CRPV restyles
its documents by editing that file in Word or LibreOffice, never the code. Its body is
replaced by the document. Styles used: Title, Subtitle, Heading 1–6, List Bullet, Caption
and Normal (built in), Chapeau, Consigne, Remarque, Texte de tableau (paragraphs) and
Tableau CRPV (tables); a missing style falls back to a built-in one.

Accessibility: real heading styles, document language (fr-FR), table header rows marked
and repeated on each page, tables and the chart image with alternative text.

python-docx loads the package, resolves styles and embeds the image; the body is written
as WordprocessingML text and parsed once (python-docx's per-paragraph API looks styles up
by scanning them all, 5 ms a paragraph). All text goes through ``_text``: escaped, never
interpreted (a Word field code typed in a card stays text).
"""

from __future__ import annotations

import io
import re
import struct
from copy import deepcopy
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx import Document as load_docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu
from lxml import etree

from facilitator.rendering import chart, docx_page, fr, measure, ooxml
from facilitator.rendering.model import (
    BarChart,
    BulletList,
    Document,
    Figure,
    Inline,
    Paragraph,
    Quote,
    Section,
    Span,
    Table,
    clean,
    plain,
)

CHARTERS = Path(__file__).resolve().parents[2] / "charters"
DEFAULT_CHARTER = CHARTERS / "reference.docx"

PARAGRAPH_STYLES = {
    "body": ("Normal",),
    "lead": ("Chapeau", "Normal"),
    "consigne": ("Consigne", "Intense Quote", "Quote", "Normal"),
    "note": ("Remarque", "Normal"),
    "quote": ("Citation", "Quote", "Normal"),
}
TABLE_STYLES = ("Tableau CRPV", "Table Grid")
CELL_STYLES = ("Texte de tableau",)
EMU_PER_TWIP = 635
#: the reference's table text (« Texte de tableau », 9.5 pt) and cell margins (90 twips a side)
CELL_TWIPS_PER_EM = 190
CELL_PADDING_TWIPS = 180 + 30  # and the borders
TWIPS_PER_CM = 567
#: the tallest picture, in cm
MAX_FIGURE_CM = 10
#: sections down to this depth may turn their pages to landscape
ORIENTED_DEPTH = 2
_BREAKS = re.compile(r"(\n|\t)")


def _text(value: str) -> str:
    """Runs' content: ``w:t`` with line breaks and tabs as elements."""
    out = []
    for part in _BREAKS.split(fr.typeset(clean(value))):
        if part == "\n":
            out.append("<w:br/>")
        elif part == "\t":
            out.append("<w:tab/>")
        elif part:
            out.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return "".join(out)


def _runs(spans: Inline) -> str:
    out = []
    for span in spans:
        props = ("<w:b/><w:bCs/>" if span.bold else "") + ("<w:i/><w:iCs/>" if span.italic else "")
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        out.append(f"<w:r>{rpr}{_text(span.text)}</w:r>")
    return "".join(out)


class _Writer:
    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.style_ids = {s.name: s.style_id for s in doc.styles}
        section = doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        self.text_width = Emu(width)
        self.text_twips = int(width / EMU_PER_TWIP)
        self.portrait_twips = self.text_twips
        #: the text width of a landscape page (same margins)
        self.landscape_twips = int(
            (section.page_height - section.left_margin - section.right_margin) / EMU_PER_TWIP
        )
        self.landscape = False
        self.table_style = self.style(*TABLE_STYLES)
        self.normal = self.style_ids.get("Normal")
        self.chunks: list[str | Any] = []
        self.figures = 0

    def style(self, *candidates: str) -> str | None:
        return next((self.style_ids[s] for s in candidates if s in self.style_ids), None)

    def p(
        self,
        spans: Inline,
        style: str | None = None,
        *,
        keep_next: bool = False,
        align: str | None = None,
    ) -> str:
        ppr = ""
        if style and style != self.normal:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if keep_next:
            ppr += "<w:keepNext/>"
        if align:
            ppr += f'<w:jc w:val="{align}"/>'
        ppr = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
        return f"<w:p>{ppr}{_runs(spans)}</w:p>"

    def add(self, xml: str) -> None:
        self.chunks.append(xml)

    def heading(self, title: str, depth: int, *, new_page: bool = False) -> None:
        style = self.style(f"Heading {min(depth, 6)}", "Heading 3")
        xml = self.p((Span(title.replace("\n", " ")),), style)
        if new_page:
            xml = xml.replace("<w:pPr>", "<w:pPr><w:pageBreakBefore/>", 1)
        self.add(xml)

    def widths(self, t: Table, available: int) -> list[int] | None:
        """Column widths (twips) from the content so that no word is broken, or None when
        the table's longest words do not fit in ``available``."""
        columns = [
            [fr.typeset(t.header[c]), *(fr.typeset(row[c]) for row in t.rows)]
            for c in range(len(t.header))
        ]
        found = measure.column_widths(
            columns,
            available / CELL_TWIPS_PER_EM,
            padding=CELL_PADDING_TWIPS / CELL_TWIPS_PER_EM,
        )
        if found is None:
            return None
        return [int(w * CELL_TWIPS_PER_EM) for w in found]

    def wide(self, t: Table) -> bool:
        """The table's words do not fit across a portrait page."""
        return self.widths(t, self.portrait_twips) is None

    def table(self, t: Table) -> None:
        caption = self.style("Caption")
        self.add(self.p((Span(f"Tableau : {t.caption}"),), caption, keep_next=True))
        # a table to fill in by hand keeps its weights (room to write in the blank cells)
        found = None if t.row_height else self.widths(t, self.text_twips)
        if found is None:  # or too wide even so: the script's weights, words may break
            weights = t.widths or (1,) * len(t.header)
            total = sum(weights)
            found = [int(self.text_twips * w / total) for w in weights]
        widths = found
        numeric = set(t.numeric)
        description = f"{len(t.rows)} lignes ; colonnes : " + ", ".join(t.header)
        style = f'<w:tblStyle w:val="{self.table_style}"/>' if self.table_style else ""
        parts = [
            f"<w:tbl><w:tblPr>{style}",
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>',
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>',
            f"<w:tblCaption w:val={quoteattr(plain(t.caption)[:255])}/>",
            f"<w:tblDescription w:val={quoteattr(plain(description)[:255])}/>",
            "</w:tblPr><w:tblGrid>",
            *(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        cell_style = self.style(*CELL_STYLES)
        cell_style = f'<w:pStyle w:val="{cell_style}"/>' if cell_style else ""
        for r, values in enumerate((t.header, *t.rows)):
            header = r == 0
            # rows never split across pages; the header row repeats on each page
            height = (
                f'<w:trHeight w:val="{int(t.row_height * TWIPS_PER_CM)}" w:hRule="atLeast"/>'
                if t.row_height and not header
                else ""
            )
            parts.append(
                "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                if header
                else f"<w:tr><w:trPr><w:cantSplit/>{height}</w:trPr>"
            )
            for c, value in enumerate(values):
                ppr = (
                    (cell_style if cell_style else "")
                    + ("<w:keepNext/>" if header else "")
                    + ('<w:jc w:val="right"/>' if c in numeric else "")
                )
                ppr = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
                rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if header else ""
                parts.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/></w:tcPr>'
                    f"<w:p>{ppr}<w:r>{rpr}{_text(value)}</w:r></w:p></w:tc>"
                )
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.add("".join(parts))
        self.add(self.p(()))  # air after the table (and Word needs a paragraph between tables)

    def figure(self, c: BarChart | Figure) -> None:
        self.figures += 1
        image = c.png if isinstance(c, Figure) else chart.png(c)
        # as wide as the text allows, and low enough to stay on the page of its heading
        px_w, px_h = struct.unpack(">II", image[16:24])
        width = min(Cm(16), self.text_width, int(Cm(MAX_FIGURE_CM) * px_w / max(1, px_h)))
        inline = self.doc.part.new_pic_inline(io.BytesIO(image), width, None)
        for doc_pr in inline.iter(qn("wp:docPr")):
            doc_pr.set("descr", plain(c.alt))
            doc_pr.set("title", plain(c.title))
        paragraph = parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr>'
            "<w:r><w:drawing/></w:r></w:p>"
        )
        paragraph.find(f"{qn('w:r')}/{qn('w:drawing')}").append(inline)
        self.chunks.append(paragraph)
        caption = self.p((Span(f"Figure {self.figures} : {c.title}"),), self.style("Caption"))
        # the figure keeps with its caption, not the caption with the table after it
        self.add(caption.replace("</w:pPr>", '<w:keepNext w:val="0"/></w:pPr>', 1))
        if c.table is not None:
            self.table(c.table)

    def section(self, section: Section, depth: int) -> None:
        if depth <= ORIENTED_DEPTH:
            # a part whose tables are too wide for a portrait page is printed in landscape
            # (a part without a table keeps the page of the part before it); a part's own
            # tables decide at the first level, its sub-parts' at the second
            tables = _tables(section, deep=depth == ORIENTED_DEPTH)
            if tables:
                self.orient(any(self.wide(t) for t in tables))
        self.heading(section.title, depth, new_page=section.new_page)
        children = section.children
        for index, child in enumerate(children):
            if isinstance(child, Section):
                self.section(child, depth + 1)
            elif isinstance(child, Paragraph):
                # a sentence introducing a table or a figure stays on its page
                following = children[index + 1] if index + 1 < len(children) else None
                keep = isinstance(following, Table | BarChart | Figure)
                style = self.style(*PARAGRAPH_STYLES[child.style])
                self.add(self.p(child.spans, style, keep_next=keep))
            elif isinstance(child, BulletList):
                style = self.style("List Bullet")
                self.add("".join(self.p(item, style) for item in child.items))
            elif isinstance(child, Quote):
                spans = [Span(f"« {child.text} »", italic=True)]
                if child.source:
                    spans.append(Span(f" — {child.source}"))
                self.add(self.p(tuple(spans), self.style(*PARAGRAPH_STYLES["quote"])))
            elif isinstance(child, Table):
                self.table(child)
            elif isinstance(child, BarChart | Figure):
                self.figure(child)
            else:  # pragma: no cover - every block type is handled above
                raise TypeError(f"unknown block {type(child).__name__}")

    def orient(self, landscape: bool) -> None:
        """Start a landscape (or portrait) part on a new page: the part written so far
        ends with a section break carrying its own page setup."""
        if landscape == self.landscape:
            return
        self.add(f"<w:p><w:pPr>{self.sect_pr(self.landscape)}</w:pPr></w:p>")
        self.landscape = landscape
        self.text_twips = self.landscape_twips if landscape else self.portrait_twips

    def sect_pr(self, landscape: bool) -> str:
        """The reference's section properties (header, footer, margins), turned."""
        sect_pr = deepcopy(self.doc.element.body.find(qn("w:sectPr")))
        docx_page.turn(sect_pr, landscape)
        return etree.tostring(sect_pr, encoding="unicode")

    def flush(self) -> None:
        """Parse the written XML and put it in the body, before the section properties."""
        body = self.doc.element.body
        sect_pr = body.find(qn("w:sectPr"))
        pending: list[str] = []

        def insert(element: Any) -> None:
            if sect_pr is not None:
                sect_pr.addprevious(element)
            else:
                body.append(element)

        def parse_pending() -> None:
            if pending:
                wrapper = parse_xml(f"<w:body {nsdecls('w')}>{''.join(pending)}</w:body>")
                for element in list(wrapper):
                    insert(element)
                pending.clear()

        for chunk in self.chunks:
            if isinstance(chunk, str):
                pending.append(chunk)
            else:
                parse_pending()
                insert(chunk)
        parse_pending()


def _clear_body(doc: Any) -> None:
    """Remove the reference's sample content, keeping the final section properties."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _tables(section: Section, *, deep: bool = True) -> list[Table]:
    """The section's tables (``deep``: its sub-sections' too)."""
    out: list[Table] = []
    for child in section.children:
        if isinstance(child, Section):
            if deep:
                out.extend(_tables(child))
        elif isinstance(child, Table):
            out.append(child)
        elif isinstance(child, BarChart | Figure) and child.table is not None:
            out.append(child.table)
    return out


def render(doc: Document, charter: str | Path | None = None) -> bytes:
    out = load_docx(str(charter or DEFAULT_CHARTER))
    _clear_body(out)
    ooxml.set_language(out, doc.lang)
    if doc.organiser is not None and doc.organiser.name:
        docx_page.identity(out, doc.organiser)
    props = out.core_properties
    props.title = plain(f"{doc.title} — {doc.subtitle}" if doc.subtitle else doc.title)
    props.subject = plain(doc.title)
    props.author = "facilitator"
    props.last_modified_by = "facilitator"
    props.comments = ""
    props.keywords = "capitalisation; " + doc.kind
    w = _Writer(out)
    first = _tables(doc.sections[0]) if doc.sections else []
    if first and any(w.wide(t) for t in first):
        # the first part is landscape: so is the title page (no page left half empty)
        w.landscape, w.text_twips = True, w.landscape_twips
    w.add(w.p((Span(doc.title),), w.style("Title", "Heading 1")))
    if doc.subtitle:
        w.add(w.p((Span(doc.subtitle),), w.style("Subtitle")))
    for label, value in doc.facts:
        w.add(w.p((Span(f"{label} : ", bold=True), Span(value))))
    for section in doc.sections:
        w.section(section, 1)
    if doc.colophon:
        w.add(w.p((Span(doc.colophon),), w.style(*PARAGRAPH_STYLES["note"])))
    w.flush()
    body = out.element.body
    docx_page.turn(body.find(qn("w:sectPr")), w.landscape)
    if doc.colophon:
        paragraphs = body.findall(qn("w:p"))
        if paragraphs:
            docx_page.keep_with_end(body, paragraphs[-1])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
