"""What a team member held ends with their place in the team (issue 16): an invitation
link serves once even when two accounts accept it at the same instant; removing someone
rotates the cycle's calendar key, and closes their console sockets."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from facilitator import create_app
from facilitator.core import accounts, cycles, team
from facilitator.extensions import db
from facilitator.models import CycleAnimateur
from tests.conftest import _config
from tests.test_atelier_planning import login
from tests.test_team import invite


@pytest.fixture
def patient_app(tmp_path: Path, migrated_db: Path) -> Iterator[Flask]:
    """SQLite waits for the write lock (no gevent in these tests): two threads' writes
    are serialised by the database, as on PostgreSQL, instead of one failing at once."""
    shutil.copy(migrated_db, tmp_path / "test.db")
    app = create_app({**_config(tmp_path), "SQLITE_BUSY_TIMEOUT_MS": 5000})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_an_invitation_accepted_twice_at_once_serves_once(
    patient_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, first, second = (
        accounts.create_animateur(f"race{n}@exemple.fr", f"Animatrice {n}", "mot-de-passe-solide")
        for n in range(3)
    )
    cycle = cycles.create_cycle(owner, "Prévenir le décrochage", territoire="Val-de-Lys")
    db.session.commit()
    cycle_id = cycle.id
    owner_http = patient_app.test_client()
    login(owner_http, owner)
    link = invite(owner_http, cycle_id, "co")

    # both requests have read the invitation as unused before either writes
    both_read = threading.Barrier(2, timeout=10)
    read = team.invitation

    def read_then_wait(secret: str) -> Any:
        found = read(secret)
        if threading.current_thread() is not threading.main_thread():
            both_read.wait()
        return found

    monkeypatch.setattr(team, "invitation", read_then_wait)
    answers: dict[int, Any] = {}

    def accept(account: Any) -> None:
        http = patient_app.test_client()
        login(http, account)
        response = http.post(link)
        answers[account.email] = (response.status_code, response.get_data(as_text=True))

    people = [SimpleNamespace(email=a.email) for a in (first, second)]
    threads = [threading.Thread(target=accept, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(status for status, _ in answers.values()) == [302, 400]
    refused = next(text for status, text in answers.values() if status == 400)
    assert "déjà servi" in refused
    db.session.remove()
    joined = db.session.query(CycleAnimateur).filter_by(cycle_id=cycle_id).all()
    assert sorted(row.role for row in joined) == ["co", "owner"]
