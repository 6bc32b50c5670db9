"""Pages without an account: home, joining an atelier, the participant board, read-only."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable
from typing import Any

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
from flask_limiter import RequestLimit
from limits import parse_many

from facilitator.core import attendance, events, identity, participants, tokens
from facilitator.core.http import public_url
from facilitator.errors import DomainError, InvalidInput
from facilitator.extensions import db, limiter
from facilitator.mail import addresses, codes, links
from facilitator.models import STRUCTURE_TYPES, Atelier, Participant
from facilitator.validation import form_id
from facilitator.web import page_data

bp = Blueprint("public", __name__)

COOKIE_PREFIX = "fac_p"
COOKIE_MAX_AGE = 400 * 24 * 3600


def _cookie_name(cycle_id: int) -> str:
    return f"{COOKIE_PREFIX}{cycle_id}"


def cycle_participant(cycle_id: int) -> Participant | None:
    """The participant of the cycle this browser's cookie names, if any (or the one a
    personal link from a message opened this device for: docs/mail.md)."""
    token = request.cookies.get(_cookie_name(cycle_id))
    found = participants.participant_by_token(cycle_id, token)
    if found is None and not token:
        found = links.participant_from_cookie(
            cycle_id, request.cookies.get(links.cookie_name(cycle_id))
        )
    return found


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


# --- the join code: limits no client state can reset (docs/security.md) ---------------------
#
# Only failed attempts count (an unknown or malformed code). Each limit is a list of
# windows, so that the wait grows: a browser session gets 5 failures a minute, 10 in ten
# minutes, 20 in an hour. Nothing is counted per IP address: a school shares one.

#: per browser session (a random id kept in the signed session cookie; a new session only
#: moves the attacker to the next limits)
CODE_LIMIT_SESSION = "5/minute;10/10 minutes;20/hour"
#: per code tried (one code cannot be hammered)
CODE_LIMIT_CODE = "10/minute;30/hour"
#: everyone together: the budget that bounds guessing (and, once spent, sends everyone to
#: the link or the QR code for the rest of the window)
CODE_LIMIT_GLOBAL = "60/minute;600/hour"


def _failed_code(response: Response) -> bool:
    return response.status_code in (400, 404)


def _session_key() -> str:
    key = session.get("limit_id")
    if not isinstance(key, str):
        key = session["limit_id"] = secrets.token_urlsafe(12)
    return "session:" + key


def _code_key() -> str:
    return "code:" + tokens.normalise_code(request.form.get("code", ""))[:12]


def _too_many_codes(limit: RequestLimit) -> Response:
    everyone = "all" in limit.request_args
    message = (
        "Trop d'essais de code sur ce serveur en ce moment : utilisez le lien ou le QR code "
        "de l'atelier."
        if everyone
        else "Trop d'essais de code : patientez quelques minutes ou utilisez le lien de l'atelier."
    )
    page = render_template("home.html", error=message, code=request.form.get("code", ""))
    return make_response(page, 429)


def _code_limit(value: str, key: Callable[[], str], scope: str) -> Any:
    return limiter.limit(
        value, key_func=key, scope=scope, deduct_when=_failed_code, on_breach=_too_many_codes
    )


@bp.post("/rejoindre")
@_code_limit(CODE_LIMIT_GLOBAL, lambda: "all", "code-global")
@_code_limit(CODE_LIMIT_CODE, _code_key, "code-code")
@_code_limit(CODE_LIMIT_SESSION, _session_key, "code-session")
def join_by_code() -> ResponseReturnValue:
    code = request.form.get("code", "")
    try:
        atelier = participants.atelier_by_code(code)
    except DomainError as exc:
        return render_template("home.html", error=exc.message_fr, code=code), exc.status
    return redirect(url_for("public.join", link_token=atelier.link_token))


@bp.route("/rejoindre/<link_token>", methods=["GET", "POST"])
def join(link_token: str) -> ResponseReturnValue:
    atelier = participants.atelier_by_link(link_token, allow_closed=True)
    me = cycle_participant(atelier.cycle_id)
    if atelier.state == "clos" or atelier.cancelled:
        # an old QR code or link: say so, and where the atelier's productions are now
        return render_template(
            "atelier_closed.html",
            atelier=page_data.atelier(atelier, with_cycle=True),
            member=me is not None,
            cancelled=atelier.cancelled,
        ), 400 if atelier.cancelled else 410
    form = request.form
    if request.method == "GET":
        remote = me is not None and attendance.is_remote(me.id, atelier.id)
        return _join_page(
            atelier,
            # « Où participez-vous ? » shows what they said last time here
            {"participation": "distance"} if remote else {},
            me=me,
            # a cookie of this cycle that names nobody now: its personal code was reset
            forgotten=me is None and bool(request.cookies.get(_cookie_name(atelier.cycle_id))),
        )
    if form.get("continuer") and me is not None:
        try:
            with events.transaction():
                participants.record_attendance(me, atelier, form.get("participation"))
        except DomainError as exc:
            return _join_page(atelier, form, exc.status, me=me, error=exc.message_fr)
        return redirect(url_for("public.board", link_token=link_token))
    structure_id = form.get("structure_id", "")
    # an optional address with consent (docs/mail.md): checked before anyone is created
    email = form.get("email", "").strip() if me is None else ""
    purposes = {p for p in addresses.PURPOSES if form.get(p) == "1"}
    if me is None and not form.get("nouveau"):
        returning = _returning(atelier, form)  # « Êtes-vous déjà venu·e ? » (issue 16)
        if returning is not None:
            return returning
    try:
        if email:
            addresses.normalise(email)
            if not purposes:
                raise InvalidInput("Adresse électronique : cochez ce que vous voulez recevoir.")
        participant, token = participants.join(
            atelier,
            form.get("display_name", ""),
            structure_id=form_id(structure_id),
            new_structure=form.get("new_structure", ""),
            new_structure_type=form.get("new_structure_type", ""),
            existing=me,
            where=form.get("participation"),
        )
    except DomainError as exc:
        db.session.rollback()
        return _join_page(atelier, form, 400, me=me, error=exc.message_fr)
    if email:
        try:
            addresses.set_participant_address(participant, email, purposes)
        except DomainError as exc:  # joined all the same: say what was not kept
            db.session.rollback()
            flash(f"Votre adresse n'a pas été enregistrée : {exc.message_fr}")
    response = make_response(redirect(url_for("public.board", link_token=link_token)))
    if token is not None:
        set_participant_cookie(response, atelier.cycle_id, token)
    flash(f"Bienvenue, {participant.display_name} !")
    return response


#: personal-code attempts, counted on the server (the limiter's storage: Redis when
#: configured) per browser session and per person being claimed, so that no client state
#: resets them (docs/security.md)
PERSONAL_CODE_LIMITS = parse_many("5/5 minutes;20/day")


def _personal_code_allowed(cycle_id: int, claimed: list[int]) -> bool:
    strategy = limiter.limiter
    keys = (
        ("personal-code-session", _session_key()),
        ("personal-code-person", f"{cycle_id}:{','.join(map(str, sorted(claimed)))}"),
    )
    # every limit is tested before any is hit: a refused try costs nothing more
    if not all(strategy.test(lim, *key) for lim in PERSONAL_CODE_LIMITS for key in keys):
        return False
    for lim in PERSONAL_CODE_LIMITS:
        for key in keys:
            strategy.hit(lim, *key)
    return True


def _join_page(
    atelier: Atelier, form: Any, status: int = 200, me: Participant | None = None, **extra: Any
) -> Any:
    """The join form again, with what was typed and what went wrong (``extra``)."""
    page = render_template(
        "join.html",
        atelier=page_data.atelier(atelier, with_cycle=True),
        me=page_data.participant(me),
        types=STRUCTURE_TYPES,
        form=form,
        mail_purposes=addresses.PURPOSES,
        **extra,
    )
    return page, status


def _returning(atelier: Atelier, form: Any) -> ResponseReturnValue | None:
    """A name and structure matching a participant of the cycle: ask « Êtes-vous déjà
    venu·e ? » and accept the proof (their personal code), never the name alone. None: a
    newcomer, joined as usual."""
    raw = form.get("structure_id", "")
    structure_id = form_id(raw)
    name = form.get("display_name", "")
    alikes = identity.look_alikes(atelier.cycle_id, name, structure_id)
    if not alikes:
        return None
    if not form.get("personal_code"):
        return _join_page(atelier, form, returning=True)
    if not _personal_code_allowed(atelier.cycle_id, [p.id for p in alikes]):
        message = "Trop d'essais de code personnel : patientez quelques minutes."
        return _join_page(atelier, form, 429, returning=True, error=message)
    try:
        participant, token = identity.recognise(
            atelier, name, structure_id, form.get("personal_code", ""), form.get("participation")
        )
    except DomainError as exc:
        db.session.rollback()
        return _join_page(atelier, form, 400, returning=True, error=exc.message_fr)
    response = make_response(redirect(url_for("public.board", link_token=atelier.link_token)))
    set_participant_cookie(response, atelier.cycle_id, token)
    flash(f"Bon retour, {participant.display_name} : vous retrouvez vos contributions.")
    return response


#: « Recevoir mon code par e-mail »: per browser session and per address asked for (hashed:
#: no address in the limiter's storage); and per cycle, counting only messages really
#: queued, so that made-up addresses block no one (docs/mail.md)
CODE_MAIL_LIMITS = parse_many("3/10 minutes;10/day")
CODE_MAIL_PER_CYCLE = parse_many("60/hour")
CODE_MAIL_SENT = (
    "Si cette adresse est celle d'une personne de ce cycle qui a accepté nos courriels, "
    "son code personnel vient de lui être envoyé. Le message peut mettre quelques minutes "
    "à arriver : pensez à regarder dans les courriers indésirables."
)


def _code_mail_allowed(email: str) -> bool:
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    checks = [(lim, ("code-mail-session", _session_key())) for lim in CODE_MAIL_LIMITS]
    checks += [(lim, ("code-mail-address", digest)) for lim in CODE_MAIL_LIMITS]
    return _hit_all(checks)


def _code_mail_cycle_allowed(cycle_id: int) -> bool:
    return _hit_all([(lim, ("code-mail-cycle", str(cycle_id))) for lim in CODE_MAIL_PER_CYCLE])


def _hit_all(checks: list[tuple[Any, tuple[str, str]]]) -> bool:
    strategy = limiter.limiter
    if not all(strategy.test(lim, *key) for lim, key in checks):
        return False
    for lim, key in checks:
        strategy.hit(lim, *key)
    return True


@bp.post("/rejoindre/<link_token>/code-par-courriel")
def send_code(link_token: str) -> ResponseReturnValue:
    """« Recevoir mon code par e-mail »: the same answer whether the address is known or
    not (nothing tells a visitor who takes part in the cycle)."""
    atelier = participants.atelier_by_link(link_token)
    form = request.form
    raw = form.get("code_email", "").strip()
    try:
        email = addresses.normalise(raw)
    except DomainError as exc:
        return _join_page(atelier, form, 400, returning=True, code_mail_error=exc.message_fr)
    if not _code_mail_allowed(email):
        message = "Trop de demandes de code par courriel : patientez quelques minutes."
        return _join_page(atelier, form, 429, returning=True, code_mail_error=message)
    try:
        codes.send_code(
            atelier.cycle, email, may_send=lambda: _code_mail_cycle_allowed(atelier.cycle_id)
        )
    except DomainError:
        db.session.rollback()  # said the same way: the visitor learns nothing
    return _join_page(atelier, form, returning=True, code_mail_sent=CODE_MAIL_SENT)


@bp.get("/atelier/<link_token>")
def board(link_token: str) -> ResponseReturnValue:
    atelier = participants.atelier_by_link(link_token, allow_closed=True)
    me = cycle_participant(atelier.cycle_id)
    if me is None:
        return redirect(url_for("public.join", link_token=link_token))
    token = tokens.sign_socket_token(tokens.participant_claims(atelier.id, me.id, me.token_hash))
    return render_template(
        "board.html",
        atelier=page_data.atelier(atelier, with_cycle=True),
        me=page_data.participant(me),
        socket_token=token,
        where={"mode": atelier.mode, "remote": attendance.is_remote(me.id, atelier.id)},
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
