"""Faults of the worker, with real processes (``flask --app facilitator mail-worker``) and a
real SMTP server: kill -9 in the middle of a campaign, then a new worker (nothing lost,
nothing doubled); two workers at once on one outbox, on SQLite and on PostgreSQL (each
person gets the message once)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from bench import servers
from facilitator import create_app, db_migrate
from facilitator.extensions import db
from facilitator.mail import compose
from facilitator.mail.models import MailMessage
from facilitator.models import Atelier
from tests.mail_helpers import *  # noqa: F403  (the fixtures: app with SMTP, smtp)
from tests.mail_helpers import SmtpServer, kill9, mail_config, people, start_worker, wait_until
from tests.test_scale_out import need

pytestmark = pytest.mark.live


def _queue_invitation(atelier: Atelier) -> int:
    with compose_context():
        campaign = compose.create(atelier.cycle, "invitation", atelier.id, None)
        count = compose.queue(campaign)
    db.session.remove()  # the workers are other processes: hold nothing open
    return count


def compose_context():  # type: ignore[no-untyped-def]
    from flask import current_app

    return current_app.test_request_context("/", base_url="https://facilitator.example")


def _rows() -> list[MailMessage]:
    rows = list(db.session.scalars(select(MailMessage).order_by(MailMessage.id)))
    db.session.remove()
    return rows


def test_kill_9_of_the_worker_mid_campaign_loses_nothing_and_doubles_nothing(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier], tmp_path: Path
) -> None:
    atelier = make_atelier()
    people(atelier, 80)
    assert _queue_invitation(atelier) == 80
    smtp.recorder.delay = 0.02  # a slow server: the kill lands mid-campaign
    log = tmp_path / "worker.log"
    first = start_worker(app, log)
    wait_until(lambda: len(smtp.recorder.received) >= 20, what="the first 20 messages")
    kill9(first)
    at_kill = len(smtp.recorder.received)
    assert at_kill < 80, "the campaign was over before the kill"
    second = start_worker(app, log, "--until-idle")
    assert second.wait(timeout=120) == 0, log.read_text()[-2000:]
    counts = smtp.recorder.per_recipient()
    rows = _rows()
    statuses = [r.status for r in rows]
    assert max(counts.values()) == 1, "a message was delivered twice"
    # every message is sent, or (when the kill fell while its content was on the wire)
    # marked uncertain for the animateur, never resent by itself
    assert statuses.count("sent") + statuses.count("uncertain") == 80
    assert statuses.count("uncertain") <= 1
    sent = {r.to_addr for r in rows if r.status == "sent"}
    assert sent <= set(counts)
    lost = 80 - len(counts)
    assert lost == 0 or (lost == 1 and statuses.count("uncertain") == 1)
    print(f"kill -9 after {at_kill}/80: delivered {len(counts)}, duplicates 0, "
          f"uncertain {statuses.count('uncertain')}")  # fmt: skip


def _two_workers(app: Flask, smtp: SmtpServer, atelier: Atelier, tmp_path: Path, n: int) -> None:
    people(atelier, n)
    assert _queue_invitation(atelier) == n
    smtp.recorder.delay = 0.005
    workers = [start_worker(app, tmp_path / f"w{i}.log", "--until-idle") for i in range(2)]
    for i, proc in enumerate(workers):
        assert proc.wait(timeout=120) == 0, (tmp_path / f"w{i}.log").read_text()[-2000:]
    counts = smtp.recorder.per_recipient()
    assert len(counts) == n and set(counts.values()) == {1}
    rows = _rows()
    assert {r.status for r in rows} == {"sent"}
    assert len({r.claimed_by for r in rows}) == 2, "both workers took part"


def test_two_workers_on_sqlite_send_each_message_once(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier], tmp_path: Path
) -> None:
    _two_workers(app, smtp, make_atelier(), tmp_path, 120)


@pytest.fixture(scope="module")
def postgres() -> Iterator[servers.Postgres]:
    pg = need(lambda: servers.Postgres().start())
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture
def pg_app(tmp_path: Path, postgres: servers.Postgres, smtp: SmtpServer) -> Iterator[Flask]:
    url = postgres.create_database(f"mail{tmp_path.name[-12:].replace('-', '_')}")
    shutil.rmtree(tmp_path / "pg", ignore_errors=True)
    (tmp_path / "pg").mkdir()
    app = create_app({**mail_config(tmp_path / "pg", smtp.url), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db_migrate.upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_two_workers_on_postgresql_send_each_message_once(
    pg_app: Flask, smtp: SmtpServer, tmp_path: Path
) -> None:
    from facilitator.core import accounts, cycles
    from facilitator.scripts import load_script_text
    from tests.conftest import SCRIPT

    animateur = accounts.create_animateur("pg@exemple.fr", "Camille", "mot-de-passe-solide")
    cycle = cycles.create_cycle(animateur, "Cycle PostgreSQL")
    cycles.add_structure(cycle.id, "Centre social", "association")
    db.session.commit()
    atelier = cycles.add_atelier(cycle, load_script_text(SCRIPT))
    _two_workers(pg_app, smtp, atelier, tmp_path, 120)
