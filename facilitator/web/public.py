"""Pages without an account: home, joining an atelier, the participant board, read-only."""

from __future__ import annotations

import io
import time

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from facilitator.core import events, participants, tokens
from facilitator.core.http import public_url
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Atelier, Participant
from facilitator.web import page_data

bp = Blueprint("public", __name__)

COOKIE_PREFIX = "fac_p"
COOKIE_MAX_AGE = 400 * 24 * 3600
#: join-code attempts per browser session in ``CODE_WINDOW`` seconds
CODE_ATTEMPTS = 10
CODE_WINDOW = 300


def _cookie_name(cycle_id: int) -> str:
    return f"{COOKIE_PREFIX}{cycle_id}"


def cycle_participant(cycle_id: int) -> Participant | None:
    """The participant of the cycle this browser's cookie names, if any."""
    token = request.cookies.get(_cookie_name(cycle_id))
    return participants.participant_by_token(cycle_id, token)


def set_participant_cookie(response: Response, cycle_id: int, token: str) -> None:
    """Remember on this browser who the participant of the cycle is."""
    response.set_cookie(
        _cookie_name(cycle_id),
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.get("/")
def home() -> str:
    return render_template("home.html")


def _code_attempt_allowed() -> bool:
    now = time.time()
    recent = [t for t in session.get("code_attempts", []) if now - t < CODE_WINDOW]
    allowed = len(recent) < CODE_ATTEMPTS
    if allowed:
        recent.append(now)
    session["code_attempts"] = recent
    return allowed


@bp.post("/rejoindre")
def join_by_code() -> ResponseReturnValue:
    code = request.form.get("code", "")
    if not _code_attempt_allowed():
        message = "Trop d'essais de code : patientez cinq minutes ou utilisez le lien de l'atelier."
        return render_template("home.html", error=message, code=code), 429
    try:
        atelier = participants.atelier_by_code(code)
    except DomainError as exc:
        return render_template("home.html", error=exc.message_fr, code=code), exc.status
    return redirect(url_for("public.join", link_token=atelier.link_token))


@bp.route("/rejoindre/<link_token>", methods=["GET", "POST"])
def join(link_token: str) -> ResponseReturnValue:
    atelier = participants.atelier_by_link(link_token, allow_closed=True)
    me = cycle_participant(atelier.cycle_id)
    if atelier.state == "clos":
        # an old QR code or link: say so, and where the atelier's productions are now
        return render_template(
            "atelier_closed.html",
            atelier=page_data.atelier(atelier, with_cycle=True),
            member=me is not None,
        ), 410
    form = request.form
    if request.method == "GET":
        return render_template(
            "join.html",
            atelier=page_data.atelier(atelier, with_cycle=True),
            me=page_data.participant(me),
            types=STRUCTURE_TYPES,
            form={},
        )
    if form.get("continuer") and me is not None:
        with events.transaction():
            participants.record_attendance(me, atelier)
        return redirect(url_for("public.board", link_token=link_token))
    structure_id = form.get("structure_id", "")
    try:
        participant, token = participants.join(
            atelier,
            form.get("display_name", ""),
            structure_id=int(structure_id) if structure_id.isdigit() else None,
            new_structure=form.get("new_structure", ""),
            new_structure_type=form.get("new_structure_type", ""),
            existing=me,
        )
    except DomainError as exc:
        db.session.rollback()
        return (
            render_template(
                "join.html",
                atelier=page_data.atelier(atelier, with_cycle=True),
                me=page_data.participant(me),
                types=STRUCTURE_TYPES,
                form=form,
                error=exc.message_fr,
            ),
            400,
        )
    response = make_response(redirect(url_for("public.board", link_token=link_token)))
    if token is not None:
        set_participant_cookie(response, atelier.cycle_id, token)
    flash(f"Bienvenue, {participant.display_name} !")
    return response


@bp.get("/atelier/<link_token>")
def board(link_token: str) -> ResponseReturnValue:
    atelier = participants.atelier_by_link(link_token, allow_closed=True)
    me = cycle_participant(atelier.cycle_id)
    if me is None:
        return redirect(url_for("public.join", link_token=link_token))
    token = tokens.sign_socket_token({"r": "participant", "a": atelier.id, "p": me.id})
    return render_template(
        "board.html",
        atelier=page_data.atelier(atelier, with_cycle=True),
        me=page_data.participant(me),
        socket_token=token,
    )


@bp.get("/lecture/<read_token>")
def read_only(read_token: str) -> str:
    atelier = db.session.query(Atelier).filter_by(read_token=read_token).one_or_none()
    if atelier is None:
        abort(404)
    token = tokens.sign_socket_token({"r": "viewer", "a": atelier.id, "k": read_token[:12]})
    return render_template(
        "board.html",
        atelier=page_data.atelier(atelier, with_cycle=True),
        me=None,
        socket_token=token,
        read_token=read_token,
    )


@bp.get("/confidentialite")
def privacy() -> str:
    return render_template("privacy.html")


@bp.get("/qr/<link_token>.svg")
def qr(link_token: str) -> Response:
    atelier = participants.atelier_by_link(link_token)
    url = public_url(url_for("public.join", link_token=atelier.link_token))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, title="QR code")
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response
