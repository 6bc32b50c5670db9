"""The pages a message leads to (docs/mail.md): the person's own link, their choice of
messages, one-click unsubscribe (also RFC 8058's POST from the mail client), and the
participant's address on their cycle page. GET never writes."""

from __future__ import annotations

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
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from facilitator.core import events
from facilitator.cycle_life import repertoire
from facilitator.errors import DomainError, Forbidden, NotFound
from facilitator.extensions import csrf, db
from facilitator.mail import addresses, compose, links
from facilitator.models import Cycle, Structure, StructureProfile
from facilitator.web import page_data
from facilitator.web.public import cycle_participant

bp = Blueprint("mail", __name__)


def _cycle(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        abort(404)
    return cycle


def _purposes() -> set[str]:
    return {p for p in addresses.PURPOSES if request.form.get(p) == "1"}


@bp.get("/courriel/<token>")
def personal(token: str) -> ResponseReturnValue:
    """The person's own link: a participant's device is opened to their cycle page; an
    invitee sees their choice of messages."""
    contact = links.contact_by_token(token)
    if contact.participant_id is None:
        return redirect(url_for("mail.contact_page", token=token))
    if links.opens_device(token) is None:
        flash(
            "Ce lien n'ouvre plus votre espace : votre code personnel a été réinitialisé "
            "depuis l'envoi de ce courriel. Rejoignez l'atelier avec votre nom et votre "
            "nouveau code ; vos choix de courriels restent modifiables ici."
        )
        return redirect(url_for("mail.contact_page", token=token))
    response = make_response(
        redirect(url_for("cycle_life.participant_cycle", cycle_id=contact.cycle_id))
    )
    response.set_cookie(
        links.cookie_name(contact.cycle_id),
        token,
        max_age=links.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _contact_page(token: str, status: int = 200, **extra: object) -> tuple[str, int]:
    contact = links.contact_by_token(token)
    cycle = _cycle(contact.cycle_id)
    page = render_template(
        "mail/contact.html",
        cycle=page_data.cycle(cycle),
        contact=addresses.contact_view(contact),
        purposes=addresses.PURPOSES,
        token=token,
        **extra,
    )
    return page, status


@bp.route("/courriel/<token>/choix", methods=["GET", "POST"])
def contact_page(token: str) -> ResponseReturnValue:
    if request.method == "GET":
        return _contact_page(token)
    contact = links.contact_by_token(token)
    addresses.set_consents(contact, _purposes())
    flash("Vos choix sont enregistrés.")
    return redirect(url_for("mail.contact_page", token=token))


def _unsubscribe_page(what: str, done: bool, action: str) -> str:
    return render_template("mail/unsubscribe.html", what=what, done=done, action=action)


@bp.route("/courriel/<token>/desinscription", methods=["GET", "POST"])
@csrf.exempt  # the signed link is the credential; mail clients POST here (RFC 8058)
def unsubscribe(token: str) -> ResponseReturnValue:
    contact = links.contact_by_token(token)
    what = f"les courriels du cycle à l'adresse {contact.email}"
    if request.method == "POST":
        addresses.unsubscribe(contact)
    return _unsubscribe_page(what, request.method == "POST", request.path)


@bp.route("/courriel/structure/<token>/desinscription", methods=["GET", "POST"])
@csrf.exempt  # as above
def unsubscribe_structure(token: str) -> ResponseReturnValue:
    data = links.read("structure", token)
    structure = (
        db.session.get(Structure, data["i"]) if data and isinstance(data.get("i"), int) else None
    )
    profile = (
        db.session.scalar(
            select(StructureProfile).where(StructureProfile.structure_id == structure.id)
        )
        if structure
        else None
    )
    stamp = (
        profile.contact_consent_at.isoformat() if profile and profile.contact_consent_at else None
    )
    if structure is None or profile is None or data is None or data.get("t") != stamp:
        raise NotFound("Ce lien n'est pas (ou plus) valide : le contact a déjà été retiré.")
    what = (
        f"les courriels du répertoire pour « {structure.name} » "
        "(le contact sera retiré de la fiche)"
    )
    if request.method == "POST":
        with events.transaction():
            repertoire.withdraw_consent(profile)
    return _unsubscribe_page(what, request.method == "POST", request.path)


@bp.route("/courriel/animateur/<token>/desinscription", methods=["GET", "POST"])
@csrf.exempt  # as above
def unsubscribe_animateur(token: str) -> ResponseReturnValue:
    data = links.read("animateur", token)
    if not data or not isinstance(data.get("c"), int) or not isinstance(data.get("i"), int):
        raise NotFound("Ce lien n'est pas valide.")
    cycle = _cycle(data["c"])
    what = f"le résumé des contributions du cycle « {cycle.title} »"
    if request.method == "POST":
        with events.transaction():
            row = compose.settings_of(cycle.id)
            row.digest_off = sorted({*row.digest_off, data["i"]})
            db.session.add(row)
    return _unsubscribe_page(what, request.method == "POST", request.path)


# --- the participant's own address ----------------------------------------------------------


def _participant_page(cycle: Cycle, status: int = 200, **extra: object) -> tuple[str, int]:
    me = cycle_participant(cycle.id)
    if me is None:
        raise Forbidden(
            "Cette page est celle des participants du cycle : ouvrez-la depuis la page du "
            "cycle ou votre lien personnel.",
            code="not_a_participant",
        )
    page = render_template(
        "mail/participant.html",
        cycle=page_data.cycle(cycle),
        me=page_data.participant(me),
        contact=addresses.contact_view(addresses.contact_of(me)),
        purposes=addresses.PURPOSES,
        **extra,
    )
    return page, status


@bp.route("/cycle/<int:cycle_id>/courriels", methods=["GET", "POST"])
def participant_mail(cycle_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    if request.method == "GET":
        return _participant_page(cycle)
    me = cycle_participant(cycle.id)
    if me is None:
        return _participant_page(cycle)  # raises the French refusal
    if request.form.get("action") == "retirer":
        contact = addresses.contact_of(me)
        if contact is not None:
            addresses.erase(contact)
        flash("Votre adresse est supprimée : vous ne recevrez plus aucun courriel du cycle.")
        return redirect(url_for("mail.participant_mail", cycle_id=cycle.id))
    try:
        addresses.set_participant_address(me, request.form.get("email", ""), _purposes())
    except DomainError as exc:
        db.session.rollback()
        return _participant_page(
            cycle, exc.status, error=exc.message_fr, form=request.form.to_dict()
        )
    flash("Votre adresse et vos choix sont enregistrés.")
    return redirect(url_for("mail.participant_mail", cycle_id=cycle.id))


def html_response(body: str) -> Response:
    """A message's HTML, shown in a sandboxed frame of our own pages only."""
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'self'; sandbox"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
