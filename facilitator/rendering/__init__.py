"""Renderers: the neutral ``Document`` to bytes, one module per format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    id: str
    #: French label for buttons and messages
    label: str
    extension: str
    mimetype: str
    #: converted from the DOCX by LibreOffice headless
    libreoffice: bool = False
    #: only for documents that declare a main table
    tabular: bool = False


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format(
            "docx",
            "Word (DOCX)",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Format("odt", "OpenDocument (ODT)", "odt", "application/vnd.oasis.opendocument.text", True),
        Format("pdf", "PDF", "pdf", "application/pdf", True),
        Format("html", "Page web imprimable (HTML)", "html", "text/html; charset=utf-8"),
        Format("md", "Markdown", "md", "text/markdown; charset=utf-8"),
        Format("csv", "Tableur (CSV)", "csv", "text/csv; charset=utf-8", tabular=True),
    )
}
