"""Shared by the sub-group browser tests (issue 18): an atelier started from the console at
1280×800, people joined by socket, a phone at 390 px, the animateur's own socket; and the
console's switch to groups."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.browser_helpers import CENTRE_SOCIAL, Watched, join_by_code, login, new_atelier
from tests.live import LiveServer, Peer, console_token, join_participant, login_animateur


@dataclass
class GroupRoom:
    laptop: Any
    console: Any
    phone: Any
    atelier_id: int
    people: list[Peer]
    anim: Peer

    def steps(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.anim.syncs[0]["snapshot"]["steps"]
        return found

    def step_id(self, key: str) -> int:
        """The id of the script's step ``key``."""
        return next(s["id"] for s in self.steps() if s["key"] == key)

    def everyone_acts(self, step_id: int, action: str, data: Callable[[int], Any]) -> None:
        """Each socket participant takes the step's ``action`` once, the n-th with
        ``data(n)``; every one acknowledged."""
        for n, peer in enumerate(self.people):
            payload = {"step_id": step_id, "action": action, "data": data(n)}
            ack = peer.call("step_action", payload)
            assert ack["ok"], ack

    def wall(self, browser: Any, server: LiveServer) -> Watched:
        """The atelier's projection at 1920×1080, in the laptop's context."""
        wall = Watched(browser, 1920, 1080, context=self.laptop.context)
        wall.page.set_viewport_size({"width": 1920, "height": 1080})
        wall.page.goto(f"{server.url}/animateur/ateliers/{self.atelier_id}/projection")
        return wall

    def groups(self, step_id: int) -> dict[str, Any]:
        state: dict[str, Any] = self.anim.call("sync", {"last_seq": 0})["snapshot"]["groups"][
            str(step_id)
        ]
        return state


@contextmanager
def group_room(
    browser: Any,
    server: LiveServer,
    script: str,
    people: int,
    name: str = "Nadia",
    structure: str = CENTRE_SOCIAL,
) -> Iterator[GroupRoom]:
    """The atelier of ``script`` (its title in the new-atelier form), started; ``people``
    participants of three structures, then the phone of ``name`` (of ``structure``) and the
    animateur's socket."""
    laptop = login(browser, server)
    code = new_atelier(laptop, server, script)
    console = laptop.page
    console.get_by_role("button", name="Démarrer l'atelier").click()
    match = re.search(r"/ateliers/(\d+)", console.url)
    assert match is not None, console.url
    atelier_id = int(match.group(1))
    link = console.locator("#participant-link").input_value()
    peers = [
        Peer(server.url, join_participant(server, link, f"Personne {i}", 1 + i % 3)).connect()
        for i in range(people)
    ]
    phone = join_by_code(browser, server, code, name, structure)
    anim = Peer(server.url, console_token(login_animateur(server), server, atelier_id)).connect()
    try:
        yield GroupRoom(laptop, console, phone, atelier_id, peers, anim)
    finally:
        for peer in [anim, *peers]:
            peer.disconnect()


def switch_to_groups(console: Any, step_title: str, count: int = 2) -> None:
    """From the console: go to the step, run it in ``count`` groups mixed by structure type,
    form them."""
    go_to_step(console, step_title)
    form_groups(console, count)


def go_to_step(console: Any, step_title: str) -> None:
    """From the console: go to the step; returns once it is the current one."""
    from playwright.sync_api import expect

    goto = console.locator("#step-list .step-list__goto", has_text=step_title)
    goto.click()
    # the panel is redrawn for that step once it is the current one: fill that one, not the
    # previous step's form still on screen (a loaded machine shows the difference)
    expect(goto).to_contain_text("en cours")


def form_groups(console: Any, count: int = 2) -> None:
    """From the console, on the current step: run it in ``count`` groups mixed by structure
    type, form them."""
    from playwright.sync_api import expect

    panel = console.locator("#groups-panel")
    panel.get_by_label("Formation des groupes").select_option("mixte")
    panel.get_by_label("Nombre de groupes").fill(str(count))
    expect(panel.get_by_label("Nombre de groupes")).to_have_value(str(count))
    panel.get_by_role("button", name="Travailler en sous-groupes").click()
    panel.get_by_role("button", name="Former les groupes").click()
    expect(console.locator(".groups-cell")).to_have_count(count)
