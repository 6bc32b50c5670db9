"""Phones (issue 14, item 5), in headless Chromium at 390 px: the cartographie is a list to
search (not the whole map), nothing is offered that the server would refuse, and a step with
nothing to do says « Regardez l'écran »."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CODE_OF_EDUCATION,
    axe_violations,
    horizontal_overflow,
    join_by_code,
)
from tests.test_browser_projection import _steer, _wall_atelier, wall_server  # noqa: F401

pytestmark = pytest.mark.browser
browser = browser_helpers.browser  # the module-scoped fixture


def test_phone_map_list_refusals_and_watch_the_screen(
    browser: Any,
    wall_server: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    from playwright.sync_api import expect

    laptop, atelier_id = _wall_atelier(browser, wall_server, "Les téléphones")
    anim = _steer(wall_server, atelier_id)
    steps = anim.syncs[-1]["snapshot"]["steps"]
    by_key = {s["key"]: s["id"] for s in steps}
    laptop.page.goto(f"{wall_server.url}/animateur/ateliers/{atelier_id}/projection")
    code = laptop.page.locator("#projection-code").inner_text().strip()
    phone = join_by_code(browser, wall_server, code, "Inès", CODE_OF_EDUCATION)
    page = phone.page
    assert anim.call("atelier_start", {})["ok"]

    # the map on a phone: a list to search, a tap opens the actor's card
    assert anim.call("step_goto", {"step_id": by_key["acteurs"]})["ok"]
    search = page.get_by_label("Chercher un acteur (nom, type, champ)")
    expect(search).to_be_visible()
    expect(page.locator(".map-svg")).to_be_hidden()
    items = page.locator(".carto-list__item")
    expect(items.first).to_be_visible()
    assert items.count() >= 10
    search.fill("caf dép")
    expect(items).to_have_count(1)
    page.get_by_role("button", name="CAF du département").click()
    expect(page.locator("#map-details-title")).to_have_text("CAF du département")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height  # was about 17 000 px with the whole table
    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []

    # a long page (the charte): its sections one tap away, in the sticky status bar
    assert anim.call("step_goto", {"step_id": by_key["charte"]})["ok"]
    nav = page.get_by_role("navigation", name="Sections de l'étape")
    expect(nav).to_be_visible()
    links = nav.get_by_role("link")
    assert links.count() >= 3
    last = links.nth(links.count() - 1)
    target = last.get_attribute("href")
    last.click()
    assert page.evaluate("(id) => document.activeElement.id === id", target.lstrip("#"))
    expect(nav).to_be_in_viewport()  # sticky: still there far down the page
    assert horizontal_overflow(page) == 0

    # nothing offered that the server refuses: others' chains cannot be deleted by this phone
    assert anim.call("step_goto", {"step_id": by_key["chaine"]})["ok"]
    expect(page.locator("#step-title")).to_have_text("L'écosystème")
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name=re.compile("^Supprimer"))).to_have_count(0)

    # a locked step: « Regardez l'écran »
    assert anim.call("step_goto", {"step_id": by_key["cartes"]})["ok"]
    expect(page.locator("#watch-screen")).to_be_hidden()
    assert anim.call("step_flags", {"step_id": by_key["cartes"], "locked": True})["ok"]
    expect(page.locator("#watch-screen")).to_have_text(re.compile("^Regardez l'écran"))
    assert anim.call("step_flags", {"step_id": by_key["cartes"], "locked": False})["ok"]
    expect(page.locator("#watch-screen")).to_be_hidden()
    anim.disconnect()
    phone.close()
    laptop.close()
