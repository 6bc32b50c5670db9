"""What a team member held ends with their place in the team (issue 16): an invitation
link serves once even when two accounts accept it at the same instant; removing someone
rotates the cycle's calendar key, and closes their console sockets."""

from __future__ import annotations

import re
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
from tests.conftest import Sock, _config
from tests.test_atelier_planning import login
from tests.test_team import crew, invite  # noqa: F401  (crew: a fixture)


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


def test_removal_revokes_the_feed_the_consoles_and_the_read_only_board(
    crew: dict[str, Any],  # noqa: F811  (the fixture imported above)
    connect: Any,
) -> None:
    atelier, owner_http = crew["atelier"], crew["owner_http"]
    cycle_id = atelier.cycle_id
    planning = f"/animateur/cycles/{cycle_id}/planning"
    old_feed = _feed(owner_http.get(planning).get_data(as_text=True))
    anonymous = owner_http.application.test_client()
    assert anonymous.get(old_feed).status_code == 200
    # the observateur's read-only board, with a token of their own
    board = crew["observer_http"].get(f"/animateur/ateliers/{atelier.id}").get_data(as_text=True)
    token = re.search(r'data-socket-token="([^"]+)"', board).group(1)
    observing = Sock(owner_http.application, token)
    co = connect("animateur", atelier, crew["co"])
    owner = connect("animateur", atelier, crew["owner"])
    assert observing.connected and co.connected and owner.connected
    assert co.call("atelier_start", {})["ok"]

    url = f"/animateur/cycles/{cycle_id}/equipe/{{}}/retirer"
    assert owner_http.post(url.format(crew["co"].id)).status_code == 302
    assert not co.connected  # disconnected at once
    assert owner.connected and observing.connected
    again = connect("animateur", atelier, crew["co"])
    assert not again.connected
    assert owner_http.post(url.format(crew["observer"].id)).status_code == 302
    assert not observing.connected
    refused = Sock(owner_http.application, token)
    assert not refused.connected
    assert crew["observer_http"].get(f"/animateur/ateliers/{atelier.id}").status_code == 403
    assert owner.call("timer", {"action": "start", "seconds": 60})["ok"]  # the owner goes on

    gone = anonymous.get(old_feed)
    assert gone.status_code == 404 and "plus valable" in gone.get_data(as_text=True)
    new_feed = _feed(owner_http.get(planning).get_data(as_text=True))
    assert new_feed != old_feed and anonymous.get(new_feed).status_code == 200


def test_a_console_on_another_process_is_refused_at_its_next_action(
    crew: dict[str, Any],  # noqa: F811  (the fixture imported above)
    connect: Any,
) -> None:
    """The removal reaches this process's connections only: on another process, the role is
    checked again at each action of an animateur — refused, connection closed."""
    atelier = crew["atelier"]
    co = connect("animateur", atelier, crew["co"])
    assert co.call("atelier_start", {})["ok"]
    db.session.query(CycleAnimateur).filter_by(
        cycle_id=atelier.cycle_id, animateur_id=crew["co"].id
    ).delete()  # as another process's removal would
    db.session.commit()
    answer = co.call("timer", {"action": "start", "seconds": 60})
    assert answer["ok"] is False and answer["error"]["code"] == "forbidden"
    assert "ne faites plus partie" in answer["error"]["message_fr"]
    assert not co.connected


def _feed(page: str) -> str:
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    return url.replace("http://localhost", "")


def test_a_removal_reaches_every_process_through_the_event_log(
    crew: dict[str, Any],  # noqa: F811  (the fixture imported above)
    connect: Any,
) -> None:
    """On another process the removal is not a signal but an event of the log: its relay
    hook closes that person's consoles there (here: the local signal muted, as if the
    removal had been made elsewhere); the others go on and see who left."""
    from facilitator.core import signals  # noqa: PLC0415

    atelier, owner_http = crew["atelier"], crew["owner_http"]
    co = connect("animateur", atelier, crew["co"])
    owner = connect("animateur", atelier, crew["owner"])
    assert co.call("atelier_start", {})["ok"]
    owner.received()
    url = f"/animateur/cycles/{atelier.cycle_id}/equipe/{crew['co'].id}/retirer"
    with signals.team_member_removed.muted():
        assert owner_http.post(url).status_code == 302
    assert not co.connected
    assert owner.connected
    told = [e for e in owner.events() if e["type"] == "team.member_removed"]
    assert [e["data"] for e in told] == [{"animateur_id": crew["co"].id}]
