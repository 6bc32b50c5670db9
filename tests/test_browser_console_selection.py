"""The console at 1280×800 (issue 16): cards selected on the board — a checkbox each,
Shift+click for a range, Space from the keyboard — and clustered in one action with a
group name (French validation); the console's « Qui a fait quoi » names the animateur
who did each action, live; an observateur of the team reads the cycle page and the board
without a form or an action button; axe-core clean."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import Watched, axe_violations, card, login, new_atelier
from tests.live import ROOT, LiveServer
from tests.test_browser_console import running_board

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

SHOTS = ROOT / "test-artifacts" / "console-selection"
DEMO_NAME = "Animatrice de démonstration"


def test_a_selection_is_clustered_in_one_action(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop, peer = running_board(browser, server)
    page = laptop.page
    bar = page.locator("#selection-bar")
    expect(bar).to_be_hidden()

    # who did it: the other console's lock appears with its animateur's name
    step = peer.syncs[0]["snapshot"]["steps"][1]
    assert peer.call("step_flags", {"step_id": step["id"], "locked": True})["ok"]
    page.locator("#activity-panel summary").click()
    log = page.locator("#activity-log li").first
    expect(log).to_contain_text(f"{DEMO_NAME} a verrouillé l'étape « Vos attentes »")
    assert peer.call("step_flags", {"step_id": step["id"], "locked": False})["ok"]
    expect(log).to_contain_text(f"{DEMO_NAME} a déverrouillé l'étape « Vos attentes »")

    def box(text: str) -> Any:
        return card(page, text).locator("input.card__select-box")

    expect(page.locator("input.card__select-box")).to_have_count(0)  # cards as drawn
    page.get_by_role("button", name="Sélectionner des cartes").click()
    expect(bar).to_be_visible()
    expect(page.locator("#selection-count")).to_have_text("0 carte sélectionnée")
    expect(box("Mieux connaître les dispositifs")).to_be_focused()
    box("Mieux connaître les dispositifs").click()
    expect(page.locator("#selection-count")).to_have_text("1 carte sélectionnée")
    box("Des outils communs").click(modifiers=["Shift"])  # the range: three cards
    expect(page.locator("#selection-count")).to_have_text("3 cartes sélectionnées")
    expect(box("Partager nos agendas")).to_be_checked()
    # from the keyboard: Space on a focused card's box
    other = box("Ma connaissance du collège")
    other.focus()
    page.keyboard.press("Space")
    expect(page.locator("#selection-count")).to_have_text("4 cartes sélectionnées")
    page.keyboard.press("Space")
    expect(page.locator("#selection-count")).to_have_text("3 cartes sélectionnées")
    page.keyboard.press("Space")
    expect(page.locator("#selection-count")).to_have_text("4 cartes sélectionnées")

    page.get_by_role("button", name="Regrouper la sélection").click()
    name = page.get_by_label("Nom du groupe")
    expect(name).to_be_focused()
    page.get_by_role("button", name="Regrouper", exact=True).click()  # no name
    expect(page.locator("#selection-error")).to_have_text("Donnez un nom au groupe.")
    expect(name).to_have_attribute("aria-invalid", "true")
    name.fill("Outils partagés")
    expect(page.locator("#selection-error")).to_be_hidden()
    assert axe_violations(page) == []
    page.screenshot(path=f"{SHOTS}/console-selection-1280.png")
    page.get_by_role("button", name="Regrouper", exact=True).click()
    # one group in each of the two columns the cards came from, the selection emptied
    expect(page.locator('.cluster[data-cluster="Outils partagés"]')).to_have_count(2)
    expect(page.locator('.cluster[data-cluster="Outils partagés"] [data-card-id]')).to_have_count(4)
    expect(bar).to_be_hidden()
    expect(page.locator("input.card__select-box")).to_have_count(0)  # the mode ends
    expect(log).to_contain_text(f"{DEMO_NAME} a modifié une carte (4 fois)")
    page.screenshot(path=f"{SHOTS}/console-selection-1280-regroupees.png")

    page.get_by_role("button", name="Sélectionner des cartes").click()
    box("Une salle pour se réunir").click()
    box("Ne pas multiplier les réunions").click()
    expect(page.locator("#selection-count")).to_have_text("2 cartes sélectionnées")
    page.get_by_role("button", name="Tout désélectionner").click()
    expect(page.locator("#selection-count")).to_have_text("0 carte sélectionnée")
    expect(page.locator("input.card__select-box:checked")).to_have_count(0)
    page.get_by_role("button", name="Terminer la sélection").click()
    expect(bar).to_be_hidden()
    expect(page.locator("input.card__select-box")).to_have_count(0)
    assert axe_violations(page) == []
    # a step with no card to select (previewed): no « Sélectionner des cartes »
    page.locator(".step-list__view").nth(2).click()
    expect(page.get_by_role("button", name="Sélectionner des cartes")).to_be_hidden()
    page.locator(".step-list__view").nth(1).click()  # back to « Vos attentes », its cards
    expect(page.get_by_role("button", name="Sélectionner des cartes")).to_be_visible()
    peer.disconnect()
    laptop.close()


OBSERVER = ("observatrice@exemple.fr", "Sacha Observatrice", "mot-de-passe-solide-3")


def _account(server: LiveServer, email: str, name: str, password: str) -> None:
    env = {**os.environ, "FACILITATOR_INSTANCE": str(server.instance)}
    env.pop("SOCKETIO_ASYNC_MODE", None)
    command = ["create-animateur", "--email", email, "--name", name, "--password", password]
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "facilitator", *command],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_an_observateur_reads_without_a_form(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    email, name, password = OBSERVER
    _account(server, email, name, password)
    owner = login(browser, server)
    new_atelier(owner, server)
    cycle_url = f"{server.url}/animateur/cycles/{server.demo['cycle_id']}"
    owner.page.goto(cycle_url + "/equipe")
    owner.page.get_by_label("Rôle").select_option("observateur")
    owner.page.get_by_role("button", name="Créer le lien d'invitation").click()
    link = owner.page.locator("#new-link").input_value()

    reader = Watched(browser, 1280, 800)
    page = reader.page
    page.goto(server.url + "/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/animateur"))
    page.goto(link)
    page.get_by_role("button", name="Rejoindre l'équipe").click()
    page.wait_for_url(re.compile(r"/animateur/cycles/\d+$"))
    expect(page.locator(".notice").first).to_contain_text("lecture seule")
    writing = "main form[method=post], main button, main input:not([type=hidden]), main select"
    expect(page.locator(writing)).to_have_count(0)
    assert axe_violations(page) == []
    page.screenshot(path=f"{SHOTS}/observateur-cycle-1280.png", full_page=True)
    # the atelier's board, read-only, live
    page.get_by_role("link", name=re.compile("^Tableau en lecture seule de l'atelier")).last.click()
    expect(page.locator("#conn-status")).to_have_text("Connecté")
    expect(page.locator("main textarea, main form[method=post]")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}/observateur-tableau-1280.png")
    reader.close()
    owner.close()
