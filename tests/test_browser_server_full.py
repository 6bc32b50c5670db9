"""A full server in Chromium: the participant's page says « Le serveur est complet … » and
comes back by itself after the delay the server gave (static/js/live.js), not never."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import CENTRE_SOCIAL, join_by_code, login, new_atelier
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser = browser_helpers.browser  # module-scoped fixture


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser-full")
    shutil.copytree(browser_helpers.ROOT / "workshop_scripts", folder / "scripts")
    live = LiveServer(
        folder / "instance",
        SCRIPTS_DIR=str(folder / "scripts"),
        MAX_CONNECTIONS="3",  # the console, one participant, and one place kept for animateurs
        ANIMATEUR_RESERVED_CONNECTIONS="1",
        SERVER_FULL_RETRY_MS="1500",
    ).start()
    yield live
    live.stop()


def test_a_refused_participant_is_told_and_retries_when_told(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server)  # the console is connected
    first = join_by_code(browser, server, code, "Awa", CENTRE_SOCIAL)
    expect(first.page.locator("#conn-status")).to_have_text("Connecté")

    late = join_by_code(browser, server, code, "Bruno", CENTRE_SOCIAL)
    expect(late.page.locator("#alerts")).to_contain_text(
        "Le serveur est complet, nouvel essai dans"
    )
    expect(late.page.locator("#conn-status")).not_to_have_text("Connecté")

    first.close()  # a place frees up: the late one gets in on its next try
    expect(late.page.locator("#conn-status")).to_have_text("Connecté", timeout=10_000)
    late.close()
    laptop.close()
