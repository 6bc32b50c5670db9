"""Campaigns: what each kind says and to whom, the animateur's edits, the preview, the
test to oneself, and queueing (one outbox row per person, rendered once: the Boîte
d'envoi shows exactly what is sent)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from sqlalchemy import and_, delete, or_, select

from facilitator.core import events
from facilitator.core.http import public_url
from facilitator.cycle_life import async_steps, repertoire
from facilitator.documents import storage
from facilitator.errors import DomainError, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.mail import links
from facilitator.mail.addresses import header_safe
from facilitator.mail.models import (
    MailAttachment,
    MailCampaign,
    MailContact,
    MailCycleSettings,
    MailMessage,
)
from facilitator.mail.render import Attachment, Rendered, new_message_id, render
from facilitator.models import (
    Animateur,
    Atelier,
    Attendance,
    Cycle,
    CycleAnimateur,
    Structure,
    StructureProfile,
)
from facilitator.models._types import utcnow
from facilitator.rendering import fr

log = logging.getLogger(__name__)

MAX_SUBJECT = 200
MAX_INTRO = 5000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MODES = {"presentiel": "présentiel", "distanciel": "distanciel", "hybride": "hybride"}


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


@dataclass
class Recipient:
    key: str
    email: str
    name: str
    contact_id: int | None = None
    structure_id: int | None = None
    animateur_id: int | None = None
    personal_url: str = ""
    personal_label: str = "Ouvrir ma page du cycle"
    unsubscribe_url: str = ""
    consent_ask: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


#: SEAM (issue 16): providers of the invitation's calendar file. Each takes the atelier's
#: id and returns an ``Attachment`` (e.g. the atelier's ICS from icalendar) or None. The
#: lead appends issue 16's function here when merging; nothing else changes.
INVITATION_ATTACHMENTS: list[Callable[[int], Attachment | None]] = []


def absolute(endpoint: str, **values: Any) -> str:
    return public_url(url_for(endpoint, **values))


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


def settings_of(cycle_id: int) -> MailCycleSettings:
    row = db.session.scalar(select(MailCycleSettings).where(MailCycleSettings.cycle_id == cycle_id))
    return row or MailCycleSettings(cycle_id=cycle_id, reminder_days=[7, 1], digest_off=[])


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


# --- recipients -----------------------------------------------------------------------------


def _statuses(atelier_id: int) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Attendance.participant_id, Attendance.status).where(
                Attendance.atelier_id == atelier_id
            )
        ).all()
    )


def _contact_recipient(c: MailContact, *, consent_ask: bool = False) -> Recipient:
    token = links.contact_token(c)
    return Recipient(
        key=f"c{c.id}",
        email=c.email,
        name=c.name,
        contact_id=c.id,
        personal_url=absolute("mail.personal", token=token),
        personal_label="Ouvrir ma page du cycle" if c.participant_id else "Mes courriels du cycle",
        unsubscribe_url=absolute("mail.unsubscribe", token=token),
        consent_ask=consent_ask,
    )


def recipients(campaign: MailCampaign) -> list[Recipient]:
    """Who gets this campaign now, by consent (checked again when each message leaves)."""
    kind = campaign.kind
    if kind == "repertoire":
        return _structure_recipients(campaign.cycle_id)
    if kind == "digest":
        return _animateur_recipients(campaign.cycle_id)
    query = select(MailContact).where(MailContact.cycle_id == campaign.cycle_id)
    if kind == "invitation":
        first = and_(
            MailContact.source == "import",
            MailContact.first_invitation_at.is_(None),
            MailContact.consent_invitations_at.is_(None),
        )
        query = query.where(or_(MailContact.consent_invitations_at.is_not(None), first))
    elif kind == "rappel":
        query = query.where(MailContact.consent_invitations_at.is_not(None))
    else:
        query = query.where(MailContact.consent_comptes_rendus_at.is_not(None))
    rows = db.session.scalars(query.order_by(MailContact.id)).all()
    if kind in ("compte_rendu", "rattrapage"):
        assert campaign.atelier_id is not None
        came = {p for p, s in _statuses(campaign.atelier_id).items() if s in ("present", "excuse")}
        wanted = kind == "compte_rendu"
        rows = [c for c in rows if (c.participant_id in came) == wanted]
    return [
        _contact_recipient(c, consent_ask=c.consent_invitations_at is None and kind == "invitation")
        for c in rows
    ]


def _structure_recipients(cycle_id: int) -> list[Recipient]:
    rows = db.session.execute(
        select(Structure, StructureProfile)
        .join(StructureProfile, StructureProfile.structure_id == Structure.id)
        .where(
            Structure.cycle_id == cycle_id,
            StructureProfile.contact_consent_at.is_not(None),
            StructureProfile.contact_email != "",
        )
        .order_by(Structure.name)
    ).all()
    out = []
    for structure, profile in rows:
        stamp = profile.contact_consent_at.isoformat() if profile.contact_consent_at else ""
        out.append(
            Recipient(
                key=f"s{structure.id}",
                email=profile.contact_email.lower(),
                name=profile.contact_name,
                structure_id=structure.id,
                unsubscribe_url=absolute(
                    "mail.unsubscribe_structure", token=links.structure_token(structure.id, stamp)
                ),
                extra={"structure_name": structure.name},
            )
        )
    return out


def _animateur_recipients(cycle_id: int) -> list[Recipient]:
    off = set(settings_of(cycle_id).digest_off)
    rows = db.session.scalars(
        select(Animateur)
        .join(CycleAnimateur, CycleAnimateur.animateur_id == Animateur.id)
        .where(CycleAnimateur.cycle_id == cycle_id)
        .order_by(Animateur.id)
    ).all()
    return [
        Recipient(
            key=f"a{a.id}",
            email=a.email,
            name=a.name,
            animateur_id=a.id,
            personal_url=absolute("animateur.cycle", cycle_id=cycle_id),
            personal_label="Ouvrir le cycle dans la console",
            unsubscribe_url=absolute(
                "mail.unsubscribe_animateur", token=links.animateur_token(a.id, cycle_id)
            ),
        )
        for a in rows
        if a.id not in off
    ]


# --- what a message says --------------------------------------------------------------------


REASONS = {
    "invitations": "Vous recevez ce courriel parce que vous avez accepté les invitations du cycle.",
    "import": "Vous recevez ce courriel parce que l'animateur du cycle vous a invité·e.",
    "comptes_rendus": "Vous recevez ce courriel parce que vous avez accepté de recevoir les "
    "comptes rendus du cycle.",
    "repertoire": "Vous recevez ce courriel parce que votre structure figure au répertoire "
    "des acteurs du cycle, avec votre accord.",
    "digest": "Vous recevez ce courriel parce que vous animez ce cycle.",
}


def campaign_context(campaign: MailCampaign, *, for_preview: bool = False) -> dict[str, Any]:
    """What every message of the campaign shares (plain values)."""
    cycle = db.session.get(Cycle, campaign.cycle_id)
    assert cycle is not None
    atelier = db.session.get(Atelier, campaign.atelier_id) if campaign.atelier_id else None
    ctx: dict[str, Any] = {"cycle_title": cycle.title, "heading": campaign.subject}
    if atelier is not None:
        ctx["atelier"] = {
            "title": atelier.title,
            "date_label": fr.date_long(atelier.date),
            "lieu": atelier.lieu,
            "mode_label": MODES.get(atelier.mode, atelier.mode),
        }
        if campaign.kind in ("invitation", "rappel") and atelier.state != "clos":
            ctx["join_url"] = absolute("public.join", link_token=atelier.link_token)
    if campaign.kind in ("compte_rendu", "rattrapage") and atelier is not None:
        ctx["compte_rendu"] = {
            "title": atelier.title,
            "url": absolute("cycle_life.participant_cycle", cycle_id=cycle.id),
            "attached": False,
            "too_big": False,
        }
        since = atelier.started_at or atelier.closed_at
        ctx["changes"] = async_steps.changes_since(cycle.id, since) if since else []
    if campaign.kind == "rattrapage":
        ctx["open_steps"] = [
            {
                "title": s["title"],
                "atelier": s["atelier"],
                "until_label": fr.date_long(s["until_day"]),
            }
            for s in async_steps.async_steps(cycle.id)
        ]
    if campaign.kind == "digest":
        since = _last_digest(cycle.id) or _last_closed(cycle.id)
        ctx["digest"] = async_steps.changes_since(cycle.id, since) if since else []
        if not ctx["digest"]:
            ctx["digest"] = ["Aucune contribution depuis le dernier atelier."]
    return ctx


def _last_closed(cycle_id: int) -> datetime | None:
    return db.session.scalar(
        select(Atelier.closed_at)
        .where(Atelier.cycle_id == cycle_id, Atelier.closed_at.is_not(None))
        .order_by(Atelier.closed_at.desc())
        .limit(1)
    )


def _last_digest(cycle_id: int) -> datetime | None:
    return db.session.scalar(
        select(MailCampaign.queued_at)
        .where(MailCampaign.cycle_id == cycle_id, MailCampaign.kind == "digest")
        .where(MailCampaign.queued_at.is_not(None))
        .order_by(MailCampaign.queued_at.desc())
        .limit(1)
    )


def message_data(campaign: MailCampaign, ctx: dict[str, Any], r: Recipient) -> dict[str, Any]:
    purpose = {"rappel": "invitations", "invitation": "invitations", "repertoire": "repertoire"}
    reason = "digest" if campaign.kind == "digest" else purpose.get(campaign.kind, "comptes_rendus")
    if r.consent_ask:
        reason = "import"
    return {
        **ctx,
        "subject": campaign.subject,
        "intro": campaign.intro,
        "greeting_name": r.name,
        "personal_url": r.personal_url,
        "personal_label": r.personal_label,
        "unsubscribe_url": r.unsubscribe_url,
        "consent_ask": r.consent_ask,
        "reason": REASONS[reason],
        **r.extra,
    }


def attachments(campaign: MailCampaign) -> tuple[list[Attachment], dict[str, Any]]:
    """The campaign's files and what the text says of them: the compte rendu's DOCX under
    ``MAIL_MAX_ATTACHMENT_BYTES``, the invitation's calendar (``INVITATION_ATTACHMENTS``)."""
    files: list[Attachment] = []
    facts: dict[str, Any] = {}
    atelier = db.session.get(Atelier, campaign.atelier_id) if campaign.atelier_id else None
    if atelier is None:
        return files, facts
    if campaign.kind == "compte_rendu":
        limit = int(current_app.config.get("MAIL_MAX_ATTACHMENT_BYTES", 2 * 1024 * 1024))
        try:
            output = storage.fetch_compte_rendu(atelier, "docx")
        except (DomainError, OSError):
            log.exception("compte rendu of atelier %s unavailable for mail", atelier.id)
            output = None
        if output is not None and len(output.content) <= limit:
            files.append(Attachment(output.filename, DOCX, output.content))
            facts["attached"] = True
            facts["size_label"] = f"{max(1, len(output.content) // 1024)} Ko"
        elif output is not None:
            facts["too_big"] = True
    if campaign.kind in ("invitation", "rappel"):
        for provider in INVITATION_ATTACHMENTS:
            found = provider(atelier.id)
            if found is not None:
                files.append(found)
                facts["calendar"] = True
    return files, facts


