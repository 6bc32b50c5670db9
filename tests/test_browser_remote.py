"""A hybride atelier in headless Chromium (issue 18, item 4): a phone (390 px) joins « à
distance » and finds the visio link on its board; another, in the room, switches to remote
from its board; the console's presence says who is remote (« dont N à distance »); axe-core
finds no violation, no horizontal scroll at 390 px. Screenshots when SHOTS18H is set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CODE_OF_EDUCATION,
    Watched,
    axe_violations,
    horizontal_overflow,
    login,
    new_atelier,
)
from tests.live import LiveServer
from tests.test_browser_deroule import ALL_IMPACTS

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

SHOTS = Path(os.environ["SHOTS18H"]) if os.environ.get("SHOTS18H") else None
VISIO = "https://visio.exemple.org/atelier-hybride"


def shot(page: Any, name: str, full: bool = False) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def join(
    browser: Any, server: LiveServer, code: str, name: str, where: str, check: bool = False
) -> Watched:
    phone = Watched(browser, 390, 844)
    page = phone.page
    page.goto(server.url + "/")
    page.get_by_label("Code de l'atelier").fill(code.lower())
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_label("Votre prénom ou le nom affiché").fill(name)
    page.get_by_label("Votre structure", exact=True).select_option(label=CODE_OF_EDUCATION)
    page.get_by_label(re.compile("^" + where)).check()
    if check:  # the join form of a hybride atelier
        assert axe_violations(page, ALL_IMPACTS) == []
        assert horizontal_overflow(page) == 0
        shot(page, "join-hybride-390", full=True)
    page.get_by_role("button", name="Rejoindre l'atelier").click()
    page.wait_for_url(re.compile(r"/atelier/"))
    return phone


def test_remote_participants_in_a_hybride_atelier(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    console = laptop.page
    code = new_atelier(laptop, server)
    console_url = console.url
    atelier_id = re.search(r"/ateliers/(\d+)", console_url).group(1)
    console.goto(f"{server.url}/animateur/ateliers/{atelier_id}/modifier")
    console.get_by_label("Mode").select_option("hybride")
    console.get_by_label("Lien de visio").fill(VISIO)
    console.get_by_role("button", name="Enregistrer").click()
    console.goto(console_url)
    expect(console.locator("#conn-status")).to_have_text("Connecté")

    away = join(browser, server, code, "Inès Loin", "À distance", check=True)
    board = away.page
    expect(board.locator("#remote-state")).to_have_text("Vous participez à distance.")
    visio = board.get_by_role("link", name=re.compile("^Rejoindre la visio"))
    expect(visio).to_be_visible()
    assert visio.get_attribute("href") == VISIO
    expect(board.locator("#conn-status")).to_have_text("Connecté")
    assert axe_violations(board, ALL_IMPACTS) == []
    assert horizontal_overflow(board) == 0
    shot(board, "remote-phone-390")

    room = join(browser, server, code, "Hugo Salle", "Dans la salle")
    here = room.page
    expect(here.locator("#remote-state")).to_have_text("Vous participez dans la salle.")
    expect(here.get_by_role("link", name=re.compile("^Rejoindre la visio"))).to_be_hidden()
    expect(here.locator("#conn-status")).to_have_text("Connecté")
    here.get_by_role("button", name="Je participe à distance").click()
    expect(here.locator("#remote-state")).to_have_text("Vous participez à distance.")
    expect(here.get_by_role("link", name=re.compile("^Rejoindre la visio"))).to_be_visible()
    here.get_by_role("button", name="Je suis dans la salle").click()
    expect(here.locator("#remote-state")).to_have_text("Vous participez dans la salle.")

    console.locator("#presence-panel summary").click()
    expect(console.locator("#presence-count")).to_contain_text("dont 1 à distance", timeout=5000)
    remote_row = console.locator("#presence-list li", has_text="Inès Loin")
    expect(remote_row.locator(".presence__remote")).to_have_text("à distance")
    room_row = console.locator("#presence-list li", has_text="Hugo Salle")
    expect(room_row.locator(".presence__remote")).to_have_count(0)
    assert axe_violations(console, ALL_IMPACTS) == []
    console.locator("#presence-panel").scroll_into_view_if_needed()
    shot(console, "console-presence-1280")
    # the animateur's attendance sheet of a hybride atelier: « À distance » per person
    console.goto(f"{server.url}/animateur/ateliers/{atelier_id}/presences")
    expect(console.get_by_label("Inès Loin a participé à distance")).to_be_checked()
    expect(console.get_by_label("Hugo Salle a participé à distance")).not_to_be_checked()
    assert axe_violations(console, ALL_IMPACTS) == []

    # « Réinitialiser mon code » on the person's cycle page: a new code, shown at once
    board.goto(f"{server.url}/cycle/{server.demo['cycle_id']}")
    board.get_by_text("Ouvrir cette page sur un autre appareil").click()
    old = board.locator("#personal-code").inner_text()
    assert axe_violations(board, ALL_IMPACTS) == []
    board.get_by_role("button", name="Réinitialiser mon code").click()
    expect(board.locator(".flash")).to_contain_text("Votre nouveau code personnel")
    board.get_by_text("Ouvrir cette page sur un autre appareil").click()
    new = board.locator("#personal-code").inner_text()
    assert new != old and new in board.locator(".flash").inner_text()
    assert horizontal_overflow(board) == 0
    shot(board, "reset-code-390", full=True)
    for watched in (away, room, laptop):
        watched.close()
