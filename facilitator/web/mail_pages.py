"""The animateur's mail pages (docs/mail.md): campaigns (compose, edit, preview, test to
oneself, send), the « Boîte d'envoi » (every message as sent, its status, per person),
the cycle's addresses with their consent and bounces, the invitees' CSV import."""

from __future__ import annotations

import re

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from facilitator import dblock
from facilitator.core import cycles
from facilitator.core.http import login_required
from facilitator.errors import DomainError, NotFound
from facilitator.extensions import db
from facilitator.mail import addresses, codes, compose, outbox, updates
from facilitator.mail.models import MailAttachment, MailCampaign, MailContact, MailMessage
from facilitator.models import Cycle
from facilitator.validation import form_id
from facilitator.web import page_data
from facilitator.web.mail_public import bp, html_response

#: secrets of the personal, unsubscribe and self-update links, masked in what the
#: animateur reads (the person's link is theirs alone)
_SECRET_LINK = re.compile(r"(/courriel/(?:structure/|animateur/)?|/repertoire/fiche/)[\w.\-]{16,}")


#: a participant's personal code (issue 16), in the text and in the HTML of a message
_PERSONAL_CODE = re.compile(r"(Votre code personnel : |class=\"personal-code\"[^>]*>)[^\s<]+")


def mask(text: str) -> str:
    return _PERSONAL_CODE.sub(r"\1••••••", _SECRET_LINK.sub(r"\1••••••", text))


def _cycle(cycle_id: int) -> Cycle:
    return cycles.get_cycle_run_by(g.animateur, cycle_id)


def _campaign_view(c: MailCampaign) -> dict[str, object]:
    return {
        "id": c.id,
        "kind": c.kind,
        "kind_label": compose.KINDS[c.kind].label
        if c.kind in compose.KINDS
        else codes.LABEL
        if c.kind == codes.KIND
        else c.kind,
        "subject": c.subject,
        "status": c.status,
        "created_at": c.created_at,
        "queued_at": c.queued_at,
        "counts": outbox.campaign_counts(c.id),
    }


@bp.get("/animateur/cycles/<int:cycle_id>/courriels")
@login_required
def index(cycle_id: int, status: int = 200, **extra: object) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    campaigns = db.session.scalars(
        select(MailCampaign)
        .where(MailCampaign.cycle_id == cycle.id)
        .order_by(MailCampaign.created_at.desc())
    ).all()
    page = render_template(
        "mail/index.html",
        cycle=page_data.cycle(cycle, ateliers=True),
        campaigns=[_campaign_view(c) for c in campaigns],
        kinds={k: v.label for k, v in compose.KINDS.items()},
        contacts=addresses.contacts(cycle.id),
        counts=outbox.counts(cycle.id),
        reminder_days=", ".join(str(d) for d in compose.settings_of(cycle.id).reminder_days),
        smtp=compose.smtp_configured(),
        updates_due=updates.due(cycle.id),
        **extra,
    )
    return page, status


