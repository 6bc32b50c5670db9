"""The mail pages in headless Chromium (no SMTP: the Boîte d'envoi): a participant gives
an address on their phone, the animateur composes an invitation, sees the preview, sends
it, reads the message in the Boîte d'envoi; axe-core finds no serious violation on these
pages nor in the message itself, no horizontal scroll at 390 px. Screenshots in
test-artifacts/ (mail-*.png)."""

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
    join_by_code,
    login,
    new_atelier,
)
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def _clean(watched: Watched, name: str) -> None:
    assert axe_violations(watched.page) == [], name
    watched.shot(name)


def test_address_campaign_and_boite_d_envoi_in_chromium(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server)
    laptop.page.get_by_role("button", name="Démarrer l'atelier").click()
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    cycle_id = server.demo["cycle_id"]
    phone = alice.page
    phone.goto(f"{server.url}/cycle/{cycle_id}")
    phone.get_by_role(
        "link", name="Recevoir les invitations et comptes rendus par courriel"
    ).click()
    phone.get_by_label("Votre adresse électronique").fill("alice@exemple")
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_role("alert")).to_contain_text("adresse électronique valide")
    # the refusal is an HTTP 400, which Chromium logs to the console: expected here
    assert alice.problems == [
        "console: Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    alice.problems.clear()
    phone.get_by_label("Votre adresse électronique").fill("alice.martin@exemple.fr")
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_role("status")).to_contain_text("enregistrés")
    assert horizontal_overflow(phone) == 0
    _clean(alice, "mail-participant-390")

    page = laptop.page
    page.goto(f"{server.url}/animateur/cycles/{cycle_id}")
    page.get_by_role("link", name="Courriels").click()
    expect(page.get_by_role("heading", name="Courriels du cycle")).to_be_visible()
    _clean(laptop, "mail-index-1280")
    page.get_by_label("Type de courriel").select_option(label="Invitation à un atelier")
    atelier = page.get_by_label("Atelier concerné").locator("option", has_text="Atelier de test")
    page.get_by_label("Atelier concerné").select_option(atelier.last.get_attribute("value"))
    page.get_by_role("button", name="Préparer (aperçu avant envoi)").click()
    page.get_by_label("Votre texte").fill("Nous comptons sur vous.\n\nVenez avec un collègue !")
    page.get_by_role("button", name="Enregistrer et actualiser l'aperçu").click()
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_text("Venez avec un collègue !")).to_be_visible()
    _clean(laptop, "mail-campaign-1280")
    page.get_by_role("button", name=re.compile(r"^Envoyer à \d+ destinataire")).click()
    expect(page.get_by_role("status")).to_contain_text("Campagne envoyée")
    page.get_by_role("link", name="Alice").first.click()
    expect(page.get_by_text("dans la boîte d'envoi (pas de serveur SMTP)")).to_be_visible()
    _clean(laptop, "mail-message-1280")

    # the message itself, as a mail client shows it, at phone and desktop widths (its page
    # in the Boîte d'envoi is sandboxed, scripts off: axe runs on a copy)
    src = page.locator("iframe.mail-frame").get_attribute("src")
    assert src is not None
    html = laptop.context.request.get(server.url + src).text()
    assert "Bonjour Alice" in html
    for width, height, name in ((390, 844, "mail-email-390"), (1280, 800, "mail-email-1280")):
        reader = Watched(browser, width, height)
        reader.page.set_content(html)
        expect(reader.page.get_by_role("heading", level=1)).to_be_visible()
        join = reader.page.get_by_role("link", name=re.compile("Rejoindre l'atelier"))
        expect(join).to_be_visible()
        assert horizontal_overflow(reader.page) == 0
        _clean(reader, name)
        reader.close()
    laptop.close()
    alice.close()
