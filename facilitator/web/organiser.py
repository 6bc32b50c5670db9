"""The organiser's identity (docs/documents.md, « Identité de l'organisateur »): the
instance's settings page (structure name, address, colour, logo) and a cycle's
co-organisers, printed in every document; the logo, served to pages and documents."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from facilitator.core import cycles, organiser
from facilitator.core.http import login_required
from facilitator.errors import DomainError

bp = Blueprint("organiser", __name__)


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    """``co_organisers_of(cycle_id)`` for the cycle page (names, plain strings)."""
    return {"co_organisers_of": organiser.co_organisers}


def _page(error: str | None = None, form: dict[str, str] | None = None) -> str:
    found = organiser.identity()
    shown = {
        "name": found["name"],
        "address": found["address"],
        "colour": found["colour"],
        **(form or {}),
    }
    return render_template(
        "documents_organiser.html",
        identity=shown,
        has_logo=bool(found["logo"]),
        logo_kind="SVG" if found["logo_type"] == "image/svg+xml" else "PNG",
        max_kb=organiser.logo.MAX_BYTES // 1024,
        error=error,
    )


@bp.get("/animateur/structure")
@login_required
def settings() -> str:
    return _page()


@bp.post("/animateur/structure")
@login_required
def save() -> ResponseReturnValue:
    form = request.form
    upload = request.files.get("logo")
    data = None
    if upload is not None:  # (its spooled file is closed with the request, not here: a
        # form run again while SQLite's write lock is held reads it again, web/__init__.py)
        data = upload.read() if upload.filename else None
    fields = {k: form.get(k, "") for k in ("name", "address", "colour")}
    try:
        organiser.save(
            **fields,
            logo_data=data,
            remove_logo=form.get("remove_logo") == "1",
        )
    except DomainError as exc:  # nothing stored: every field is checked first
        return _page(exc.message_fr, fields), 400
    flash("Identité enregistrée : elle figure désormais en tête des documents.")
    return redirect(url_for("organiser.settings"))


@bp.get("/organisateur/logo")
def logo() -> Response:
    """The logo, public (it is printed on public pages); an SVG is served as an image with
    a policy that runs nothing, even when opened on its own."""
    found = organiser.identity()
    if not found["logo"]:
        abort(404)
    response = Response(found["logo"], mimetype=found["logo_type"])
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/animateur/cycles/<int:cycle_id>/co-organisateurs")
@login_required
def co_organisers(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    names = request.form.get("names", "").splitlines()
    try:
        kept = organiser.set_co_organisers(cycle.id, names)
    except DomainError as exc:
        flash(exc.message_fr)
    else:
        flash("Structures co-organisatrices : " + (", ".join(kept) if kept else "aucune") + ".")
    return redirect(url_for("animateur.cycle", cycle_id=cycle.id) + "#organisation")
