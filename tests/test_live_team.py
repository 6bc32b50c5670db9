"""Two animateurs driving one atelier at once, against a real server process with real
Socket.IO clients (issue 16): each sees the other's actions live; a change made on a stale
version is refused with the fresh state, never overwriting the other's; the journal says
who did what."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.live import (
    ROOT,
    LiveServer,
    Peer,
    console_token,
    csrf_of,
    join_participant,
    login_animateur,
    wait_until,
)
from tests.test_live_server import _participant_link

pytestmark = pytest.mark.live

CO_EMAIL, CO_PASSWORD = "co-animatrice@exemple.fr", "mot-de-passe-solide-2"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("live-team")).start()
    env = {**os.environ, "FACILITATOR_INSTANCE": str(live.instance)}
    env.pop("SOCKETIO_ASYNC_MODE", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "facilitator",
            "create-animateur",
            "--email",
            CO_EMAIL,
            "--name",
            "Dominique Co-animatrice",
            "--password",
            CO_PASSWORD,
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    yield live
    live.stop()


def _co_session(server: LiveServer, owner: requests.Session) -> requests.Session:
    """The second account, invited by link by the first."""
    team = f"{server.url}/animateur/cycles/{server.demo['cycle_id']}/equipe"
    page = owner.get(team).text
    made = owner.post(team + "/invitations", data={"role": "co", "csrf_token": csrf_of(page)})
    link = re.search(r'id="new-link" type="text" readonly value="([^"]+)"', made.text).group(1)
    co = requests.Session()
    login = co.get(server.url + "/connexion").text
    r = co.post(
        server.url + "/connexion",
        data={"email": CO_EMAIL, "password": CO_PASSWORD, "csrf_token": csrf_of(login)},
    )
    assert "/animateur" in r.url
    invitation = co.get(link).text
    r = co.post(link, data={"csrf_token": csrf_of(invitation)})
    assert r.status_code == 200 and "/animateur/cycles/" in r.url
    return co


def test_two_animateurs_drive_one_atelier(server: LiveServer) -> None:
    owner = login_animateur(server)
    co = _co_session(server, owner)
    atelier_id, link = _participant_link(server, owner)
    first = Peer(server.url, console_token(owner, server, atelier_id)).connect()
    second = Peer(server.url, console_token(co, server, atelier_id)).connect()
    seen: list[dict[str, Any]] = []
    second.sio.on("event", lambda e: seen.append(e))
    assert first.call("atelier_start", {})["ok"]
    assert wait_until(lambda: any(e["type"] == "atelier.updated" for e in seen))
    writer = Peer(server.url, join_participant(server, link, "Alice")).connect()
    snapshot = writer.syncs[0]["snapshot"]
    step, column = snapshot["atelier"]["current_step_id"], snapshot["steps"][0]["columns"][0]["id"]
    card = writer.call(
        "card_add",
        {"step_id": step, "client_id": "two-anims-01", "text": "Une idée", "column": column},
    )["card"]
    # both put the card in a cluster from the version they saw: the second is refused
    one = first.call("card_edit", {"card_id": card["id"], "version": 1, "cluster": "Mobilité"})
    two = second.call("card_edit", {"card_id": card["id"], "version": 1, "cluster": "Santé"})
    assert one["ok"] and two["ok"] is False
    assert two["error"]["code"] == "conflict"
    assert two["error"]["card"]["cluster"] == "Mobilité"  # the fresh state
    assert wait_until(
        lambda: any(
            e["type"] == "card.updated" and e["data"]["card"]["cluster"] == "Mobilité" for e in seen
        )
    )
    three = second.call("card_edit", {"card_id": card["id"], "version": 2, "cluster": "Santé"})
    assert three["ok"]
    # each sees who did it, live, by name; the participant never gets a name of theirs
    heard: list[dict[str, Any]] = []
    first.sio.on("event", lambda e: heard.append(e))
    mine: list[dict[str, Any]] = []
    writer.sio.on("event", lambda e: mine.append(e))
    assert second.call("step_flags", {"step_id": step, "locked": True})["ok"]
    assert wait_until(lambda: any(e["type"] == "step.updated" for e in heard))
    locked = next(e for e in heard if e["type"] == "step.updated")
    assert locked["by"]["name"] == "Dominique Co-animatrice"
    assert any(e.get("by", {}).get("name") == "Animatrice de démonstration" for e in seen)
    assert wait_until(lambda: any(e["type"] == "step.updated" for e in mine))
    assert all("by" not in e for e in mine)
    # the atelier's edit page: a stale form is refused with the fresh state too
    edit = f"{server.url}/animateur/ateliers/{atelier_id}/modifier"
    page = owner.get(edit).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {
        "title": "Atelier",
        "mode": "presentiel",
        "lieu": "Salle A",
        "version": version,
        "csrf_token": csrf_of(page),
    }
    assert owner.post(edit, data=form).status_code == 200
    stale = co.post(
        edit, data={**form, "lieu": "Salle B", "csrf_token": csrf_of(co.get(edit).text)}
    )
    assert stale.status_code == 409 and 'value="Salle A"' in stale.text
    journal = owner.get(f"{server.url}/animateur/ateliers/{atelier_id}/journal").text
    assert "Dominique Co-animatrice" in journal and "Animatrice de démonstration" in journal
    for peer in (first, second, writer):
        peer.disconnect()
