"""CSV of a document's main table, for spreadsheets used in France: UTF-8 with a byte-order
mark, semicolon-separated, CRLF line ends.

A cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab or
carriage return first) gets a leading apostrophe: the text still reads as typed, and
``=HYPERLINK(…)`` or ``=cmd|…`` never runs."""

from __future__ import annotations

import csv
import io

from facilitator.rendering.model import Document

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def render(
    doc: Document, key: str, context_label: str = "", empty_header: tuple[str, ...] = ()
) -> bytes:
    """Rows of every table named ``key`` (same header), in document order; with
    ``context_label`` a first column says which table each row comes from. A document
    without such a table gives ``empty_header`` alone."""
    tables = [t for t in doc.all_tables() if t.key == key]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    header = list(tables[0].header if tables else empty_header)
    if context_label:
        header.insert(0, context_label)
    writer.writerow(cell(h) for h in header)
    for t in tables:
        for row in t.rows:
            values = [t.context, *row] if context_label else list(row)
            writer.writerow(cell(v) for v in values)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
