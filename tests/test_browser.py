"""End to end in headless Chromium (Debian's chromium, driven by Playwright): an animateur
and two participants who join by code, write cards, see each other's, vote and reveal."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live import LiveServer

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium missing at {CHROMIUM}: `make test` installs it")
        pytest.skip(f"Chromium missing at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("browser")).start()
    yield live
    live.stop()


class Watched:
    """A page whose JS errors and CSP violations fail the test."""

    def __init__(self, browser: Any, width: int, height: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and "ERR_INTERNET_DISCONNECTED" not in text:
            self.problems.append(f"console: {text}")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def join_by_code(browser: Any, server: LiveServer, code: str, name: str, structure: str) -> Watched:
    phone = Watched(browser, 390, 844)
    page = phone.page
    page.goto(server.url + "/")
    page.get_by_label("Code de l'atelier").fill(code.lower())
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_label("Votre prénom ou le nom affiché").fill(name)
    page.get_by_label("Votre structure", exact=True).select_option(label=structure)
    page.get_by_role("button", name="Rejoindre l'atelier").click()
    page.wait_for_url(re.compile(r"/atelier/"))
    return phone


def add_card(page: Any, text: str) -> None:
    page.get_by_label("Votre contribution").fill(text)
    page.get_by_role("button", name="Ajouter").click()


def card(page: Any, text: str) -> Any:
    return page.locator("[data-card-id]", has_text=text)


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

    laptop.shot("console-1280")
    alice.shot("participant-390")
    for watched in (laptop, alice, bruno):
        assert watched.problems == [], watched.problems
        watched.close()
