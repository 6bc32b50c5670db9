"""HTTP layer: blueprints, security headers, error pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.routing import IntegerConverter

from facilitator import contract, dblock
from facilitator.errors import DomainError
from facilitator.extensions import db

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

#: the largest id a URL may name: ids are 32-bit everywhere (validation.Id); a larger
#: integer would overflow the database driver (a 500) instead of naming nothing (a 404)
MAX_URL_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a non-negative integer up to ``MAX_URL_ID``, else 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("max", MAX_URL_ID)
        super().__init__(map, *args, **kwargs)


def register_web(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any route is added
    from facilitator.web import (  # noqa: F401  (they add their routes to cycle_life)
        animateur,
        ateliers,
        between,
        blueprints,
        cycle_life,
        deroule,
        documents,
        guide,
        mail_pages,
        organiser,
        people,
        public,
        repertoire_pages,
        restitution,
        team,
    )

    app.register_blueprint(public.bp)
    app.register_blueprint(animateur.bp)
    app.register_blueprint(ateliers.bp)
    app.register_blueprint(deroule.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(team.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(organiser.bp)
    app.register_blueprint(guide.bp)
    app.register_blueprint(blueprints.cycle_life)
    app.register_blueprint(mail_pages.bp)
    for activity in contract.REGISTRY.values():  # the activity types' own pages
        if activity.blueprint is not None:
            app.register_blueprint(activity.blueprint)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    dispatch = app.dispatch_request

    def dispatch_waiting_for_the_lock() -> ResponseReturnValue:
        """A form that writes waits for SQLite's write lock as a live action does
        (``dblock``: run again while nothing of it was committed): the mail worker, the
        live board or a second tab writing at the same instant no longer make it fail."""
        if request.method in ("GET", "HEAD", "OPTIONS"):  # GET never writes
            return dispatch()
        return dblock.run(attempt)

    def attempt() -> ResponseReturnValue:
        """One run of a form; a run again reads its uploaded files from their start (the
        first run read them to their end)."""
        for _name, upload in request.files.items(multi=True):
            upload.stream.seek(0)
        return dispatch()

    app.dispatch_request = dispatch_waiting_for_the_lock  # type: ignore[method-assign]

    @app.errorhandler(OperationalError)
    def database_error(exc: OperationalError) -> tuple[str, int]:
        db.session.rollback()
        if dblock.is_lock_error(exc):  # still locked after DB_LOCK_WAIT_SECONDS
            message = "La base de données est occupée : rien n'a été enregistré. Réessayez."
            return render_template("error.html", message=message), 503
        log.exception("database error")
        message = "Erreur du serveur : rien n'a été enregistré. Réessayez."
        return render_template("error.html", message=message), 500

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> tuple[str, int]:
        db.session.rollback()
        return render_template("error.html", message=exc.message_fr), exc.status

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str, int]:
        message = "Le formulaire a expiré : rechargez la page et recommencez."
        return render_template("error.html", message=message), 400

    @app.errorhandler(404)
    def not_found(exc: Exception) -> tuple[str, int]:
        return render_template("error.html", message="Page introuvable."), 404

    @app.errorhandler(413)
    def too_large(exc: Exception) -> tuple[str, int]:
        return render_template("error.html", message="Envoi trop volumineux."), 413
