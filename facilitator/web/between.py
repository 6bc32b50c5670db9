"""Between ateliers (docs/cycle-life.md): the participant's cycle page (latest compte
rendu, « ce qui a changé depuis votre dernière visite », steps open for asynchronous
contributions), the board of such a step, and the animateur's page to open or close them."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from facilitator.core import cycles, identity, participants, tokens
from facilitator.core.http import login_required, public_url
from facilitator.cycle_life import async_steps
from facilitator.documents import restitution, storage
from facilitator.errors import DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import Atelier, Cycle, Participant, Step
from facilitator.web import page_data
from facilitator.web.blueprints import cycle_life as bp
from facilitator.web.documents import _send
from facilitator.web.public import _cookie_name, cycle_participant, set_participant_cookie


def _require_me(cycle: Cycle) -> Participant:
    me = cycle_participant(cycle.id)
    if me is None:
        raise Forbidden(
            "Cette page est celle des participants du cycle : ouvrez-la depuis le lien d'un "
            "atelier auquel vous avez participé, ou avec votre lien personnel.",
            code="not_a_participant",
        )
    return me


def _cycle(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        abort(404)
    return cycle


@bp.get("/cycle/<int:cycle_id>")
def participant_cycle(cycle_id: int) -> str:
    """The page reads only; it posts the visit once shown (``record_visit``, static/js/visit.js):
    « ce qui a changé » is measured from the visit before this one."""
    cycle = _cycle(cycle_id)
    me = _require_me(cycle)
    since = async_steps.visit_since(me)
    latest = async_steps.latest_compte_rendu(cycle.id)
    if latest is not None:
        latest["manifest"] = storage.manifest(latest["atelier_id"])
    published = restitution.state(cycle)
    token = request.cookies.get(_cookie_name(cycle.id), "")
    return render_template(
        "cycle_life/participant.html",
        cycle=page_data.cycle(cycle, ateliers=True),
        me=page_data.participant(me),
        since=since,
        changes=async_steps.changes_since(cycle.id, since, me.id),
        latest=latest,
        open_steps=async_steps.async_steps(cycle.id),
        restitution=published if published["published"] else None,
        # None on a device opened by the link of a message (docs/mail.md): no token here
        personal_link=public_url(
            url_for("cycle_life.personal_link", cycle_id=cycle.id, token=token)
        )
        if token
        else None,
        personal_code=identity.personal_code(me),
    )


@bp.post("/cycle/<int:cycle_id>/visite")
def record_visit(cycle_id: int) -> tuple[str, int]:
    """The cycle page, once shown, records the participant's visit (a reload within
    ``async_steps.VISIT_GAP`` is the same visit)."""
    async_steps.record_visit(_require_me(_cycle(cycle_id)))
    return "", 204


@bp.post("/cycle/<int:cycle_id>/code")
def reset_my_code(cycle_id: int) -> Response:
    """« Réinitialiser mon code »: a new personal code; this device keeps access (a new
    secret in its cookie), every other device of the person loses it."""
    cycle = _cycle(cycle_id)
    me = _require_me(cycle)
    code, token = identity.reset_code(me)
    flash(
        f"Votre nouveau code personnel : {code}. Vos autres appareils n'ont plus accès au "
        "cycle en votre nom ; votre ancien lien personnel ne fonctionne plus."
    )
    response = make_response(redirect(url_for("cycle_life.participant_cycle", cycle_id=cycle.id)))
    set_participant_cookie(response, cycle.id, token)
    return response


@bp.get("/cycle/<int:cycle_id>/lien/<token>")
def personal_link(cycle_id: int, token: str) -> Response:
    """The participant's personal link: sets the cookie on another device."""
    cycle = _cycle(cycle_id)
    if participants.participant_by_token(cycle.id, token) is None:
        raise NotFound("Ce lien personnel n'est pas (ou plus) valide.", code="unknown_link")
    response = make_response(redirect(url_for("cycle_life.participant_cycle", cycle_id=cycle.id)))
    set_participant_cookie(response, cycle.id, token)
    return response


@bp.get("/cycle/<int:cycle_id>/compte-rendu/<int:atelier_id>.<fmt>")
def participant_compte_rendu(cycle_id: int, atelier_id: int, fmt: str) -> Response:
    cycle = _cycle(cycle_id)
    _require_me(cycle)
    atelier = db.session.get(Atelier, atelier_id)
    if atelier is None or atelier.cycle_id != cycle.id or atelier.state != "clos":
        raise NotFound("Compte rendu introuvable : l'atelier n'est pas encore clos.")
    if fmt not in storage.AUTO_FORMATS:
        raise NotFound("Format indisponible ici : HTML, DOCX ou Markdown.")
    return _send(storage.fetch_compte_rendu(atelier, fmt))


