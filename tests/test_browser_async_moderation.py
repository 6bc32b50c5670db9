"""End to end in headless Chromium: a step with ``moderation: true`` opened for asynchronous
contributions after its atelier closed is moderated between ateliers on the animateur's
board (docs/cycle-life.md)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CODE_OF_EDUCATION,
    add_card,
    axe_violations,
    card,
    horizontal_overflow,
    join_by_code,
    login,
    new_atelier,
)
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(target)


def test_a_held_card_is_accepted_between_ateliers(browser: Any, server: LiveServer) -> None:
    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server, "Atelier modéré")
    title = anim.locator("h1").first.inner_text().strip()
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    cycle_id = server.demo["cycle_id"]
    anim.get_by_text("Clore l'atelier…").click()
    anim.get_by_role("button", name="Confirmer la clôture").click()
    expect(anim.locator("#atelier-state")).to_have_text("clos")

    anim.goto(f"{server.url}/animateur/cycles/{cycle_id}/entre-ateliers")
    section = anim.locator("section.cl-atelier", has_text=title)
    step = section.locator("li", has=anim.get_by_role("heading", name="Idées pour la rentrée"))
    step.get_by_text("Ouvrir aux contributions").click()
    step.get_by_label(re.compile("^Date limite")).fill(
        (date.today() + timedelta(days=7)).isoformat()
    )
    step.get_by_role("button", name=re.compile("^Ouvrir")).click()
    expect(anim.locator(".flash")).to_contain_text("ouverte aux contributions")

    # Alice contributes from the cycle page: her card waits for the animateur
    alice.page.goto(f"{server.url}/cycle/{cycle_id}")
    alice.page.get_by_role("link", name="Contribuer à « Idées pour la rentrée »").click()
    expect(alice.page.locator("#conn-status")).to_have_text("Connecté")
    ideas = ("Un jardin partagé au collège", "Un café des parents", "Des devoirs faits ensemble")
    for idea in ideas:
        add_card(alice.page, idea)
        expect(card(alice.page, idea)).to_contain_text("En attente de validation")

    # the animateur's board of that step has the moderation queue
    anim.goto(f"{server.url}/animateur/cycles/{cycle_id}/entre-ateliers")
    section.get_by_role("link", name=re.compile("^Voir les contributions")).first.click()
    expect(anim.locator("#conn-status")).to_have_text("Connecté")
    queue = anim.locator("#moderation")
    expect(queue).to_contain_text("Un jardin partagé au collège")
    assert axe_violations(anim) == []
    assert horizontal_overflow(anim) <= 0
    laptop.shot("async-moderation-1280")
    queue.get_by_role("button", name="Accepter", exact=True).first.click()
    expect(card(alice.page, ideas[0])).not_to_contain_text("En attente")
    expect(card(alice.page, ideas[1])).to_contain_text("En attente de validation")
    # the two left, at once (card_accept_all)
    queue.get_by_role("button", name="Tout accepter (2 cartes)").click()
    expect(queue).to_contain_text("Aucune carte en attente")
    expect(queue.get_by_role("button", name=re.compile("^Tout accepter"))).to_be_hidden()
    for idea in ideas[1:]:
        expect(card(alice.page, idea)).not_to_contain_text("En attente")
    alice.close()
    laptop.close()
