"""The « Guide de l'animateur » (docs/guide-animateur.md) stays true: this test walks through
what it tells, in headless Chromium, and takes the screenshots the guide shows; then the app
serves the guide from the console's help link, every image loads, and axe-core finds nothing.

The screenshots go to test-artifacts/guide/, so that a test run leaves the working tree clean;
`make guide` runs this walk with UPDATE_GUIDE=1, which writes them over docs/guide/."""

from __future__ import annotations

import os
import re
import time
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CODE_OF_EDUCATION,
    Watched,
    add_card,
    axe_violations,
    join_by_code,
    login,
    new_atelier,
)
from tests.live import ROOT, LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

GUIDE = ROOT / "docs" / "guide-animateur.md"
IMAGES = ROOT / ("docs" if os.environ.get("UPDATE_GUIDE") else "test-artifacts") / "guide"


def _shot(page: Any, name: str, at: Any = None) -> None:
    """The viewport (from the top, or with ``at`` scrolled into view) as IMAGES/<name>.png."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    if at is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        at.scroll_into_view_if_needed()
    page.screenshot(path=str(IMAGES / f"{name}.png"))


def test_the_guide_is_true_and_served(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    started = time.time()
    laptop = login(browser, server)
    page = laptop.page
    code = new_atelier(laptop, server, "Lancement")
    console_url = page.url
    # 1. the cycle page
    page.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}")
    expect(page.get_by_role("link", name="Synthèse du cycle")).to_be_visible()
    _shot(page, "cycle")
    # 3. what participants see: joining, then the board
    phone = Watched(browser, 390, 844)
    phone.page.goto(f"{server.url}/")
    phone.page.get_by_label("Code de l'atelier").fill(code)
    phone.page.get_by_role("button", name="Rejoindre").click()
    phone.page.get_by_label("Votre prénom ou le nom affiché").fill("Camille")
    phone.page.get_by_label("Votre structure", exact=True).select_option(label=CODE_OF_EDUCATION)
    _shot(phone.page, "rejoindre")
    phone.page.get_by_role("button", name="Rejoindre l'atelier").click()
    phone.page.wait_for_url(re.compile(r"/atelier/"))
    other = join_by_code(browser, server, code, "Yanis", browser_helpers.CENTRE_SOCIAL)
    # 2. the console: start, cards come in
    page.goto(console_url)
    page.get_by_role("button", name="Démarrer l'atelier").click()
    expect(phone.page.locator("#step-title")).not_to_be_empty()
    for text in ("Je coordonne le PRE du quartier", "Je suis CPE au collège Jean-Moulin"):
        add_card(phone.page, text)
    add_card(other.page, "J'anime l'accueil de loisirs du centre social")
    expect(page.locator("[data-card-id]", has_text="accueil de loisirs")).to_be_visible()
    # the picture shows who is online (presence is announced at most once a second)
    expect(page.locator("#presence-count")).to_contain_text("2 participants en ligne")
    _shot(page, "console")
    mine = phone.page.locator("[data-card-id]", has_text="CPE au collège")
    expect(mine).to_be_visible()
    _shot(phone.page, "telephone", at=phone.page.locator("#board"))
    # the wall
    atelier_id = console_url.rstrip("/").split("/")[-1]
    wall = Watched(browser, 1280, 720, context=laptop.context)
    wall.page.set_viewport_size({"width": 1280, "height": 720})
    wall.page.goto(f"{server.url}/animateur/ateliers/{atelier_id}/projection")
    expect(wall.page.locator("[data-card-id]", has_text="accueil de loisirs")).to_be_visible()
    _shot(wall.page, "projection")
    # 4. after: the documents
    page.goto(f"{server.url}/animateur/ateliers/{atelier_id}/documents")
    expect(page.locator("h1")).to_contain_text("Documents")
    _shot(page, "documents")

    # every image of the guide was written just now, by this walk
    names = re.findall(r"\]\(guide/([\w-]+)\.png\)", GUIDE.read_text(encoding="utf-8"))
    assert len(names) >= 6
    for name in names:
        path = IMAGES / f"{name}.png"
        assert path.exists() and path.stat().st_mtime >= started - 1, name
    # the console's help link serves the guide, its images load, axe finds nothing
    page.goto(console_url)
    link = page.locator("#guide-link")
    href = link.get_attribute("href")
    assert href == "/aide/guide-animateur"
    page.goto(server.url + href)
    expect(page.get_by_role("heading", level=1)).to_have_text("Guide de l'animateur")
    images = page.locator("article.guide img")
    expect(images).to_have_count(len(names))
    loaded = page.evaluate(
        "() => [...document.querySelectorAll('article.guide img')]"
        ".map((i) => i.complete && i.naturalWidth > 0)"
    )
    assert all(loaded), loaded
    assert axe_violations(page) == []
    for watched in (wall, other, phone):
        watched.close()
    laptop.close()
