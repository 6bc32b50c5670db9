"""Reading a PDF back to check its layout (tests/test_documents_layout.py): the words of
each line (``pdftotext -bbox-layout``, poppler-utils), the words of a document's source
text, the two faults looked for — a word split across two lines, a page with nothing but
its header, footer and colophon."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from facilitator.rendering import fr
from facilitator.rendering.model import (
    BarChart,
    BulletList,
    Document,
    Figure,
    Paragraph,
    Quote,
    Section,
    Table,
)

NS = "{http://www.w3.org/1999/xhtml}"
#: what is not part of a word at its ends
_EDGES = ",.;:!?()«»\"'’…[]—–"
#: header and footer zones of the reference page: 2.2 cm at the top, 2 cm at the bottom
TOP, BOTTOM = 2.2 * 72 / 2.54, 2.0 * 72 / 2.54


@dataclass(frozen=True)
class Line:
    page: int
    block: int
    y_min: float
    y_max: float
    words: tuple[str, ...]


def lines(pdf: Path) -> tuple[list[Line], list[float]]:
    """Every line of the PDF with its words, and each page's height."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    root = ET.fromstring(out)
    found: list[Line] = []
    heights: list[float] = []
    block_id = 0
    for number, page in enumerate(root.iter(f"{NS}page"), start=1):
        heights.append(float(page.get("height", "0")))
        for block in page.iter(f"{NS}block"):
            block_id += 1
            for line in block.iter(f"{NS}line"):
                words = tuple((w.text or "") for w in line.iter(f"{NS}word"))
                found.append(
                    Line(
                        number,
                        block_id,
                        float(line.get("yMin", "0")),
                        float(line.get("yMax", "0")),
                        words,
                    )
                )
    return found, heights


def norm(word: str) -> str:
    return word.strip(_EDGES)


def texts(doc: Document) -> list[str]:
    """Every text the document prints, typeset as the renderers print it."""
    out = [doc.title, doc.subtitle, doc.colophon]
    for label, value in doc.facts:
        out += [label, value]

    def table(t: Table) -> None:
        out.append(t.caption)
        out.extend(t.header)
        for row in t.rows:
            out.extend(row)

    for _depth, node in doc.walk():
        if isinstance(node, Section):
            out.append(node.title)
        elif isinstance(node, Paragraph):
            out.append("".join(s.text for s in node.spans))
        elif isinstance(node, BulletList):
            out.extend("".join(s.text for s in item) for item in node.items)
        elif isinstance(node, Quote):
            out += [node.text, node.source]
        elif isinstance(node, Table):
            table(node)
        elif isinstance(node, BarChart | Figure):
            out.append(node.title)
            if node.table is not None:
                table(node.table)
    return [fr.typeset(t) for t in out if t]


def source_words(doc: Document) -> set[str]:
    return {norm(w) for t in texts(doc) for w in re.split(r"\s+", t) if norm(w)}


def split_words(found: list[Line], words: set[str]) -> list[str]:
    """« Contributeu|rs »: the last word of a line and the first of the next one (same
    block) that make a word of the source when joined, one of them not being a word on its
    own. A break after a hyphen the word already has (« Val-de-|Lys ») is allowed."""
    out = []
    for first, second in zip(found, found[1:], strict=False):
        if first.block != second.block or not first.words or not second.words:
            continue
        a, b = first.words[-1], second.words[0]
        if a.endswith("-") or not norm(a) or not norm(b):
            continue  # a break at a hyphen, or next to a dash or a mark
        joined = norm(a + b)
        if joined in words and (norm(a) not in words or norm(b) not in words):
            out.append(f"page {first.page}: « {a} » / « {b} »")
    return out


def empty_pages(found: list[Line], heights: list[float], colophon: str) -> list[int]:
    """Pages whose only lines are the header, the footer and the colophon."""
    tail = {norm(w) for w in re.split(r"\s+", fr.typeset(colophon)) if norm(w)}
    body: dict[int, int] = {}
    for line in found:
        height = heights[line.page - 1]
        if line.y_max <= TOP or line.y_min >= height - BOTTOM:
            continue  # header, footer
        words = [norm(w) for w in line.words if norm(w)]
        if sum(w in tail for w in words) >= 0.6 * len(words):
            continue  # the colophon (its time may differ from the document's: mostly)
        body[line.page] = body.get(line.page, 0) + 1
    return [page for page in range(1, len(heights) + 1) if not body.get(page)]