@bp.get("/cycle/<int:cycle_id>/etapes/<int:step_id>")
def async_board(cycle_id: int, step_id: int) -> str:
    cycle = _cycle(cycle_id)
    me = _require_me(cycle)
    step = _open_step(cycle, step_id)
    return _board_page(
        cycle,
        step,
        me,
        tokens.participant_claims(step.atelier_id, me.id, me.token_hash),
        back_url=url_for("cycle_life.participant_cycle", cycle_id=cycle.id),
        back_label="Page du cycle",
    )


def _open_step(cycle: Cycle, step_id: int) -> Step:
    step = async_steps.step_in_cycle(cycle.id, step_id)
    if step.async_until is None:
        raise NotFound("Cette étape n'est pas ouverte aux contributions entre les ateliers.")
    return step


def _board_page(
    cycle: Cycle,
    step: Step,
    me: Participant | None,
    token: dict[str, object],
    *,
    back_url: str,
    back_label: str,
) -> str:
    """The live board of a step open between ateliers, for a participant or an animateur
    (``token``: what the socket token says of them)."""
    return render_template(
        "cycle_life/async_board.html",
        cycle=page_data.cycle(cycle),
        atelier=page_data.atelier(step.atelier),
        step=async_steps.step_view(step),
        me=page_data.participant(me),
        role=token["r"],
        socket_token=tokens.sign_socket_token(token),
        back_url=back_url,
        back_label=back_label,
    )


# --- animateur ------------------------------------------------------------------------------


@bp.get("/animateur/cycles/<int:cycle_id>/entre-ateliers")
@login_required
def async_admin(cycle_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    return _admin_page(cycle)


@bp.get("/animateur/cycles/<int:cycle_id>/entre-ateliers/<int:step_id>/tableau")
@login_required
def async_board_animateur(cycle_id: int, step_id: int) -> str:
    """The animateur's board of a step open between ateliers: the same live board as the
    participants', with the animateur's rights on an asynchronous step (the console of a
    closed atelier is read-only) — e.g. the charte: phases, clauses, decisions."""
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    step = _open_step(cycle, step_id)
    return _board_page(
        cycle,
        step,
        None,
        {"r": "animateur", "a": step.atelier_id, "u": g.animateur.id},
        back_url=url_for("cycle_life.async_admin", cycle_id=cycle.id) + f"#etape-{step.id}",
        back_label="Entre les ateliers",
    )


def _admin_page(cycle: Cycle, status: int = 200, **extra: object) -> tuple[str, int]:
    groups: list[tuple[dict[str, object], list[dict[str, object]]]] = []
    for step in async_steps.all_steps(cycle.id):
        if not groups or groups[-1][0]["id"] != step["atelier_id"]:
            head = {
                "id": step["atelier_id"],
                "title": step["atelier"],
                "number": step["atelier_number"],
            }
            groups.append((head, []))
        groups[-1][1].append(step)
    page = render_template(
        "cycle_life/async_steps.html",
        cycle=page_data.cycle(cycle),
        groups=groups,
        today=date.today(),
        **extra,
    )
    return page, status


@bp.post("/animateur/cycles/<int:cycle_id>/entre-ateliers/<int:step_id>")
@login_required
def async_set(cycle_id: int, step_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    try:
        step = async_steps.step_in_cycle(cycle.id, step_id)
        if request.form.get("action") == "fermer":
            async_steps.close_async(step)
            flash(f"« {step.title} » est fermée aux contributions.")
        else:
            raw = request.form.get("until", "")
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                raise InvalidInput("Indiquez la date limite (jj/mm/aaaa).") from None
            async_steps.open_async(step, day)
            flash(
                f"« {step.title} » est ouverte aux contributions jusqu'au "
                f"{day.strftime('%d/%m/%Y')} inclus."
            )
    except DomainError as exc:
        db.session.rollback()
        return _admin_page(cycle, exc.status, error=exc.message_fr, error_step=step_id)
    return redirect(url_for("cycle_life.async_admin", cycle_id=cycle.id) + f"#etape-{step_id}")
