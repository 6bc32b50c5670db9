"""End to end in headless Chromium (Debian's chromium, driven by Playwright): an animateur
and two participants who join by code, write cards, see each other's, vote and reveal."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import Watched, add_card, card, join_by_code
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def test_animateur_and_two_participants(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = Watched(browser, 1280, 800)
    anim = laptop.page
    demo = server.demo
    anim.goto(server.url + "/connexion")
    anim.get_by_label("Adresse électronique").fill(demo["email"])
    anim.get_by_label("Mot de passe").fill(demo["password"])
    anim.get_by_role("button", name="Se connecter").click()
    anim.get_by_role("link", name=re.compile("Prévenir le décrochage")).first.click()
    anim.get_by_role("link", name=re.compile("Console")).first.click()
    code = anim.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    expect(anim.locator("#conn-status")).to_have_text("Connecté")

    alice = join_by_code(
        browser, server, code, "Alice", "Collège Jean-Moulin (Éducation nationale)"
    )
    bruno = join_by_code(browser, server, code, "Bruno", "Centre social Les Tilleuls (Association)")
    for phone in (alice, bruno):
        expect(phone.page.locator("#state-message")).to_contain_text("pas encore commencé")
    expect(anim.locator("#presence-count")).to_contain_text("2 participants en ligne")

    anim.get_by_role("button", name="Démarrer l'atelier").click()
    for phone in (alice, bruno):
        expect(phone.page.locator("#step-title")).to_have_text("Tour de table")
        expect(phone.page.locator("#step-consigne")).to_contain_text("Présentez-vous")

    add_card(alice.page, "CPE au collège, suivi des absences")
    add_card(bruno.page, "Animateur du centre social, aide aux devoirs")
    for page in (alice.page, bruno.page, anim):
        expect(card(page, "CPE au collège")).to_be_visible()
        expect(card(page, "aide aux devoirs")).to_be_visible()
    expect(card(bruno.page, "CPE au collège")).to_contain_text("Alice")

    # follow me to the vote step: everyone moves
    anim.locator("#step-list .step-list__goto", has_text="Prioriser").click()
    for phone in (alice, bruno):
        expect(phone.page.locator("#step-title")).to_have_text("Prioriser les enjeux")
    anim.get_by_label("Nouvelle carte (animateur)").fill("Repérer les premiers signes")
    anim.get_by_role("button", name="Ajouter").click()
    anim.get_by_label("Nouvelle carte (animateur)").fill("Associer les parents")
    anim.get_by_role("button", name="Ajouter").click()

    first = card(alice.page, "Repérer les premiers signes")
    first.get_by_role("button", name="Voter", exact=True).click()
    expect(first.locator(".card__myvotes")).to_contain_text("1")
    first.get_by_role("button", name="Voter", exact=True).click()
    expect(alice.page.locator("#votes-left")).to_contain_text("Votes restants : 1 sur 3")
    # cap of 2 per card: the button is now refused
    expect(first.get_by_role("button", name="Voter", exact=True)).to_be_disabled()
    card(bruno.page, "Repérer les premiers signes").get_by_role(
        "button", name="Voter", exact=True
    ).click()
    # totals hidden from participants until the animateur reveals them
    expect(card(bruno.page, "Repérer les premiers signes").locator(".card__tally")).to_have_count(0)
    expect(card(anim, "Repérer les premiers signes").locator(".card__tally")).to_have_text(
        "3 votes"
    )
    anim.get_by_role("button", name="Afficher les résultats").click()
    for phone in (alice, bruno):
        expect(
            card(phone.page, "Repérer les premiers signes").locator(".card__tally")
        ).to_have_text("3 votes")

    laptop.shot("demo-console-1280")
    alice.shot("demo-participant-390")
    for watched in (laptop, alice, bruno):
        assert watched.problems == [], watched.problems
        watched.close()
