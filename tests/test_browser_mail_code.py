"""« Code oublié ? Recevoir mon code par e-mail » in headless Chromium (issue 17): on the
« Êtes-vous déjà venu·e ? » box of a second device, the request is answered with the same
sentence for any address; axe-core finds no violation, no horizontal scroll at 390 px;
screenshot for the closing note."""

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


def _join(browser: Any, link: str, name: str) -> Watched:
    phone = Watched(browser, 390, 844)
    phone.page.goto(link)
    phone.page.get_by_label("Votre prénom ou le nom affiché").fill(name)
    phone.page.get_by_label("Votre structure", exact=True).select_option(label=CODE_OF_EDUCATION)
    phone.page.get_by_role("button", name="Rejoindre l'atelier").click()
    return phone


def test_receive_my_code_by_e_mail_from_the_returning_box(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    page = laptop.page
    page.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}")
    page.get_by_role("link", name=re.compile("^Console de l'atelier")).first.click()
    link = page.locator("#participant-link").input_value()
    first = _join(browser, link, "Dominique Lenoir")
    first.page.wait_for_url(re.compile(r"/atelier/"))
    second = _join(browser, link, "Dominique Lenoir")
    phone = second.page
    expect(phone.get_by_role("heading", name="Êtes-vous déjà venu·e ?")).to_be_visible()
    phone.get_by_text("Code oublié ? Recevoir mon code par e-mail").click()
    phone.get_by_label("Votre adresse électronique").fill("dominique@exemple.fr")
    phone.get_by_role("button", name="Recevoir mon code par e-mail").click()
    expect(phone.get_by_role("status")).to_contain_text("son code personnel vient de lui être")
    expect(phone.get_by_role("heading", name="Êtes-vous déjà venu·e ?")).to_be_visible()
    assert axe_violations(phone, ALL_IMPACTS) == []
    assert horizontal_overflow(phone) == 0
    shot(phone, "returning-code-mail-390")
    phone.get_by_role("button", name="Non, je suis une autre personne").click()
    phone.wait_for_url(re.compile(r"/atelier/"))
    for watched in (first, second, laptop):
        watched.close()
