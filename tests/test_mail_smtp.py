"""SMTP_URL against real aiosmtpd servers: STARTTLS with authentication, TLS from the
start, a wrong password (retried, never a bounce on the person), a server that requires
STARTTLS reached in plain (retried), and malformed URLs refused in French."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy import inspect, select

from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.mail import compose, worker
from facilitator.mail.models import MailContact, MailMessage
from facilitator.mail.smtp import parse_url
from facilitator.models import Atelier
from tests.live import free_port
from tests.mail_helpers import *  # noqa: F403  (the fixtures: app with SMTP, smtp)
from tests.mail_helpers import Recorder, people

USER, PASSWORD = "cycle@crpv.example", "mot de passe é"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture
def secure_server(
    certificate: tuple[Path, Path],
) -> Iterator[Callable[[str], tuple[int, Recorder]]]:  # noqa: E501
    started: list[Controller] = []

    def start(mode: str) -> tuple[int, Recorder]:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(certificate[0]), str(certificate[1]))
        recorder, port = Recorder(), free_port()
        options: dict[str, Any] = {"auth_required": True, "authenticator": _authenticator}
        if mode == "starttls":
            options.update(tls_context=context, require_starttls=True)
        else:
            # implicit TLS: aiosmtpd does not see it as TLS (auth_require_tls would refuse AUTH)
            options.update(ssl_context=context, auth_require_tls=False)
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return port, recorder

    yield start
    for controller in started:
        controller.stop()


def _send(app: Flask, atelier: Atelier, url: str) -> dict[str, int]:
    app.config.update(SMTP_URL=url, MAIL_MAX_ATTEMPTS=2)
    with app.test_request_context("/", base_url="https://facilitator.example"):
        fresh = db.session.get(Atelier, inspect(atelier).identity[0])
        assert fresh is not None
        compose.queue(compose.create(fresh.cycle, "invitation", fresh.id, None))
    return worker.run(idle_exit=True, poll=0.01)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
# aiosmtpd warns when AUTH is allowed without its own STARTTLS: here TLS is implicit
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_tls_and_authentication(
    app: Flask,
    make_atelier: Callable[..., Atelier],
    secure_server: Callable[[str], tuple[int, Recorder]],
    certificate: tuple[Path, Path],
    mode: str,
) -> None:
    atelier = make_atelier()
    people(atelier, 2)
    port, recorder = secure_server(mode)
    app.config["MAIL_SMTP_CA_FILE"] = str(certificate[0])
    scheme = "smtp+starttls" if mode == "starttls" else "smtps"
    url = f"{scheme}://cycle%40crpv.example:mot%20de%20passe%20%C3%A9@127.0.0.1:{port}"
    assert _send(app, atelier, url) == {"sent": 2}
    assert sorted(recorder.per_recipient()) == ["p0@exemple.fr", "p1@exemple.fr"]


def test_a_wrong_password_or_no_starttls_is_retried_never_a_bounce(
    app: Flask,
    make_atelier: Callable[..., Atelier],
    secure_server: Callable[[str], tuple[int, Recorder]],
    certificate: tuple[Path, Path],
) -> None:
    atelier = make_atelier()
    people(atelier, 1)
    port, recorder = secure_server("starttls")
    app.config["MAIL_SMTP_CA_FILE"] = str(certificate[0])
    assert _send(app, atelier, f"smtp+starttls://cycle%40crpv.example:faux@127.0.0.1:{port}") == {
        "retry": 2
    }
    assert _send(app, atelier, f"smtp://127.0.0.1:{port}") == {"retry": 2}
    rows = db.session.scalars(select(MailMessage)).all()
    assert {r.status for r in rows} == {"failed"}
    # smtplib tries PLAIN then LOGIN: the error is the last of its attempts
    assert rows[0].last_error and "expéditeur : 530" in rows[1].last_error
    contact = db.session.scalar(select(MailContact))
    assert contact is not None and contact.bounced_at is None
    assert recorder.received == []


@pytest.mark.parametrize("url", ["http://x", "smtp://", "smtps:/hote", "ftp://a:b@c:21"])
def test_malformed_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput, match="SMTP_URL"):
        parse_url(url)
    settings = parse_url("smtp+starttls://u%40d.fr:p%3Aw@relais.example")
    assert (settings.port, settings.username, settings.password) == (587, "u@d.fr", "p:w")
