"""Downloading compiled documents.

Animateurs of the cycle (session login) and holders of an atelier's read-only link:

=====================================================================  =====================
``GET /animateur/ateliers/<id>/documents``                              every document of
                                                                        the atelier and its
                                                                        cycle: a page for a
                                                                        browser, else JSON
``GET /animateur/ateliers/<id>/documents/<kind>.<format>``              atelier documents
``POST /animateur/ateliers/<id>/documents/compte-rendu/regenerer``      rewrite the stored
                                                                        compte rendu
``GET /animateur/cycles/<id>/documents`` (JSON) and ``…/<kind>.<format>``  cycle documents
``GET /lecture/<read_token>/documents`` (JSON) and ``…/<kind>.<format>``   the same, read-only
=====================================================================  =====================

``kind``: compte-rendu (atelier), synthese, repertoire, charte, feuille-de-route (cycle);
``format``: docx, odt, pdf, html, md, csv. HTML opens in the browser (print-ready), the
other formats download. Templates can call ``document_links(atelier)`` for the same list as
the JSON index.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from facilitator import documents
from facilitator.core import cycles
from facilitator.core.http import login_required
from facilitator.documents import Output, Settings, kinds, storage
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.rendering import FORMATS
from facilitator.rendering.html import style_hash
from facilitator.web import page_data

bp = Blueprint("documents", __name__)

LIBREOFFICE_MISSING = "LibreOffice n'est pas installé sur le serveur : format indisponible."


def _kind(kind_id: str, scope: str) -> kinds.DocumentKind:
    kind = kinds.get(kind_id)
    if kind.scope != scope:
        where = "d'un atelier" if kind.scope == "atelier" else "du cycle"
        raise NotFound(f"Le document « {kind.label} » est un document {where} : lien incorrect.")
    return kind


def _send(output: Output) -> Response:
    fmt = output.format
    response = Response(output.content, content_type=fmt.mimetype)
    # file names are ASCII slugs (common.slug): no quoting issue
    disposition = "inline" if fmt.id == "html" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{output.filename}"'
    if fmt.id == "html":
        # printable in the browser: its own stylesheet, nothing else (no script at all)
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src {style_hash(output.content)}; img-src data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    return response


def _document(kind_id: str, fmt: str, atelier: Atelier | None, cycle_id: int) -> Response:
    if atelier is not None:
        kind = _kind(kind_id, "atelier")
        if not kind.available:
            kind.build(atelier.id)  # raises the kind's French message
        if kind.id == storage.KIND:
            return _send(storage.fetch_compte_rendu(atelier, fmt))
        return _send(documents.compile_document(kind.id, atelier.id, fmt))
    kind = _kind(kind_id, "cycle")
    return _send(documents.compile_document(kind.id, cycle_id, fmt))


def _entries(
    scopes: tuple[str, ...], url: Callable[[kinds.DocumentKind, str], str]
) -> list[dict[str, Any]]:
    """Each kind of these scopes with its formats: URL, availability, French message."""
    soffice = documents.libreoffice_available(Settings.from_app())
    out = []
    for kind in kinds.KINDS.values():
        if kind.scope not in scopes:
            continue
        formats = []
        for fmt in kind.formats():
            missing = kind.available and fmt.libreoffice and not soffice
            formats.append(
                {
                    "format": fmt.id,
                    "label": fmt.label,
                    "url": url(kind, fmt.id),
                    "available": kind.available and not missing,
                    "message": LIBREOFFICE_MISSING if missing else None,
                }
            )
        out.append(
            {
                "kind": kind.id,
                "label": kind.label,
                "scope": kind.scope,
                "available": kind.available,
                "message": None if kind.available else kind.pending,
                "formats": formats,
            }
        )
    return out


def document_links(
    atelier: Mapping[str, Any], read_token: str | None = None
) -> list[dict[str, Any]]:
    """Every document of the atelier and of its cycle, with its download URLs, for an
    animateur (``read_token`` None) or a holder of the read-only link. ``atelier``: the
    page's plain data (``page_data.atelier``)."""
    atelier_id, cycle_id = atelier["id"], atelier["cycle_id"]

    def url(kind: kinds.DocumentKind, fmt: str) -> str:
        if read_token is not None:
            return url_for("documents.read_document", read_token=read_token, kind=kind.id, fmt=fmt)
        if kind.scope == "atelier":
            return url_for(
                "documents.atelier_document", atelier_id=atelier_id, kind=kind.id, fmt=fmt
            )
        return url_for("documents.cycle_document", cycle_id=cycle_id, kind=kind.id, fmt=fmt)

    out = _entries(("atelier", "cycle"), url)
    stored = storage.manifest(atelier_id) if atelier["state"] == "clos" else None
    for entry in out:
        if entry["kind"] == storage.KIND:
            entry["generated_at"] = stored["generated_at"].isoformat() if stored else None
            if read_token is None:
                entry["regenerate_url"] = url_for("documents.regenerate", atelier_id=atelier_id)
    return out


