"""Compiled documents (DESIGN.md §3), in three layers:

1. context builders (``loaders``) read the database and return plain data (``context``);
2. composers (``compte_rendu``, ``synthese``, ``repertoire``, activity ``sections``) turn
   it into the neutral ``model.Document``;
3. renderers (``render``) turn that document into DOCX, Markdown, HTML, CSV — and ODT/PDF
   through LibreOffice.

Kinds of documents are declared in ``kinds``; how each activity type contributes to them,
in ``sections``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app

from facilitator.core import organiser
from facilitator.documents import kinds
from facilitator.documents.kinds import KINDS, DocumentKind, DocumentUnavailable
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.rendering import FORMATS, Format, convert
from facilitator.rendering import csv as csv_renderer
from facilitator.rendering import docx as docx_renderer
from facilitator.rendering import html as html_renderer
from facilitator.rendering import markdown as markdown_renderer
from facilitator.rendering.convert import LibreOfficeMissing
from facilitator.rendering.model import Document, Organiser


@dataclass(frozen=True)
class Output:
    content: bytes
    filename: str
    format: Format
    #: the neutral document (None when the file was read from storage)
    document: Document | None


@dataclass(frozen=True)
class Settings:
    """Where renderers find their resources (from the app config, or given by tests)."""

    charter: Path
    soffice: str | None
    profile: Path

    @classmethod
    def from_app(cls) -> Settings:
        config = current_app.config
        instance = Path(config.get("INSTANCE_PATH") or current_app.instance_path)
        return cls(
            charter=Path(config.get("DOCUMENTS_CHARTER") or docx_renderer.DEFAULT_CHARTER),
            soffice=config.get("SOFFICE"),
            profile=instance / "libreoffice-profile",
        )


def render(doc: Document, kind: DocumentKind, fmt: Format, settings: Settings) -> bytes:
    if fmt.id == "md":
        return markdown_renderer.render(doc)
    if fmt.id == "html":
        return html_renderer.render(doc)
    if fmt.id == "csv":
        spec = kind.csv
        if spec is None:  # refused earlier by kinds.get_format
            raise DocumentUnavailable(f"Pas de CSV pour « {kind.label} ».")
        return csv_renderer.render(doc, spec.table, spec.context_label, spec.empty_header)
    docx = docx_renderer.render(doc, settings.charter)
    if fmt.id == "docx":
        return docx
    return convert.convert(docx, fmt.id, profile=settings.profile, executable=settings.soffice)


def libreoffice_available(settings: Settings | None = None) -> bool:
    settings = settings or Settings.from_app()
    return convert.soffice(settings.soffice) is not None


def organiser_of(kind: DocumentKind, scope_id: int) -> Organiser | None:
    """The instance's organiser with the co-organisers of the document's cycle; None when
    no structure name is set (the reference document's header stays)."""
    found = organiser.identity()
    if not found["name"]:
        return None
    cycle_id: int | None = scope_id
    if kind.scope == "atelier":
        atelier = db.session.get(Atelier, scope_id)
        cycle_id = atelier.cycle_id if atelier is not None else None
    return Organiser(
        name=found["name"],
        co_organisers=tuple(organiser.co_organisers(cycle_id)) if cycle_id else (),
        address=found["address"],
        colour=found["colour"],
        logo=found["logo"],
        logo_type=found["logo_type"],
    )


def build(kind: DocumentKind, scope_id: int) -> Document:
    """The kind's document with its organiser (header, facts): what every path renders."""
    doc = kind.build(scope_id)
    who = organiser_of(kind, scope_id)
    if who is None:
        return doc
    return replace(doc, organiser=who, facts=(("Organisation", who.heading), *doc.facts))


def compile_document(
    kind_id: str, scope_id: int, fmt_id: str, settings: Settings | None = None
) -> Output:
    """Build and render one document (needs an app context for the database)."""
    settings = settings or Settings.from_app()
    kind = kinds.get(kind_id)
    fmt = kinds.get_format(kind, fmt_id)
    if not kind.available:
        kind.build(scope_id)  # raises DocumentUnavailable with the kind's message
    if fmt.libreoffice and not libreoffice_available(settings):
        raise LibreOfficeMissing(convert.missing_message(fmt.id))
    doc = build(kind, scope_id)
    content = render(doc, kind, fmt, settings)
    return Output(content, f"{doc.filename}.{fmt.extension}", fmt, doc)


__all__ = [
    "FORMATS",
    "KINDS",
    "DocumentKind",
    "DocumentUnavailable",
    "LibreOfficeMissing",
    "Output",
    "Settings",
    "build",
    "compile_document",
    "libreoffice_available",
    "render",
]
