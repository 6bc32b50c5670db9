"""Addresses with consent: validation, a participant's own address, unsubscribing,
importing invitees (CSV), erasure. Verbs commit through ``events.transaction``."""

from __future__ import annotations

import csv
import io
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select, update

from facilitator.core import events
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.mail.bounces import max_hard_bounces
from facilitator.mail.models import PURPOSE_OF_KIND, MailCampaign, MailContact, MailMessage
from facilitator.models import Participant
from facilitator.models._types import utcnow

log = logging.getLogger(__name__)

#: consent purposes of a contact (the répertoire contact has its own, on the structure)
PURPOSES = {
    "invitations": "les invitations aux ateliers et leurs rappels",
    "comptes_rendus": "les comptes rendus et ce qui a changé après chaque atelier",
}
MAX_NAME = 120
MAX_STRUCTURE = 160
MAX_IMPORT_ROWS = 2000
#: characters that would let a value start a new header line or cut one
_HEADER_BREAKERS = {
    "\r",
    "\n",
    "\0",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
}


def header_safe(value: str, what: str) -> str:
    """``value`` if it can go in a header; refused (nothing sent) otherwise."""
    if any(ch in _HEADER_BREAKERS for ch in value):
        raise InvalidInput(
            f"{what} : les retours à la ligne et caractères de contrôle sont refusés "
            "(ce champ va dans l'en-tête du courriel).",
            code="header_injection",
        )
    return value


def normalise(raw: str) -> str:
    """A syntactically valid address, lower-cased; a clear French error otherwise (no DNS
    lookup: the address is checked by the mail server when sent)."""
    value = (raw or "").strip()
    header_safe(value, "Adresse électronique")
    if not value:
        raise InvalidInput("Indiquez une adresse électronique.", code="bad_email")
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(
            f"« {value[:80]} » n'est pas une adresse électronique valide "
            "(exemple : prenom.nom@exemple.fr).",
            code="bad_email",
        ) from None
    return str(checked.normalized).lower()


def _text(value: str, limit: int, what: str) -> str:
    header_safe(value, what)
    clean = " ".join(value.split())
    if len(clean) > limit:
        raise InvalidInput(f"{what} : {limit} caractères au plus.")
    return clean


def new_link_key() -> str:
    return secrets.token_hex(16)


# --- a participant's own address ------------------------------------------------------------


def contact_of(participant: Participant) -> MailContact | None:
    return db.session.scalar(
        select(MailContact).where(MailContact.participant_id == participant.id)
    )


