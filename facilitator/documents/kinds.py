"""The registry of document kinds (``rendering/kinds.py`` says what a kind is): the
compte rendu, the synthèse and the répertoire, then the cycle documents that the activity
types declare on their entry (``Activity.cycle_documents``: charte, feuille de route)."""

from __future__ import annotations

from facilitator import activities
from facilitator.documents import compte_rendu, loaders, repertoire, synthese
from facilitator.errors import InvalidInput
from facilitator.rendering import FORMATS, Format
from facilitator.rendering.kinds import CsvExport, DocumentKind, DocumentUnavailable

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


# the cycle documents of the activity types (charte, feuille de route), in registry order
for _activity in activities.REGISTRY.values():
    for _kind in _activity.cycle_documents:
        register(_kind)


__all__ = [
    "KINDS",
    "CsvExport",
    "DocumentKind",
    "DocumentUnavailable",
    "get",
    "get_format",
    "register",
]