@bp.post("/animateur/cycles/<int:cycle_id>/courriels/campagnes")
@login_required
def create(cycle_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    raw = request.form.get("atelier_id", "")
    try:
        campaign = compose.create(cycle, request.form.get("kind", ""), form_id(raw), g.animateur)
    except DomainError as exc:
        db.session.rollback()
        return index(cycle.id, status=exc.status, error=exc.message_fr)
    return redirect(url_for("mail.campaign", cycle_id=cycle.id, campaign_id=campaign.id))


def _campaign_page(
    cycle: Cycle, campaign: MailCampaign, status: int = 200, **extra: object
) -> tuple[str, int]:
    rendered, count, files = compose.preview(campaign)
    sent = db.session.scalars(
        select(MailMessage).where(MailMessage.campaign_id == campaign.id).order_by(MailMessage.id)
    ).all()
    page = render_template(
        "mail/campaign.html",
        cycle=page_data.cycle(cycle),
        campaign=_campaign_view(campaign),
        intro=campaign.intro,
        preview_text=rendered.text,
        recipients=count,
        files=[{"filename": f.filename, "size": len(f.data)} for f in files],
        messages=[outbox.message_view(m) for m in sent],
        smtp=compose.smtp_configured(),
        **extra,
    )
    return page, status


@bp.get("/animateur/cycles/<int:cycle_id>/courriels/campagnes/<int:campaign_id>")
@login_required
def campaign(cycle_id: int, campaign_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    return _campaign_page(cycle, compose.campaign_in_cycle(cycle.id, campaign_id))


@bp.get("/animateur/cycles/<int:cycle_id>/courriels/campagnes/<int:campaign_id>/apercu.html")
@login_required
def campaign_preview(cycle_id: int, campaign_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    rendered, _count, _files = compose.preview(compose.campaign_in_cycle(cycle.id, campaign_id))
    return html_response(rendered.html)


@bp.post("/animateur/cycles/<int:cycle_id>/courriels/campagnes/<int:campaign_id>")
@login_required
def campaign_action(cycle_id: int, campaign_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    campaign = compose.campaign_in_cycle(cycle.id, campaign_id)
    action = request.form.get("action", "")
    try:
        if action in ("enregistrer", "test", "envoyer") and campaign.status == "draft":
            compose.edit(campaign, request.form.get("subject", ""), request.form.get("intro", ""))
        if action == "test":
            compose.send_test(campaign, g.animateur)
            flash(f"Message de test envoyé à {g.animateur.email}.")
        elif action == "envoyer":
            n = dblock.run(compose.queue, campaign)  # its own transaction, after the edit's
            flash(f"Campagne envoyée : {n} message(s) dans la boîte d'envoi.")
        else:
            flash("Texte enregistré.")
    except DomainError as exc:
        db.session.rollback()
        campaign = compose.campaign_in_cycle(cycle.id, campaign_id)
        return _campaign_page(cycle, campaign, exc.status, error=exc.message_fr)
    return redirect(url_for("mail.campaign", cycle_id=cycle.id, campaign_id=campaign.id))


@bp.post("/animateur/cycles/<int:cycle_id>/courriels/reglages")
@login_required
def settings(cycle_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    try:
        days = compose.set_reminder_days(cycle.id, request.form.get("reminder_days", ""))
    except DomainError as exc:
        db.session.rollback()
        return index(cycle.id, status=exc.status, error=exc.message_fr)
    flash("Rappels : " + (", ".join(f"J-{d}" for d in days) or "aucun") + ".")
    return redirect(url_for("mail.index", cycle_id=cycle.id) + "#reglages")


@bp.post("/animateur/cycles/<int:cycle_id>/courriels/adresses/<int:contact_id>/supprimer")
@login_required
def erase_contact(cycle_id: int, contact_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    contact = db.session.get(MailContact, contact_id)
    if contact is None or contact.cycle_id != cycle.id:
        raise NotFound("Adresse introuvable dans ce cycle.")
    addresses.erase(contact)
    flash("Adresse supprimée, avec ses messages.")
    return redirect(url_for("mail.index", cycle_id=cycle.id) + "#adresses")


# --- the Boîte d'envoi ----------------------------------------------------------------------


@bp.get("/animateur/cycles/<int:cycle_id>/courriels/boite")
@login_required
def outbox_page(cycle_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    return render_template(
        "mail/outbox.html",
        cycle=page_data.cycle(cycle),
        messages=outbox.messages(cycle.id),
        counts=outbox.counts(cycle.id),
        labels=outbox.STATUS_LABELS,
        smtp=compose.smtp_configured(),
    )


def _message(cycle: Cycle, message_id: int) -> MailMessage:
    message = db.session.get(MailMessage, message_id)
    if message is None or message.cycle_id != cycle.id:
        raise NotFound("Message introuvable dans ce cycle.")
    return message


@bp.get("/animateur/cycles/<int:cycle_id>/courriels/boite/<int:message_id>")
@login_required
def outbox_message(cycle_id: int, message_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    message = _message(cycle, message_id)
    files = db.session.execute(
        select(MailAttachment.filename, MailAttachment.content).where(
            MailAttachment.campaign_id == message.campaign_id
        )
    ).all()
    return render_template(
        "mail/message.html",
        cycle=page_data.cycle(cycle),
        message=outbox.message_view(message),
        headers={k: mask(v) for k, v in (message.headers or {}).items()},
        text=mask(message.body_text),
        files=[{"filename": name, "size": len(content)} for name, content in files],
    )


@bp.get("/animateur/cycles/<int:cycle_id>/courriels/boite/<int:message_id>/contenu.html")
@login_required
def outbox_message_html(cycle_id: int, message_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    return html_response(mask(_message(cycle, message_id).body_html))


@bp.post("/animateur/cycles/<int:cycle_id>/courriels/boite/<int:message_id>/renvoyer")
@login_required
def outbox_resend(cycle_id: int, message_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    outbox.resend(_message(cycle, message_id))
    flash("Le message repart au prochain passage du service d'envoi.")
    return redirect(url_for("mail.outbox_message", cycle_id=cycle.id, message_id=message_id))


# --- importing invitees ---------------------------------------------------------------------


@bp.route("/animateur/cycles/<int:cycle_id>/courriels/import", methods=["GET", "POST"])
@login_required
def import_page(cycle_id: int) -> ResponseReturnValue:
    cycle = _cycle(cycle_id)
    if request.method == "GET":
        return render_template("mail/import.html", cycle=page_data.cycle(cycle), report=None)
    upload = request.files.get("fichier")
    raw = upload.read() if upload else b""
    try:
        report = addresses.import_invitees(
            cycle.id, raw, skip_errors=request.form.get("ignorer") == "1"
        )
    except DomainError as exc:
        db.session.rollback()
        page = render_template(
            "mail/import.html", cycle=page_data.cycle(cycle), report=None, error=exc.message_fr
        )
        return page, exc.status
    if report.errors and request.form.get("ignorer") != "1":
        page = render_template(
            "mail/import.html", cycle=page_data.cycle(cycle), report=report, imported=False
        )
        return page, 400
    flash(
        f"{len(report.valid)} invité·e(s) importé·e(s)"
        + (f", {len(report.errors)} ligne(s) ignorée(s)" if report.errors else "")
        + (f", {report.duplicates} doublon(s) écarté(s)" if report.duplicates else "")
        + ". Ils recevront la prochaine invitation, qui leur demandera leur accord."
    )
    return redirect(url_for("mail.index", cycle_id=cycle.id) + "#adresses")


__all__ = ["bp"]
