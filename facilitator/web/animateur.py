"""Animateur pages: login, cycles, ateliers, the live console and the projection view."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as Redirect

from facilitator.core import accounts, cycles, deroules, events, planning, retention, tokens
from facilitator.core.http import login_required, public_url
from facilitator.cycle_life import portability
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Atelier
from facilitator.models.cycle import MODES
from facilitator.scripts.cycles import list_templates
from facilitator.validation import form_int
from facilitator.web import page_data

bp = Blueprint("animateur", __name__)

#: a browser where an animateur logged in: signed, names the account by a hash
DEVICE_COOKIE = "fac_device"
DEVICE_MAX_AGE = 400 * 24 * 3600


def _throttle() -> accounts.LoginThrottle:
    """Failed logins per account, kept by this process (per app)."""
    return current_app.extensions.setdefault("facilitator.login_throttle", accounts.LoginThrottle())


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def _known_browser(email: str) -> bool:
    """This browser carries the device cookie of a past login to this account."""
    cookie = request.cookies.get(DEVICE_COOKIE, "")
    try:
        return bool(cookie) and _device_serializer().loads(cookie) == tokens.token_hash(email)
    except BadSignature:
        return False


def _recent(times: list[float]) -> list[float]:
    now = time.time()
    return [t for t in times if now - t < accounts.LOGIN_WINDOW]


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("login.html")
    email = request.form.get("email", "").strip().lower()
    by_session = _recent(session.get("failed_logins", []))
    wait = _throttle().wait(email, known_browser=_known_browser(email))
    if len(by_session) >= accounts.LOGIN_ATTEMPTS:
        message = "Trop de tentatives : patientez cinq minutes avant de réessayer."
        return render_template("login.html", error=message, email=email), 429
    if wait:
        message = (
            f"Trop de tentatives sur ce compte : patientez {wait} secondes avant de réessayer "
            "(un navigateur où vous vous êtes déjà connecté n'attend pas)."
        )
        return render_template("login.html", error=message, email=email), 429
    animateur = accounts.authenticate(email, request.form.get("password", ""))
    if animateur is None:
        session["failed_logins"] = [*by_session, time.time()]
        _throttle().failed(email)
        message = "Adresse ou mot de passe incorrect."
        return render_template("login.html", error=message, email=email), 401
    session.clear()
    session["animateur_id"] = animateur.id
    session.permanent = True
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("animateur.dashboard")
    response = redirect(target)
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(tokens.token_hash(animateur.email)),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    session.clear()
    return redirect(url_for("public.home"))


@bp.get("/animateur/")
@login_required
def dashboard() -> str:
    return render_template("dashboard.html", cycles=_cycles())


@bp.post("/animateur/cycles")
@login_required
def create_cycle() -> ResponseReturnValue:
    form = request.form
    try:
        cycle = cycles.create_cycle(
            g.animateur, form.get("title", ""), form.get("theme", ""), form.get("territoire", "")
        )
    except DomainError as exc:
        db.session.rollback()
        page = render_template("dashboard.html", cycles=_cycles(), error=exc.message_fr, form=form)
        return page, 400
    return redirect(url_for("animateur.cycle", cycle_id=cycle.id))


def _cycles() -> list[dict[str, Any]]:
    return [page_data.cycle(c, ateliers=True) for c in cycles.cycles_of(g.animateur)]


def _cycle_page(cycle_id: int, **extra: Any) -> str:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    scripts = deroules.available(g.animateur, current_app.config["SCRIPTS_DIR"])
    return render_template(
        "cycle.html",
        cycle=page_data.cycle(cycle, ateliers=True, structures=True),
        scripts=scripts,
        modes=MODES,
        types=STRUCTURE_TYPES,
        team=[(page_data.animateur(person), role) for person, role in cycles.team(cycle)],
        expiry=retention.expiry(cycle),
        cycle_templates=list_templates(current_app.config["SCRIPTS_DIR"]),
        read_only=not cycles.can_run(g.animateur.id, cycle.id),
        **extra,
    )


def _back_to_cycle(cycle_id: int, message: str | None = None, anchor: str = "") -> Redirect:
    """A form of the cycle page done: its message, back to the page (at ``anchor``)."""
    if message:
        flash(message)
    return redirect(url_for("animateur.cycle", cycle_id=cycle_id) + anchor)


def _refused(cycle_id: int, exc: DomainError, **extra: Any) -> tuple[str, int]:
    """A form of the cycle page refused: nothing kept, the page again with the message."""
    db.session.rollback()
    return _cycle_page(cycle_id, error=exc.message_fr, **extra), 400


@bp.get("/animateur/cycles/<int:cycle_id>")
@login_required
def cycle(cycle_id: int) -> str:
    return _cycle_page(cycle_id)


@bp.post("/animateur/cycles/<int:cycle_id>/ateliers")
@login_required
def add_atelier(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    form = request.form
    scripts = deroules.available(g.animateur, current_app.config["SCRIPTS_DIR"])
    script = scripts.get(form.get("script_id", ""))
    try:
        if script is None:
            raise DomainError("Choisissez un déroulé dans la liste.")
        when = planning.parse_date(form.get("date", ""), future=True)
        atelier = cycles.add_atelier(
            cycle,
            script,
            title=form.get("title") or None,
            when=when,
            mode=form.get("mode", "presentiel"),
            lieu=form.get("lieu", ""),
        )
    except DomainError as exc:
        return _refused(cycle_id, exc, form=form)
    return _back_to_cycle(cycle.id, f"Atelier « {atelier.title} » ajouté.")


@bp.post("/animateur/cycles/<int:cycle_id>/modele")
@login_required
def apply_template(cycle_id: int) -> ResponseReturnValue:
    """Create the ateliers of a cycle template (docs/scripts.md, « Modèles de cycle »)."""
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    form = request.form
    template = list_templates(current_app.config["SCRIPTS_DIR"]).get(form.get("template_id", ""))
    try:
        if template is None:
            raise DomainError("Choisissez un modèle de cycle dans la liste.")
        first = planning.parse_date(form.get("first_date", ""), future=True)
        try:
            weeks = int(form.get("every_weeks") or 4)
        except ValueError:
            raise DomainError("Intervalle invalide : un nombre de semaines.") from None
        created = cycles.apply_template(cycle, template, first=first, every_weeks=weeks)
    except DomainError as exc:
        return _refused(cycle_id, exc)
    return _back_to_cycle(
        cycle.id, f"Modèle « {template.title} » appliqué : {len(created)} atelier(s) créé(s)."
    )


@bp.post("/animateur/cycles/<int:cycle_id>/structures")
@login_required
def add_structure(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    form = request.form
    try:
        with events.transaction():
            cycles.add_structure(
                cycle.id, form.get("name", ""), form.get("type", ""), form.get("territoire", "")
            )
    except DomainError as exc:
        return _refused(cycle_id, exc)
    return _back_to_cycle(cycle.id, anchor="#structures")


@bp.post("/animateur/cycles/<int:cycle_id>/co-animateurs")
@login_required
def invite(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        invited = cycles.invite_co_animateur(cycle, g.animateur, request.form.get("email", ""))
    except DomainError as exc:
        return _refused(cycle_id, exc)
    return _back_to_cycle(cycle.id, f"{invited.name} co-anime désormais ce cycle.", "#equipe")


@bp.get("/animateur/cycles/<int:cycle_id>/export.json")
@login_required
def export_cycle(cycle_id: int) -> Response:
    cycle = cycles.get_cycle_run_by(g.animateur, cycle_id)
    body = json.dumps(portability.export_cycle(cycle.id), ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/json")
    filename = f"cycle-{cycle.id}-{date.today().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/animateur/cycles/<int:cycle_id>/conservation")
@login_required
def set_retention(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    months = request.form.get("months", "")
    try:
        retention.set_retention(cycle, form_int(months))
    except DomainError as exc:
        return _refused(cycle_id, exc)
    message = (
        f"Les données du cycle seront conservées {cycle.retention_months} mois "
        "après le dernier atelier."
    )
    return _back_to_cycle(cycle.id, message, "#donnees")


@bp.post("/animateur/cycles/<int:cycle_id>/supprimer")
@login_required
def delete_cycle(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    retention.require_owner(g.animateur, cycle)
    if request.form.get("confirm_title", "").strip() != cycle.title:
        message = "Pour confirmer, recopiez exactement le titre du cycle."
        return _cycle_page(cycle_id, error=message), 400
    title = cycle.title
    retention.delete_cycle(cycle.id)
    flash(f"Le cycle « {title} » et toutes ses données ont été supprimés.")
    return redirect(url_for("animateur.dashboard"))


def _links(atelier: Atelier) -> dict[str, str]:
    return {
        "participant": public_url(url_for("public.join", link_token=atelier.link_token)),
        "read": public_url(url_for("public.read_only", read_token=atelier.read_token)),
        "qr": url_for("public.qr", link_token=atelier.link_token),
        "join_home": public_url(url_for("public.home")),
    }


def _atelier_page(template: str, atelier: Atelier, token: dict[str, object]) -> str:
    """The console and the projection: the atelier, a socket token, the joining links."""
    return render_template(
        template,
        atelier=page_data.atelier(atelier, with_cycle=True),
        socket_token=tokens.sign_socket_token(token),
        links=_links(atelier),
    )


@bp.get("/animateur/ateliers/<int:atelier_id>")
@login_required
def console(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    if not cycles.can_run(g.animateur.id, atelier.cycle_id):  # an observateur: read-only,
        # with a token of their own (not the shared read link): it ends with their place
        token = {"r": "viewer", "a": atelier.id, "k": atelier.read_token[:12], "u": g.animateur.id}
        return render_template(
            "board.html",
            atelier=page_data.atelier(atelier, with_cycle=True),
            me=None,
            socket_token=tokens.sign_socket_token(token),
        )
    return _atelier_page(
        "console.html", atelier, {"r": "animateur", "a": atelier.id, "u": g.animateur.id}
    )


@bp.get("/animateur/ateliers/<int:atelier_id>/projection")
@login_required
def projection(atelier_id: int) -> str:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    # "u": the wall shows it while its animateur is in the team (they may leave it)
    viewer = {"r": "viewer", "a": atelier.id, "k": atelier.read_token[:12], "u": g.animateur.id}
    return _atelier_page("projection.html", atelier, viewer)


@bp.post("/animateur/ateliers/<int:atelier_id>/liens")
@login_required
def regenerate_links(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    cycles.regenerate_links(atelier)
    flash("Nouveaux lien, code et QR code créés : les anciens ne fonctionnent plus.")
    return redirect(url_for("animateur.console", atelier_id=atelier.id))
