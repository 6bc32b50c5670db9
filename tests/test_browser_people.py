"""Recognition and merge in headless Chromium (issue 16): a second device asked « Êtes-vous
déjà venu·e ? », a duplicate listed, merged by the animateur; axe-core finds no violation,
no horizontal scroll at 390 px; screenshots for the closing note."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CODE_OF_EDUCATION,
    Watched,
    axe_violations,
    horizontal_overflow,
    login,
)
from tests.live import LiveServer
from tests.test_browser_deroule import ALL_IMPACTS, shot

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def _join(browser: Any, server: LiveServer, link: str, name: str) -> Watched:
    phone = Watched(browser, 390, 844)
    page = phone.page
    page.goto(link)
    page.get_by_label("Votre prénom ou le nom affiché").fill(name)
    page.get_by_label("Votre structure", exact=True).select_option(label=CODE_OF_EDUCATION)
    page.get_by_role("button", name="Rejoindre l'atelier").click()
    return phone


def test_returning_person_and_merge(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    page = laptop.page
    page.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}")
    page.get_by_role("link", name=re.compile("^Console de l'atelier")).first.click()
    link = page.locator("#participant-link").input_value()
    first = _join(browser, server, link, "Camille Roux")
    first.page.wait_for_url(re.compile(r"/atelier/"))
    second = _join(browser, server, link, "camille roux")
    expect(second.page.get_by_role("heading", name="Êtes-vous déjà venu·e ?")).to_be_visible()
    assert axe_violations(second.page, ALL_IMPACTS) == []
    assert horizontal_overflow(second.page) == 0
    shot(second.page, "returning-390")
    second.page.get_by_role("button", name="Non, je suis une autre personne").click()
    second.page.wait_for_url(re.compile(r"/atelier/"))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800 if width > 400 else 844})
        page.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}/participants")
        expect(page.get_by_role("heading", name=re.compile("Doublons probables"))).to_be_visible()
        assert axe_violations(page, ALL_IMPACTS) == []
        assert horizontal_overflow(page) == 0
        shot(page, f"merge-duplicates-{width}")
    page.get_by_role("button", name=re.compile("^Réunir camille roux")).click()
    expect(page.locator(".flash")).to_contain_text("réuni·e avec « Camille Roux »")
    expect(page.get_by_role("heading", name=re.compile("Doublons probables"))).to_have_count(0)
    shot(page, "merge-done-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "merge-done-1280")
    for watched in (first, second, laptop):
        watched.close()
