"""Campaigns: the kinds, the animateur's edits, the test to oneself, and queueing (one
outbox row per person, rendered once: the Boîte d'envoi shows exactly what is sent). Who
gets a campaign: ``recipients``; what it says: ``content``."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from facilitator.core import events
from facilitator.cycle_life import repertoire
from facilitator.errors import InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.mail import updates
from facilitator.mail.addresses import header_safe
from facilitator.mail.content import (
    _apply_facts,
    attachments,
    campaign_context,
    message_data,
    preview,
)
from facilitator.mail.models import MailAttachment, MailCampaign, MailContact, MailMessage
from facilitator.mail.recipients import Recipient, absolute, recipients, settings_of
from facilitator.mail.render import Attachment, Rendered, new_message_id, render
from facilitator.models import Animateur, Atelier, Cycle, Structure
from facilitator.models._types import utcnow
from facilitator.rendering import fr

log = logging.getLogger(__name__)

MAX_SUBJECT = 200
MAX_INTRO = 5000


@dataclass(frozen=True)
class Kind:
    label: str
    subject: str
    intro: str
    #: needs an atelier
    atelier: bool = True


KINDS: dict[str, Kind] = {
    "invitation": Kind(
        "Invitation à un atelier",
        "Invitation : {atelier} — {date}",
        "Vous êtes invité·e au prochain atelier du cycle « {cycle} ». Nous comptons sur "
        "votre présence et celle de votre structure.",
    ),
    "rappel": Kind(
        "Rappel avant un atelier",
        "Rappel : {atelier} — {date}",
        "Petit rappel : l'atelier « {atelier} » a lieu le {date}.",
    ),
    "compte_rendu": Kind(
        "Compte rendu (présents et excusés)",
        "Compte rendu : {atelier}",
        "Merci pour votre participation. Voici le compte rendu de l'atelier « {atelier} » "
        "et ce qui a changé dans le cycle.",
    ),
    "rattrapage": Kind(
        "Rattrapage (absents)",
        "Vous n'étiez pas à « {atelier} » : la suite du cycle",
        "Vous n'avez pas pu venir à l'atelier « {atelier} » : vous pouvez encore "
        "contribuer en ligne avant le prochain.",
    ),
    "mise_a_jour": Kind(
        "Atelier modifié : prévenir les invités",
        "Changement : {atelier} — {date}",
        "L'atelier « {atelier} » auquel vous êtes invité·e a changé (date, heure ou lieu) : "
        "voici les informations à jour.",
    ),
    "annulation": Kind(
        "Atelier annulé : prévenir les invités",
        "Annulé : {atelier}",
        "L'atelier « {atelier} » auquel vous étiez invité·e est annulé.",
    ),
    "repertoire": Kind(
        "Mise à jour du répertoire (structures)",
        "Répertoire des acteurs : mettez à jour votre fiche",
        "Le répertoire des acteurs du cycle « {cycle} » se construit avec vous : vérifiez "
        "et complétez la fiche de votre structure.",
        atelier=False,
    ),
    "digest": Kind(
        "Résumé pour les animateurs",
        "Entre les ateliers : les contributions du cycle « {cycle} »",
        "Voici ce que les participants ont fait entre les ateliers.",
        atelier=False,
    ),
}


# --- campaigns ------------------------------------------------------------------------------


def campaign_in_cycle(cycle_id: int, campaign_id: int) -> MailCampaign:
    campaign = db.session.get(MailCampaign, campaign_id)
    if campaign is None or campaign.cycle_id != cycle_id:
        raise NotFound("Campagne introuvable dans ce cycle.")
    return campaign


def _format(text: str, cycle: Cycle, atelier: Atelier | None) -> str:
    if atelier is not None and atelier.date is None:
        # no date yet: the texts do not say « date à préciser »
        text = text.replace(" — {date}", "").replace(" a lieu le {date}", " approche")
    return text.format(
        cycle=cycle.title,
        atelier=atelier.title if atelier else "",
        date=fr.date_long(atelier.date) if atelier else "",
    )


def create(
    cycle: Cycle, kind: str, atelier_id: int | None, animateur: Animateur | None, *, key: str = ""
) -> MailCampaign:
    spec = KINDS.get(kind)
    if spec is None:
        raise InvalidInput("Type de courriel inconnu.")
    atelier = None
    if spec.atelier:
        atelier = db.session.get(Atelier, atelier_id) if atelier_id else None
        if atelier is None or atelier.cycle_id != cycle.id:
            raise InvalidInput("Choisissez l'atelier concerné.")
        if kind in ("compte_rendu", "rattrapage") and atelier.state != "clos":
            raise InvalidInput("Cet atelier n'est pas encore clos : pas de compte rendu à envoyer.")
        if kind in updates.KINDS:
            existing = updates.check(atelier, kind)
            if existing is not None:  # a draft for this very change: open it again
                return existing
            key = updates.key(atelier, kind)
    try:
        with events.transaction(keep_loaded=True):
            campaign = MailCampaign(
                cycle_id=cycle.id,
                atelier_id=atelier.id if atelier else None,
                kind=kind,
                key=key or f"{kind}-{secrets.token_hex(6)}",
                subject=_format(spec.subject, cycle, atelier)[:MAX_SUBJECT],
                intro=_format(spec.intro, cycle, atelier),
                created_by=animateur.id if animateur else None,
                data={},
            )
            db.session.add(campaign)
    except IntegrityError:
        if atelier is None or kind not in updates.KINDS:
            raise
        # two animateurs prepared the same update at once: both get the one draft
        existing = updates.check(atelier, kind)
        if existing is None:
            raise
        return existing
    return campaign


def edit(campaign: MailCampaign, subject: str, intro: str) -> None:
    if campaign.status != "draft":
        raise InvalidInput("Cette campagne est déjà partie : elle ne se modifie plus.")
    subject = header_safe(subject.strip(), "Objet")
    if not subject:
        raise InvalidInput("L'objet ne peut pas être vide.")
    if len(subject) > MAX_SUBJECT or len(intro) > MAX_INTRO:
        raise InvalidInput(f"Objet : {MAX_SUBJECT} caractères au plus ; texte : {MAX_INTRO}.")
    with events.transaction(keep_loaded=True):
        campaign.subject = subject
        campaign.intro = intro.replace("\r\n", "\n").strip()


def set_reminder_days(cycle_id: int, raw: str) -> list[int]:
    try:
        days = sorted({int(p) for p in raw.replace(";", ",").split(",") if p.strip()}, reverse=True)
    except ValueError:
        raise InvalidInput(
            "Rappels : des nombres de jours séparés par des virgules (ex. 7, 1)."
        ) from None
    if any(d < 1 or d > 60 for d in days) or len(days) > 5:
        raise InvalidInput("Rappels : au plus 5, chacun entre 1 et 60 jours avant l'atelier.")
    with events.transaction():
        row = settings_of(cycle_id)
        row.reminder_days = days
        db.session.add(row)
    return days


# --- queueing -------------------------------------------------------------------------------


def _mail_from() -> str:
    return str(current_app.config.get("MAIL_FROM") or "ne-pas-repondre@facilitator.invalid")


def _row(campaign: MailCampaign, r: Recipient, rendered: Rendered, *, local: bool) -> MailMessage:
    headers = {}
    if r.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{r.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return MailMessage(
        campaign_id=campaign.id,
        cycle_id=campaign.cycle_id,
        recipient_key=r.key,
        contact_id=r.contact_id,
        structure_id=r.structure_id,
        animateur_id=r.animateur_id,
        to_addr=header_safe(r.email, "Adresse"),
        to_name=header_safe(r.name, "Nom du destinataire")[:120],
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        headers=headers,
        status="local" if local else "pending",
        next_attempt_at=utcnow(),
        message_id=new_message_id(_mail_from()),
    )


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


GONE = "Cette campagne est déjà partie."


def _claim(campaign: MailCampaign) -> None:
    """First statement of the queueing transaction: draft → queued, only if it still is a
    draft. Two « Envoyer » at once (two animateurs, a double click): the second waits for
    the first's row lock, finds it queued and is told so, instead of colliding with the
    first's messages on their unique key."""
    claimed = db.session.execute(
        update(MailCampaign)
        .where(MailCampaign.id == campaign.id, MailCampaign.status == "draft")
        .values(status="queued")
        .returning(MailCampaign.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        raise InvalidInput(
            GONE + " Un autre envoi vient de la faire partir : rien n'est envoyé deux fois."
        )


def queue(campaign: MailCampaign) -> int:
    """Put one message per recipient in the outbox, in one transaction: a campaign goes
    out whole or not at all; a person already in it is skipped (unique key). Without
    SMTP_URL the messages are kept for the Boîte d'envoi only."""
    if campaign.status != "draft":
        raise InvalidInput(GONE)
    header_safe(campaign.subject, "Objet")
    if campaign.kind == "repertoire":  # fresh self-update links (the previous ones stop)
        update_links = {
            s.id: absolute("cycle_life.repertoire_self", token=repertoire.new_update_link(s))
            for s in db.session.scalars(
                select(Structure).where(
                    Structure.id.in_([int(r.key[1:]) for r in recipients(campaign)])
                )
            )
        }
    people = recipients(campaign)
    ctx = campaign_context(campaign)
    files, facts = attachments(campaign)
    _apply_facts(ctx, facts)
    local = not smtp_configured()
    now = utcnow()
    with events.transaction(keep_loaded=True):
        _claim(campaign)
        _store_files(campaign.id, files)
        for r in people:
            if r.structure_id is not None:
                r.personal_url = update_links[r.structure_id]
                r.extra["repertoire_url"] = r.personal_url
                r.personal_url = ""
            db.session.add(_row(campaign, r, render(message_data(campaign, ctx, r)), local=local))
            if r.consent_ask and r.contact_id is not None:
                contact = db.session.get(MailContact, r.contact_id)
                if contact is not None:
                    contact.first_invitation_at = now
        campaign.status = "queued"
        campaign.queued_at = now
        updates.remember_sequence(campaign)
    log.info(
        "campaign %s queued: %s messages (%s)",
        campaign.id,
        len(people),
        "local" if local else "smtp",
    )
    return len(people)


def send_test(campaign: MailCampaign, animateur: Animateur) -> MailMessage:
    """The message as the first recipient reads it, sent to the animateur themself
    (subject prefixed with [TEST]); the same outbox, the same worker."""
    rendered, _count, files = preview(campaign)
    me = Recipient(key=f"t{secrets.token_hex(8)}", email=animateur.email, name=animateur.name)
    test = Rendered("[TEST] " + rendered.subject, rendered.text, rendered.html)
    with events.transaction(keep_loaded=True):
        row = _row(campaign, me, test, local=not smtp_configured())
        row.animateur_id = animateur.id
        db.session.add(row)
        if campaign.status == "draft":  # the files go with the test (replaced at queueing)
            _store_files(campaign.id, files)
        db.session.flush()
    return row


def _store_files(campaign_id: int, files: list[Attachment]) -> None:
    db.session.execute(delete(MailAttachment).where(MailAttachment.campaign_id == campaign_id))
    for item in files:
        db.session.add(
            MailAttachment(
                campaign_id=campaign_id,
                filename=header_safe(item.filename, "Pièce jointe"),
                mime_type=item.mime_type,
                content=item.data,
            )
        )


#: what the pages and the worker use from the modules this one composes
__all__ = [
    "KINDS",
    "campaign_in_cycle",
    "create",
    "edit",
    "preview",
    "queue",
    "recipients",
    "send_test",
    "set_reminder_days",
    "settings_of",
    "smtp_configured",
]
