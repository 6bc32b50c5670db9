"""The animateur marks a card « Décision » from the console: the toggle says it is pressed,
the participant's phone and the projection show the mark at once."""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CODE_OF_EDUCATION,
    Watched,
    add_card,
    axe_violations,
    card,
    join_by_code,
    login,
    new_atelier,
)
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def test_a_marked_decision_shows_everywhere(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server)
    projector = Watched(browser, 1280, 720, context=laptop.context)
    projector.page.goto(server.url + anim.locator("#projection-link").get_attribute("href"))
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    add_card(alice.page, "Un comité de suivi trimestriel")
    on_console = card(anim, "Un comité de suivi")
    on_console.get_by_role("button", name="Actions").click()  # the card's menu
    toggle = on_console.get_by_role("button", name="Décision")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(on_console.get_by_role("button", name="Décision")).to_have_attribute(
        "aria-pressed", "true"
    )
    for page in (alice.page, projector.page):
        expect(card(page, "Un comité de suivi").locator(".card__mark")).to_have_text("Décision")
    # participants see the mark, not the toggles
    expect(card(alice.page, "Un comité de suivi").locator("[data-action=mark]")).to_have_count(0)
    assert axe_violations(anim) == []
    assert axe_violations(alice.page) == []
    alice.shot("participant-390-decision")
    laptop.shot("console-1280-decision")
    for watched in (alice, projector, laptop):
        watched.check()
        watched.close()
