"""Restitution publique (issue 9, docs/cycle-life.md): a read-only page per cycle that the
animateur publishes or unpublishes, behind a public token URL.

It shows what the cycle produced — validated questions, the map, the charte and the
feuille de route when adopted / established, the structures — and no participant name:
the only people named are répertoire contacts who consented."""

from __future__ import annotations

import logging
from typing import Any

from markupsafe import Markup
from sqlalchemy import select

from facilitator.activities.cartographie import export as map_export
from facilitator.activities.cartographie import views as map_views
from facilitator.activities.charte import cycle_document as charte_document
from facilitator.activities.feuille_de_route import cycle_document as feuille_de_route
from facilitator.core import events, organiser, tokens
from facilitator.core import questions as productions
from facilitator.cycle_life import repertoire
from facilitator.documents import kinds
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.models import Cycle
from facilitator.models._types import utcnow
from facilitator.models.cycle_life import Restitution
from facilitator.rendering import html
from facilitator.rendering.model import Organiser

log = logging.getLogger(__name__)

#: document kinds shown, with what to say when they are not there yet
DOCUMENTS = (
    ("charte", "La charte", "La charte n'est pas encore adoptée."),
    ("feuille-de-route", "La feuille de route", "La feuille de route n'est pas encore établie."),
)


def _row(cycle: Cycle) -> Restitution | None:
    return db.session.scalar(select(Restitution).where(Restitution.cycle_id == cycle.id))


def of(cycle: Cycle) -> Restitution:
    """The cycle's restitution row (created unpublished on first use, flushed): for the
    POSTs that change it; a page reads ``state``."""
    row = _row(cycle)
    if row is None:
        row = Restitution(cycle_id=cycle.id, public_token=tokens.new_token(), published=False)
        db.session.add(row)
        db.session.flush()
    return row


def state(cycle: Cycle) -> dict[str, Any]:
    """Published or not, since when, behind which token, as plain data — read only (a
    page's GET): a cycle whose row is not created yet is unpublished, with no address."""
    row = _row(cycle)
    if row is None:
        return {"published": False, "published_at": None, "public_token": None}
    return {
        "published": row.published,
        "published_at": row.published_at,
        "public_token": row.public_token,
    }


def publish(cycle: Cycle, published: bool) -> Restitution:
    with events.transaction():
        row = of(cycle)
        row.published = published
        if published:
            row.published_at = utcnow()
    log.info("restitution of cycle %s %s", cycle.id, "published" if published else "unpublished")
    return row


def regenerate(cycle: Cycle) -> Restitution:
    """A new public address: the old one stops working."""
    with events.transaction():
        row = of(cycle)
        row.public_token = tokens.new_token()
    return row


def by_token(token: str) -> Cycle:
    row = None
    if token and len(token) <= 100:
        row = db.session.scalar(select(Restitution).where(Restitution.public_token == token))
    if row is None or not row.published:
        raise NotFound(
            "Cette restitution n'est pas publiée (ou son adresse a changé). Demandez le lien "
            "à l'animateur du cycle.",
            code="not_published",
        )
    cycle = db.session.get(Cycle, row.cycle_id)
    assert cycle is not None
    return cycle


def _document(kind_id: str, cycle_id: int) -> Markup | None:
    """The document's sections as escaped HTML, or None when it is not there yet: the kind
    is not available, raises ``DocumentUnavailable``, or its context says the charte is not
    adopted (``adopted``) / the feuille de route has no action (``actions``)."""
    kind = kinds.KINDS.get(kind_id)
    if kind is None or not kind.available or kind.load is None or kind.compose is None:
        return None
    ctx: Any
    try:
        if kind.load is feuille_de_route.load:
            # the public page shows the commitments only: the validated actions (the
            # animateur's documents keep the proposed ones too)
            ctx = feuille_de_route.load(cycle_id, validated_only=True)
        elif kind.load is charte_document.load:
            # no draft, no version in preparation on a public page
            ctx = charte_document.load_public(cycle_id)
        else:
            ctx = kind.load(cycle_id)
        if getattr(ctx, "adopted", True) is False or not getattr(ctx, "actions", True):
            return None
        doc = kind.compose(ctx)
    except kinds.DocumentUnavailable:
        return None
    # the fragment is built from escaped text only (documents/render/html.py)
    return Markup(html.fragment(list(doc.sections), depth=3))  # noqa: S704


def content(cycle: Cycle) -> dict[str, Any]:
    """Everything the public page shows, as plain data (plus escaped HTML fragments)."""
    data = map_views.map_data(cycle.id)
    documents = [
        {"id": kind_id, "title": title, "missing": missing, "html": _document(kind_id, cycle.id)}
        for kind_id, title, missing in DOCUMENTS
    ]
    return {
        "questions": [q for q in productions.questions_list(cycle.id) if q["active"]],
        "map_svg": Markup(map_export.svg(data, f"Cartographie des acteurs — {cycle.title}"))  # noqa: S704
        if data["actors"]
        else None,
        "map_description": map_export.description(data),
        "documents": documents,
        "groups": repertoire.by_territory(repertoire.entries(cycle.id)),
        "organiser": _organiser(cycle.id),
    }


def _organiser(cycle_id: int) -> dict[str, Any]:
    """Who organises the cycle, as the page's header shows it (plain data)."""
    found = organiser.identity()
    who = Organiser(name=found["name"], co_organisers=tuple(organiser.co_organisers(cycle_id)))
    return {"name": found["name"], "heading": who.heading, "logo": bool(found["logo"])}