def _apply_facts(ctx: dict[str, Any], facts: dict[str, Any]) -> None:
    if "compte_rendu" in ctx:
        ctx["compte_rendu"].update(
            {k: v for k, v in facts.items() if k in ("attached", "too_big", "size_label")}
        )
    ctx["calendar_attached"] = bool(facts.get("calendar"))


SAMPLE = Recipient(
    key="sample",
    email="exemple@exemple.fr",
    name="Dominique Exemple",
    personal_url="https://exemple.invalid/courriel/lien-personnel",
    unsubscribe_url="https://exemple.invalid/courriel/desinscription",
)


def preview(campaign: MailCampaign) -> tuple[Rendered, int, list[Attachment]]:
    """The message as the first recipient will read it (their links replaced by examples),
    the number of recipients, the files."""
    people = recipients(campaign)
    ctx = campaign_context(campaign)
    files, facts = attachments(campaign)
    _apply_facts(ctx, facts)
    shown = SAMPLE
    if people:
        first = people[0]
        shown = Recipient(
            **{
                **SAMPLE.__dict__,
                "name": first.name,
                "consent_ask": first.consent_ask,
                "extra": first.extra,
                "personal_label": first.personal_label,
            }
        )
    return render(message_data(campaign, ctx, shown)), len(people), files


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


def queue(campaign: MailCampaign) -> int:
    """Put one message per recipient in the outbox, in one transaction: a campaign goes
    out whole or not at all; a person already in it is skipped (unique key). Without
    SMTP_URL the messages are kept for the Boîte d'envoi only."""
    if campaign.status != "draft":
        raise InvalidInput("Cette campagne est déjà partie.")
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
