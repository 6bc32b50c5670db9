"""The neutral document model: plain, immutable data that every renderer reads.

Nothing here knows about the database or about a format. Text is always *plain text*:
renderers escape it for their format (a card containing ``<script>`` or ``**bold**`` is
printed as typed). Headings are not numbered by level: a ``Section`` inside a ``Section`` is
one level deeper, so renderers can never skip a level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from facilitator.rendering import fr

#: C0 controls other than tab and newline, DEL, C1 controls and lone surrogates: invalid in
#: XML (DOCX) or invisible everywhere else.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text safe for every format: newlines normalised, control characters removed."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def plain(text: str | None) -> str:
    """``clean`` text without surrounding whitespace (what loaders store in contexts)."""
    return clean(text).strip()


@dataclass(frozen=True)
class Span:
    """A run of text, optionally bold or italic."""

    text: str
    bold: bool = False
    italic: bool = False


Inline = tuple[Span, ...]


def inline(*parts: str | Span) -> Inline:
    """``inline("Date : ", Span("mardi", bold=True))``; empty strings are dropped."""
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if p)


ParagraphStyle = Literal["body", "lead", "consigne", "note"]


@dataclass(frozen=True)
class Paragraph:
    """``lead``: an introductory sentence; ``consigne``: an activity's instruction;
    ``note``: a remark in smaller text (what is missing, provisional document…)."""

    spans: Inline
    style: ParagraphStyle = "body"


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Quote:
    """A verbatim: a participant's words, printed as written, with who wrote them (or not)."""

    text: str
    source: str = ""


@dataclass(frozen=True)
class Table:
    """A data table whose first row is a header. ``key`` names it for CSV export;
    ``numeric`` lists the columns aligned right; ``widths`` are relative column widths."""

    key: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    widths: tuple[int, ...] = ()
    #: for CSV: a first column added to every row when tables of the same key are merged
    context: str = ""
    #: minimum height of a body row, in cm (0: as its text needs) — rows to write in by hand
    row_height: float = 0

    def __post_init__(self) -> None:
        width = len(self.header)
        if any(len(row) != width for row in self.rows):
            raise ValueError(f"table {self.key!r}: every row needs {width} cells")
        if self.widths and len(self.widths) != width:
            raise ValueError(f"table {self.key!r}: {width} widths expected")


@dataclass(frozen=True)
class BarChart:
    """Bars with a value each. Renderers draw it (SVG, PNG) or fall back to ``table``,
    which is always printed too: the chart is never the only way to read the figures."""

    key: str
    title: str
    alt: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    table: Table


@dataclass(frozen=True)
class Figure:
    """A picture drawn by the server (e.g. the cartographie): ``svg`` in HTML, ``png`` in DOCX,
    ``alt`` as its text alternative; ``table``, printed after it, holds what it shows."""

    key: str
    title: str
    alt: str
    svg: str
    png: bytes
    table: Table | None = None


Block = Paragraph | BulletList | Quote | Table | BarChart | Figure


@dataclass(frozen=True)
class Section:
    title: str
    children: tuple[Block | Section, ...] = ()
    #: printed from the top of a new page (a signature page)
    new_page: bool = False


@dataclass(frozen=True)
class Organiser:
    """Who publishes the document: printed in its header (DOCX, HTML) and facts."""

    name: str = ""
    co_organisers: tuple[str, ...] = ()
    address: str = ""
    #: ``#1f3b5c``: the colour of titles; "" for the reference's
    colour: str = ""
    #: a checked PNG or sanitised SVG (core/logo.py), with its type
    logo: bytes | None = None
    logo_type: str = ""

    @property
    def heading(self) -> str:
        """« CRPV Hauts-de-Lys, avec la Ville de Val-de-Lys »."""
        if not self.name:
            return ""
        if not self.co_organisers:
            return self.name
        return f"{self.name}, avec {fr.join(self.co_organisers)}"


@dataclass(frozen=True)
class Document:
    """One document, ready for any renderer."""

    kind: str
    title: str
    subtitle: str
    #: key facts under the title (Date, Lieu…), label → value
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    #: file name without extension, ASCII
    filename: str
    #: shown at the end (when and how it was generated)
    colophon: str = ""
    lang: str = "fr-FR"
    #: the organiser's identity (None: the reference document's header is kept)
    organiser: Organiser | None = None

    def walk(self) -> Iterable[tuple[int, Block | Section]]:
        """Every section and block in reading order with its depth (sections: 1…)."""

        def visit(section: Section, depth: int) -> Iterable[tuple[int, Block | Section]]:
            yield depth, section
            for child in section.children:
                if isinstance(child, Section):
                    yield from visit(child, depth + 1)
                else:
                    yield depth, child

        for section in self.sections:
            yield from visit(section, 1)

    def all_tables(self) -> list[Table]:
        out: list[Table] = []
        for _depth, node in self.walk():
            if isinstance(node, Table):
                out.append(node)
            elif isinstance(node, BarChart | Figure) and node.table is not None:
                out.append(node.table)
        return out


def section(
    title: str,
    *children: Block | Section | None | Iterable[Block | Section],
    new_page: bool = False,
) -> Section:
    """A section from blocks, sections, iterables of them; ``None`` is skipped."""
    flat: list[Block | Section] = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, Section | Paragraph | BulletList | Quote | Table | BarChart | Figure):
            flat.append(child)
        else:
            flat.extend(child)
    return Section(title, tuple(flat), new_page)


def para(*parts: str | Span, style: ParagraphStyle = "body") -> Paragraph:
    return Paragraph(inline(*parts), style)


def note(text: str) -> Paragraph:
    return Paragraph(inline(text), "note")


def bullets(items: Iterable[str | Inline]) -> BulletList:
    return BulletList(tuple(inline(i) if isinstance(i, str) else i for i in items))


def table(
    key: str,
    caption: str,
    header: Iterable[str],
    rows: Iterable[Iterable[object]],
    *,
    numeric: Iterable[int] = (),
    widths: Iterable[int] = (),
    context: str = "",
    row_height: float = 0,
) -> Table:
    return Table(
        key=key,
        caption=caption,
        header=tuple(header),
        rows=tuple(tuple(str(cell) for cell in row) for row in rows),
        numeric=tuple(numeric),
        widths=tuple(widths),
        context=context,
        row_height=row_height,
    )
