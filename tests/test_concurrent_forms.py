"""Forms that write while something else writes (SQLite has one writer at a time).

- Any form waits for the write lock as a live action does (before: a 5 ms busy timeout,
  then a 500 while the mail worker or the live board was writing).
- « Envoyer » twice on one draft (a double click, or two animateurs at once): the
  campaign goes out once, the second click is told so in French, nothing is doubled and
  nothing crashes (before: the second hit the outbox's unique key and answered 500)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.mail.models import MailCampaign, MailMessage
from facilitator.models import Animateur, Atelier
from tests.test_mail_pages import _participant, _setup


def _draft(app: Flask, make_animateur: Callable, make_atelier: Callable) -> tuple[str, list]:
    s = _setup(app, make_animateur, make_atelier)
    c, client = s["cycle_id"], s["client"]
    for name in ("Alice", "Bruno", "Chloé"):
        _participant(app, s["atelier"], name).post(
            f"/cycle/{c}/courriels",
            data={"email": f"{name.lower()}@exemple.fr", "invitations": "1"},
        )
    created = client.post(
        f"/animateur/cycles/{c}/courriels/campagnes",
        data={"kind": "invitation", "atelier_id": s["atelier"].id},
    )
    assert created.status_code == 302
    second = app.test_client()
    second.set_cookie("session", client.get_cookie("session").value)
    return created.headers["Location"], [client, second]


def _messages() -> int:
    count = db.session.scalar(select(func.count()).select_from(MailMessage))
    db.session.remove()
    return int(count or 0)


def test_two_clicks_on_envoyer_at_once_send_the_campaign_once(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    url, clients = _draft(app, make_animateur, make_atelier)
    form = {"action": "envoyer", "subject": "Invitation", "intro": "Bonjour"}
    start = threading.Barrier(2)
    answers: list = [None, None]

    def click(i: int) -> None:
        start.wait()
        answers[i] = clients[i].post(url, data=form)

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(a.status_code for a in answers)
    assert codes == [302, 400], codes
    refused = next(a for a in answers if a.status_code == 400)
    assert "Cette campagne est déjà partie" in refused.text
    assert _messages() == 3
    assert db.session.scalar(select(MailCampaign.status)) == "queued"


def test_a_click_on_a_stale_page_is_told_the_campaign_already_left(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    """The second request read the campaign as a draft just before the first queued it."""
    from sqlalchemy.orm.attributes import set_committed_value

    from facilitator.errors import InvalidInput
    from facilitator.mail import compose

    url, _clients = _draft(app, make_animateur, make_atelier)
    with app.test_request_context("/", base_url="https://facilitator.example"):
        campaign = db.session.scalar(select(MailCampaign))
        assert compose.queue(campaign) == 3
        set_committed_value(campaign, "status", "draft")  # what the other request had read
        try:
            compose.queue(campaign)
        except InvalidInput as exc:
            assert "déjà partie" in exc.message_fr
        else:
            raise AssertionError("queued twice")
        db.session.rollback()
    assert _messages() == 3


def test_a_form_waits_while_another_process_holds_the_write_lock(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    url, clients = _draft(app, make_animateur, make_atelier)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(
        path, timeout=5, isolation_level=None, check_same_thread=False
    )  # the worker, say
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    releaser = threading.Timer(0.4, lambda: other.execute("COMMIT"))
    releaser.start()
    started = time.monotonic()
    saved = clients[0].post(
        url, data={"action": "enregistrer", "subject": "Nouvel objet", "intro": "x"}
    )
    releaser.join()
    other.close()
    assert saved.status_code == 302, saved.text
    assert time.monotonic() - started >= 0.35  # it did wait for the lock
    assert db.session.scalar(select(MailCampaign.subject)) == "Nouvel objet"


def test_a_retry_inside_a_retry_keeps_what_the_outer_one_committed(app: Flask) -> None:
    """A form (run by dblock) that committed, then calls dblock.run itself: when the inner
    one finally fails, the outer one must know something was committed, not run again."""
    from flask import g
    from sqlalchemy.exc import OperationalError

    from facilitator import dblock

    calls = {"outer": 0}

    def locked() -> None:
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    def form() -> None:
        calls["outer"] += 1
        g.facilitator_committed = True  # as the after_commit listener does
        dblock.run(locked)

    app.config["DB_LOCK_WAIT_SECONDS"] = 0.05
    with app.test_request_context("/"), pytest.raises(OperationalError):
        dblock.run(form)
    assert calls["outer"] == 1
