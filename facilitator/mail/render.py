"""A message in French, HTML and plain text, from plain data (``compose`` builds it), and
the MIME message a worker sends. Every value that goes into a header is checked
(``addresses.header_safe``): a line break there is refused and nothing is sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid
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


#: the worker's MIME policy: CRLF, and no folding of long unbreakable values (the signed
#: List-Unsubscribe address stays one plain ASCII line, which mail clients read as a URL).
#: ``compat32`` builds a message in about a third of the time of ``email.policy.SMTP``'s
#: header objects (docs/performance.md, « Courriels »); non-ASCII headers are RFC 2047
#: encoded by ``Header``/``formataddr``.
POLICY = compat32.clone(linesep="\r\n", max_line_length=998)
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP  # readable French in the source, short lines


def _set_header(message: Message, name: str, value: str) -> None:
    """ASCII as is; anything else RFC 2047-encoded (compat32 takes a ``Header``, which
    typeshed does not know)."""
    message[name] = value if value.isascii() else Header(value, "utf-8")  # type: ignore[assignment]


def _text_part(body: str, subtype: str) -> Message:
    part = MIMENonMultipart("text", subtype, policy=POLICY)
    part.set_payload(body, charset=_UTF8)  # quoted-printable, charset="utf-8"
    return part


def _address(name: str, addr: str) -> str:
    return formataddr((name, addr), charset="utf-8")


def attachment_part(item: Attachment) -> Message:
    """One attached file as a MIME part (base64), built once per campaign and shared by
    every message of it (a 2 MB compte rendu is encoded once, not per person)."""
    header_safe(item.filename, "Nom de la pièce jointe")
    maintype, _, subtype = item.mime_type.partition("/")
    part = MIMEBase(maintype, subtype or "octet-stream", policy=POLICY)
    part.set_payload(item.data)
    encoders.encode_base64(part)
    name: str | tuple[str, str, str] = item.filename
    if not item.filename.isascii():
        name = ("utf-8", "", item.filename)  # RFC 2231
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part


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
    attachments: list[Attachment] | None = None,
    parts: list[Message] | None = None,
) -> Message:
    """The MIME message: multipart/alternative (text, HTML) + attachments (``parts``
    already built by ``attachment_part``, or ``attachments``). Raises ``InvalidInput``
    (header injection) before anything is built."""
    for value, what in (
        (from_name, "Nom de l'expéditeur"),
        (to_name, "Nom du destinataire"),
        (subject, "Objet"),
        *((v, k) for k, v in headers.items()),
    ):
        header_safe(value, what)
    files = list(parts or []) + [attachment_part(a) for a in attachments or []]
    body = MIMEMultipart("alternative", policy=POLICY)
    body.attach(_text_part(text, "plain"))
    body.attach(_text_part(html, "html"))
    if files:
        message = MIMEMultipart("mixed", policy=POLICY)
        message.attach(body)
        for part in files:
            message.attach(part)
    else:
        message = body
    message["From"] = _address(from_name, mail_from)
    message["To"] = _address(to_name, to_addr)
    _set_header(message, "Subject", subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    for name, value in headers.items():
        _set_header(message, name, value)
    return message


def new_message_id(mail_from: str) -> str:
    domain = mail_from.rpartition("@")[2] or "facilitator.invalid"
    return make_msgid(domain=domain)