def contact_view(contact: MailContact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {
        "id": contact.id,
        "email": contact.email,
        "name": contact.name,
        "structure": contact.structure_name,
        "source": contact.source,
        "invitations": contact.consent_invitations_at is not None,
        "comptes_rendus": contact.consent_comptes_rendus_at is not None,
        "participant_id": contact.participant_id,
        "bounced_at": contact.bounced_at,
        "bounce_reason": contact.bounce_reason,
        "hard_bounces": contact.hard_bounces or 0,
        "stopped": (contact.hard_bounces or 0) >= max_hard_bounces(),
    }


def set_participant_address(
    participant: Participant, raw_email: str, purposes: set[str]
) -> MailContact:
    """The participant gives (or changes) their address and the purposes they consent to.
    An invitee imported with the same address becomes theirs. At least one purpose:
    an address kept for nothing is not kept."""
    email = normalise(raw_email)
    if not purposes & PURPOSES.keys():
        raise InvalidInput(
            "Cochez au moins un type de courriel, ou retirez votre adresse.", code="no_purpose"
        )
    now = utcnow()
    with events.transaction():
        mine = contact_of(participant)
        same = db.session.scalar(
            select(MailContact).where(
                MailContact.cycle_id == participant.cycle_id, MailContact.email == email
            )
        )
        if same is not None and same.participant_id not in (None, participant.id):
            raise InvalidInput(
                "Cette adresse est déjà celle d'un autre participant du cycle.", code="taken"
            )
        if same is not None and mine is not None and same.id != mine.id:
            db.session.delete(mine)  # the imported invitee's row is theirs: keep one
            db.session.flush()
        contact = same or mine
        if contact is None:
            contact = MailContact(cycle_id=participant.cycle_id, link_key=new_link_key())
            db.session.add(contact)
        elif contact.email != email:
            contact.link_key = new_link_key()  # links sent to the former address stop
            contact.bounced_at, contact.bounce_reason, contact.hard_bounces = None, "", 0
        contact.email = email
        contact.participant_id = participant.id
        contact.source = "participant"
        contact.name = participant.display_name
        contact.structure_name = participant.structure.name if participant.structure else ""
        _set_consents(contact, purposes, now)
        db.session.flush()
    log.info("participant %s gave an address (%s)", participant.id, ",".join(sorted(purposes)))
    return contact


def _set_consents(contact: MailContact, purposes: set[str], now: Any) -> None:
    withdrawn = set()
    if "invitations" in purposes:
        contact.consent_invitations_at = contact.consent_invitations_at or now
    elif contact.consent_invitations_at is not None or contact.source == "import":
        contact.consent_invitations_at = None
        withdrawn.add("invitations")
    if "comptes_rendus" in purposes:
        contact.consent_comptes_rendus_at = contact.consent_comptes_rendus_at or now
    elif contact.consent_comptes_rendus_at is not None:
        contact.consent_comptes_rendus_at = None
        withdrawn.add("comptes_rendus")
    if purposes:  # an invitee who answered has had their one message without consent
        contact.first_invitation_at = contact.first_invitation_at or now
        contact.unsubscribed_at = None
    if withdrawn and contact.id is not None:
        _cancel_pending(contact.id, withdrawn)


def set_consents(contact: MailContact, purposes: set[str]) -> None:
    """The person changes their consent from their link (an invitee gives it here);
    nothing ticked is unsubscribing."""
    chosen = purposes & PURPOSES.keys()
    if not chosen:
        unsubscribe(contact)
        return
    with events.transaction():
        _set_consents(contact, chosen, utcnow())


def _cancel_pending(contact_id: int, purposes: set[str] | None = None) -> int:
    """Withdrawing consent stops every message of those purposes not yet on its way, at
    once (``purposes`` None: all of them)."""
    kinds = [k for k, p in PURPOSE_OF_KIND.items() if purposes is None or p in purposes]
    campaigns = select(MailCampaign.id).where(MailCampaign.kind.in_(kinds))
    result = db.session.execute(
        update(MailMessage)
        .where(
            MailMessage.contact_id == contact_id,
            MailMessage.status == "pending",
            MailMessage.campaign_id.in_(campaigns),
        )
        .values(status="cancelled", last_error="Consentement retiré avant l'envoi.")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def unsubscribe(contact: MailContact) -> int:
    """One click: every purpose withdrawn, every message not yet sent cancelled. The
    address itself is erased with the cycle, or now with ``erase``."""
    with events.transaction():
        contact.consent_invitations_at = None
        contact.consent_comptes_rendus_at = None
        contact.first_invitation_at = contact.first_invitation_at or utcnow()
        contact.unsubscribed_at = utcnow()
        cancelled = _cancel_pending(contact.id)
    log.info("contact %s unsubscribed (%s messages cancelled)", contact.id, cancelled)
    return cancelled


def erase(contact: MailContact) -> None:
    """Forget the address and its messages now (the person's erasure)."""
    with events.transaction():
        db.session.delete(contact)


def erase_participant_addresses(participant_id: int) -> int:
    """For the participant's erasure (issue 20's code calls it, or the database cascade
    from ``participant`` does it): their address and every message to it. Flushes; the
    caller's transaction commits."""
    result = db.session.execute(
        delete(MailContact).where(MailContact.participant_id == participant_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def erase_cycle_addresses(cycle_id: int) -> int:
    """For a purge that keeps the cycle: every address of the cycle and its messages.
    Flushes; the caller's transaction commits (deleting the cycle cascades anyway)."""
    result = db.session.execute(delete(MailContact).where(MailContact.cycle_id == cycle_id))
    return int(getattr(result, "rowcount", 0) or 0)


def contacts(cycle_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(MailContact).where(MailContact.cycle_id == cycle_id).order_by(MailContact.email)
    )
    return [v for v in (contact_view(c) for c in rows) if v is not None]


# --- importing invitees ---------------------------------------------------------------------


@dataclass
class ImportReport:
    valid: list[dict[str, str]] = field(default_factory=list)
    #: (line number, French error, the raw line)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    duplicates: int = 0


_COLUMNS = {
    "nom": "name",
    "name": "name",
    "structure": "structure",
    "e-mail": "email",
    "email": "email",
    "courriel": "email",
    "adresse": "email",
    "adresse électronique": "email",
}


def parse_invitees(raw: bytes, cycle_id: int) -> ImportReport:
    """Read a CSV (name, structure, e-mail; comma or semicolon; UTF-8 or Windows-1252) and
    check every row. Nothing is written: the animateur sees each bad row's error."""
    report = ImportReport()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise InvalidInput("Le fichier est vide.", code="empty_csv")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:2000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    mapping = [_COLUMNS.get(c) for c in header]
    if "email" not in mapping:
        mapping, start = ["name", "structure", "email"], 0  # no header: the documented order
    else:
        start = 1
    if len(rows) - start > MAX_IMPORT_ROWS:
        raise InvalidInput(f"{MAX_IMPORT_ROWS} lignes au plus par import.", code="too_many")
    known = set(
        db.session.scalars(select(MailContact.email).where(MailContact.cycle_id == cycle_id))
    )
    seen: set[str] = set()
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(c.strip() for c in row):
            continue
        line = (dialect.delimiter if hasattr(dialect, "delimiter") else ",").join(row)[:200]
        values = {key: (row[i] if i < len(row) else "") for i, key in enumerate(mapping) if key}
        try:
            email = normalise(values.get("email", ""))
            name = _text(values.get("name", ""), MAX_NAME, "Nom")
            structure = _text(values.get("structure", ""), MAX_STRUCTURE, "Structure")
            if not name:
                raise InvalidInput("Nom manquant.")
        except InvalidInput as exc:
            report.errors.append((number, exc.message_fr, line))
            continue
        if email in seen or email in known:
            report.duplicates += 1
            continue
        seen.add(email)
        report.valid.append({"email": email, "name": name, "structure": structure})
    return report


def import_invitees(cycle_id: int, raw: bytes, *, skip_errors: bool) -> ImportReport:
    """Import the valid rows, only when there are no bad ones or the animateur chose to
    skip them explicitly. Imported invitees have no consent: they get the first
    invitation only (``compose``), which asks for it."""
    report = parse_invitees(raw, cycle_id)
    if report.errors and not skip_errors:
        return report
    with events.transaction():
        for row in report.valid:
            db.session.add(
                MailContact(
                    cycle_id=cycle_id,
                    email=row["email"],
                    name=row["name"],
                    structure_name=row["structure"],
                    source="import",
                    link_key=new_link_key(),
                )
            )
    log.info("cycle %s: %s invitees imported", cycle_id, len(report.valid))
    return report
