"""A message in French, HTML and plain text, from plain data (``compose`` builds it), and
the ``EmailMessage`` a worker sends. Every value that goes into a header is checked
(``addresses.header_safe``): a line break there is refused and nothing is sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import render_template

from facilitator.mail.addresses import header_safe
from facilitator.models._types import utcnow


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message: the compte rendu's DOCX, the atelier's ICS."""

    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def paragraphs(text: str) -> list[str]:
    """The animateur's text, split into paragraphs (rendered escaped)."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def render(data: dict[str, Any]) -> Rendered:
    """``data``: what ``compose.message_data`` gives (plain values only)."""
    subject = header_safe(" ".join(str(data["subject"]).split()), "Objet")
    context = {**data, "intro_paragraphs": paragraphs(data.get("intro", ""))}
    text = render_template("mail/email.txt", m=context)
    html = render_template("mail/email.html", m=context)
    return Rendered(subject, re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", html)


def build(
    *,
    mail_from: str,
    from_name: str,
    to_addr: str,
    to_name: str,
    subject: str,
    text: str,
    html: str,
    headers: dict[str, str],
    message_id: str,
    attachments: list[Attachment],
) -> EmailMessage:
    """The MIME message: multipart/alternative (text, HTML) + attachments. Raises
    ``InvalidInput`` (header injection) before anything is built."""
    for value, what in (
        (from_name, "Nom de l'expéditeur"),
        (to_name, "Nom du destinataire"),
        (subject, "Objet"),
        *((v, k) for k, v in headers.items()),
    ):
        header_safe(value, what)
    # long unbreakable values (the signed List-Unsubscribe address) stay plain ASCII
    # instead of RFC 2047 words, which mail clients do not read as a URL
    message = EmailMessage(policy=SMTP.clone(max_line_length=998))
    message["From"] = Address(display_name=from_name, addr_spec=mail_from)
    message["To"] = Address(display_name=to_name, addr_spec=to_addr)
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for item in attachments:
        maintype, _, subtype = item.mime_type.partition("/")
        header_safe(item.filename, "Nom de la pièce jointe")
        message.add_attachment(
            item.data, maintype=maintype, subtype=subtype or "octet-stream", filename=item.filename
        )
    return message


def new_message_id(mail_from: str) -> str:
    domain = mail_from.rpartition("@")[2] or "facilitator.invalid"
    return make_msgid(domain=domain)