@bp.app_template_global("document_links")
def _document_links_global(
    atelier: Mapping[str, Any], read_token: str | None = None
) -> list[dict[str, Any]]:
    return document_links(atelier, read_token)


def _json_index(entries: list[dict[str, Any]]) -> Response:
    return jsonify(
        {
            "libreoffice": documents.libreoffice_available(Settings.from_app()),
            "formats": {f.id: f.label for f in FORMATS.values()},
            "documents": entries,
        }
    )


# --- animateur -------------------------------------------------------------------------


#: the documents page's two parts (templates/atelier_documents.html)
_GROUPS = (
    ("atelier", "Cet atelier", "Produit à jour à chaque téléchargement ; figé à la clôture."),
    ("cycle", "Le cycle", "Ce que le cycle a produit jusqu'ici, tous ateliers confondus."),
)


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


@bp.get("/animateur/ateliers/<int:atelier_id>/documents")
@login_required
def atelier_index(atelier_id: int) -> ResponseReturnValue:
    """A page for a browser (the console links it), the JSON index otherwise."""
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    data = page_data.atelier(atelier, with_cycle=True)
    links = document_links(data)
    if not _wants_html():
        return _json_index(links)
    groups = [
        {"title": title, "intro": intro, "docs": [d for d in links if d["scope"] == scope]}
        for scope, title, intro in _GROUPS
    ]
    return render_template("atelier_documents.html", atelier=data, groups=groups)


@bp.get("/animateur/ateliers/<int:atelier_id>/documents/<kind>.<fmt>")
@login_required
def atelier_document(atelier_id: int, kind: str, fmt: str) -> Response:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    return _document(kind, fmt, atelier, atelier.cycle_id)


@bp.post("/animateur/ateliers/<int:atelier_id>/documents/compte-rendu/regenerer")
@login_required
def regenerate(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    if atelier.state != "clos":
        message = (
            "L'atelier n'est pas clos : son compte rendu est produit à jour à chaque "
            "téléchargement, il n'y a rien à régénérer."
        )
        if wants_json:
            error = {"code": "not_closed", "message_fr": message}
            return jsonify({"ok": False, "error": error}), 409
        flash(message)
        return redirect(url_for("documents.atelier_index", atelier_id=atelier.id))
    storage.store_compte_rendu(atelier.id)
    message = "Compte rendu régénéré à partir du tableau actuel."
    if wants_json:
        documents_ = document_links(page_data.atelier(atelier))
        return jsonify({"ok": True, "message_fr": message, "documents": documents_})
    flash(message)
    return redirect(url_for("documents.atelier_index", atelier_id=atelier.id))


@bp.get("/animateur/cycles/<int:cycle_id>/documents")
@login_required
def cycle_index(cycle_id: int) -> ResponseReturnValue:
    """A page for a browser (the cycle page links it), the JSON index otherwise."""
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    entries = _entries(
        ("cycle",),
        lambda kind, fmt: url_for(
            "documents.cycle_document", cycle_id=cycle.id, kind=kind.id, fmt=fmt
        ),
    )
    if not _wants_html():
        return _json_index(entries)
    return render_template("cycle_documents.html", cycle=page_data.cycle(cycle), docs=entries)


@bp.get("/animateur/cycles/<int:cycle_id>/documents/<kind>.<fmt>")
@login_required
def cycle_document(cycle_id: int, kind: str, fmt: str) -> Response:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    return _document(kind, fmt, None, cycle.id)


# --- read-only link --------------------------------------------------------------------


def _by_read_token(read_token: str) -> Atelier:
    atelier = db.session.scalar(select(Atelier).where(Atelier.read_token == read_token))
    if atelier is None:
        raise NotFound("Ce lien de lecture n'est pas (ou plus) valide.", code="unknown_link")
    return atelier


@bp.get("/lecture/<read_token>/documents")
def read_index(read_token: str) -> Response:
    atelier = page_data.atelier(_by_read_token(read_token))
    return _json_index(document_links(atelier, read_token))


@bp.get("/lecture/<read_token>/documents/<kind>.<fmt>")
def read_document(read_token: str, kind: str, fmt: str) -> Response:
    atelier = _by_read_token(read_token)
    found = kinds.get(kind)
    return _document(kind, fmt, atelier if found.scope == "atelier" else None, atelier.cycle_id)
