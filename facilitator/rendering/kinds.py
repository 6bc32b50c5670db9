"""What a document kind is: what it covers (an atelier or a cycle), how its context is
read and its neutral document composed, and which table its CSV exports. The registry of
kinds is ``facilitator/documents/kinds.py``; an activity type declares its cycle documents
on its entry (``Activity.cycle_documents``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from facilitator.errors import DomainError
from facilitator.rendering import FORMATS, Format
from facilitator.rendering.model import Document


class DocumentUnavailable(DomainError):
    code = "document_unavailable"
    status = 404


@dataclass(frozen=True)
class CsvExport:
    #: key of the tables exported (rows of several tables are concatenated)
    table: str
    #: header of the first column telling which table a row comes from ("" = none)
    context_label: str = ""
    #: header written when the document has no such table
    empty_header: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentKind:
    #: identifier in URLs and the CLI
    id: str
    #: French name
    label: str
    #: what the id given to ``build`` designates
    scope: Literal["atelier", "cycle"]
    #: context phase: reads the database, returns plain data (None: not available yet)
    load: Callable[[int], Any] | None = None
    #: model phase: plain data → neutral document
    compose: Callable[[Any], Document] | None = None
    csv: CsvExport | None = None
    #: French explanation when not available
    pending: str = ""

    @property
    def available(self) -> bool:
        return self.load is not None and self.compose is not None

    def formats(self) -> list[Format]:
        return [f for f in FORMATS.values() if not f.tabular or self.csv is not None]

    def build(self, scope_id: int) -> Document:
        if self.load is None or self.compose is None:
            raise DocumentUnavailable(
                self.pending or f"Le document « {self.label} » n'est pas encore disponible."
            )
        return self.compose(self.load(scope_id))
