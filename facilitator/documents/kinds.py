"""The registry of document kinds. A kind says what it covers (an atelier or a cycle), how
its context is read and its neutral document composed, and which table its CSV exports.

Charte and feuille de route are declared without a builder: asking for them says, in French,
that they are not available yet. The module that brings them replaces the declaration with
``register(DocumentKind(...), replace=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from facilitator.documents import compte_rendu, loaders, repertoire, synthese
from facilitator.errors import DomainError, InvalidInput
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


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind, *, replace: bool = False) -> DocumentKind:
    if kind.id in KINDS and not replace:
        raise RuntimeError(f"document kind {kind.id!r} registered twice")
    KINDS[kind.id] = kind
    return kind


def get(kind_id: str) -> DocumentKind:
    kind = KINDS.get(kind_id)
    if kind is None:
        raise InvalidInput(
            f"Type de document inconnu « {kind_id} ». Types possibles : {', '.join(KINDS)}.",
            code="unknown_kind",
        )
    return kind


def get_format(kind: DocumentKind, fmt: str) -> Format:
    found = FORMATS.get(fmt)
    if found is None:
        raise InvalidInput(
            f"Format inconnu « {fmt} ». Formats possibles : {', '.join(FORMATS)}.",
            code="unknown_format",
        )
    if found not in kind.formats():
        tabular = [k.label.lower() for k in KINDS.values() if k.csv is not None]
        raise DocumentUnavailable(
            f"Le format {found.id.upper()} n'existe pas pour le document « {kind.label} » : "
            f"il est réservé aux documents tabulaires ({', '.join(tabular)}).",
            code="format_unavailable",
        )
    return found


register(
    DocumentKind(
        id="compte-rendu",
        label="Compte rendu d'atelier",
        scope="atelier",
        load=loaders.atelier_context,
        compose=compte_rendu.compose,
    )
)
register(
    DocumentKind(
        id="synthese",
        label="Synthèse du cycle",
        scope="cycle",
        load=loaders.cycle_context,
        compose=synthese.compose,
        csv=CsvExport("ateliers", empty_header=synthese.ATELIERS_HEADER),
    )
)
register(
    DocumentKind(
        id="repertoire",
        label="Répertoire des acteurs",
        scope="cycle",
        load=repertoire.load,
        compose=repertoire.compose,
        csv=CsvExport("acteurs", "Territoire", tuple(repertoire.HEADER)),
    )
)
register(
    DocumentKind(
        id="charte",
        label="Charte",
        scope="cycle",
        pending=(
            "La charte n'est pas encore disponible en document : elle viendra avec l'activité "
            "« charte » (rédaction, amendements, vote). Les autres documents sont prêts : "
            "compte rendu, synthèse du cycle, répertoire des acteurs."
        ),
    )
)
register(
    DocumentKind(
        id="feuille-de-route",
        label="Feuille de route",
        scope="cycle",
        pending=(
            "La feuille de route n'est pas encore disponible en document : elle viendra avec "
            "l'activité « feuille de route » (actions, pilotes, échéances, indicateurs). Les "
            "autres documents sont prêts : compte rendu, synthèse du cycle, répertoire des "
            "acteurs."
        ),
    )
)
