"""SMTP_URL and one connection: ``smtp://host:25`` (a local relay, plain),
``smtp+starttls://user:password@host:587`` (STARTTLS, required), ``smtps://user:password@
host:465`` (TLS from the start). User and password are URL-encoded.

A send is classified for the outbox: ``Sent``; ``Retry`` (the server or the network
failed before it had the content: nothing was delivered, try again later); ``Refused``
(the server refused the recipient or the content for good: a hard bounce); ``Uncertain``
(the connection died while the content was on its way: it may have been delivered, so it
is never sent again automatically)."""

from __future__ import annotations

import base64
import contextlib
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote, urlsplit

from facilitator.errors import InvalidInput


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "none", "starttls", "tls"
    username: str
    password: str
    timeout: float = 30.0
    #: a CA bundle for the server's certificate (an internal relay); None: the system's
    ca_file: str | None = None


def parse_url(url: str, timeout: float = 30.0, ca_file: str | None = None) -> SmtpSettings:
    parts = urlsplit(url)
    security = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "tls"}.get(parts.scheme)
    if security is None or not parts.hostname:
        raise InvalidInput(
            "SMTP_URL : smtp://hote:25, smtp+starttls://utilisateur:motdepasse@hote:587 ou "
            "smtps://utilisateur:motdepasse@hote:465."
        )
    default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        timeout=timeout,
        ca_file=ca_file or None,
    )


@dataclass(frozen=True)
class Outcome:
    kind: str  # "sent", "retry", "refused", "uncertain"
    detail: str = ""


class Connection:
    """One SMTP session, reused across messages; reopened after a failure."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file)
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        smtp.ehlo()
        if s.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if s.username:
            if (s.username + s.password).isascii():
                smtp.login(s.username, s.password)
            else:  # smtplib encodes credentials as ASCII; AUTH PLAIN is UTF-8 (RFC 4616)
                token = base64.b64encode(f"\0{s.username}\0{s.password}".encode()).decode()
                code, reply = smtp.docmd("AUTH", "PLAIN " + token)
                if code != 235:
                    raise smtplib.SMTPAuthenticationError(code, reply)
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None

    def send(
        self, message: Message, mail_from: str, to_addr: str, before_data: Callable[[], None]
    ) -> Outcome:
        """Send one message. ``before_data`` runs once the server has accepted the
        recipient, before the content goes (the outbox records it: a death after that
        point is ``uncertain``)."""
        try:
            if self._smtp is None:
                self._smtp = self._open()
            smtp = self._smtp
            code, reply = smtp.mail(mail_from)
            if code >= 400:  # the sender or the session (TLS, auth): not this person's fault
                smtp.rset()
                return Outcome("retry", "expéditeur : " + self._refusal(code, reply, "").detail)
            code, reply = smtp.rcpt(to_addr)
            if code >= 400:
                smtp.rset()
                return self._refusal(code, reply, "destinataire")
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return Outcome("retry", _short(exc))
        before_data()
        try:
            code, reply = smtp.data(message.as_bytes())
        except smtplib.SMTPDataError as exc:  # a reply we could read: not delivered
            self._drop()
            return self._refusal(exc.smtp_code, exc.smtp_error, "contenu")
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return Outcome("uncertain", _short(exc))
        return Outcome("sent") if code < 400 else self._refusal(code, reply, "contenu")

    @staticmethod
    def _refusal(code: int, reply: bytes | str, what: str) -> Outcome:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        detail = f"{code} {text}"[:300]
        return Outcome(
            "refused" if code >= 500 else "retry", f"{what} : {detail}" if what else detail
        )


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
