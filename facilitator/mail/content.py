"""What a campaign's messages say: the shared context (atelier, compte rendu, « ce qui a
changé », open steps, digest), each person's part, the files, and the preview."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from facilitator.core import ics
from facilitator.cycle_life import async_steps
from facilitator.documents import storage
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.mail.models import MailCampaign
from facilitator.mail.recipients import Recipient, absolute, recipients
from facilitator.mail.render import Attachment, Rendered, render
from facilitator.models import Atelier, Cycle
from facilitator.rendering import fr

log = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MODES = {"presentiel": "présentiel", "distanciel": "distanciel", "hybride": "hybride"}

ICS = "text/calendar"


REASONS = {
    "invitations": "Vous recevez ce courriel parce que vous avez accepté les invitations du cycle.",
    "import": "Vous recevez ce courriel parce que l'animateur du cycle vous a invité·e.",
    "comptes_rendus": "Vous recevez ce courriel parce que vous avez accepté de recevoir les "
    "comptes rendus du cycle.",
    "repertoire": "Vous recevez ce courriel parce que votre structure figure au répertoire "
    "des acteurs du cycle, avec votre accord.",
    "digest": "Vous recevez ce courriel parce que vous animez ce cycle.",
    "code": "Vous recevez ce courriel parce que votre code personnel a été demandé pour cette "
    "adresse sur la page d'un atelier du cycle.",
}


def campaign_context(campaign: MailCampaign) -> dict[str, Any]:
    """What every message of the campaign shares (plain values)."""
    cycle = db.session.get(Cycle, campaign.cycle_id)
    assert cycle is not None
    atelier = db.session.get(Atelier, campaign.atelier_id) if campaign.atelier_id else None
    ctx: dict[str, Any] = {"cycle_title": cycle.title, "heading": campaign.subject}
    if atelier is not None:
        ctx["atelier"] = {
            "title": atelier.title,
            "date_label": fr.date_long(atelier.date),
            "time_label": atelier.start_time.strftime("%H h %M") if atelier.start_time else "",
            "lieu": atelier.lieu,
            "mode_label": MODES.get(atelier.mode, atelier.mode),
        }
        if campaign.kind in ("invitation", "rappel", "mise_a_jour") and atelier.state != "clos":
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
    purpose = {
        "rappel": "invitations",
        "invitation": "invitations",
        "mise_a_jour": "invitations",
        "annulation": "invitations",
        "repertoire": "repertoire",
    }
    reason = (
        campaign.kind
        if campaign.kind in ("digest", "code")
        else purpose.get(campaign.kind, "comptes_rendus")
    )
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
    ``MAIL_MAX_ATTACHMENT_BYTES``, the atelier's calendar file for invitations and reminders."""
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
    # a dated atelier's calendar file: the same UID as the cycle's feed (core/ics.py), its
    # SEQUENCE now; a cancellation is METHOD:CANCEL (mail/updates.py)
    if campaign.kind in ("invitation", "rappel", "mise_a_jour", "annulation") and atelier.date:
        method = "CANCEL" if campaign.kind == "annulation" else "PUBLISH"
        content = ics.atelier_ics(atelier, method)
        files.append(Attachment(f"atelier-{atelier.id}.ics", ICS, content))
        facts["calendar"] = True
        facts["calendar_cancel"] = campaign.kind == "annulation"
        facts["calendar_update"] = campaign.kind == "mise_a_jour"
    return files, facts


def _apply_facts(ctx: dict[str, Any], facts: dict[str, Any]) -> None:
    if "compte_rendu" in ctx:
        ctx["compte_rendu"].update(
            {k: v for k, v in facts.items() if k in ("attached", "too_big", "size_label")}
        )
    ctx["calendar_attached"] = bool(facts.get("calendar"))
    ctx["calendar_cancel"] = bool(facts.get("calendar_cancel"))
    ctx["calendar_update"] = bool(facts.get("calendar_update"))


SAMPLE = Recipient(
    key="sample",
    email="exemple@exemple.fr",
    name="Dominique Exemple",
    personal_url="https://exemple.invalid/courriel/lien-personnel",
    unsubscribe_url="https://exemple.invalid/courriel/desinscription",
)


SAMPLE_CODE = {"personal_code": "ABCD-EFGH"}


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
                # the first person's code is theirs: the preview shows an example
                "extra": {**first.extra, **SAMPLE_CODE}
                if "personal_code" in first.extra
                else first.extra,
                "personal_label": first.personal_label,
            }
        )
    return render(message_data(campaign, ctx, shown)), len(people), files
