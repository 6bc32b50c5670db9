"""The charte in sub-groups in headless Chromium (issue 18): the console switches the
charte step to groups; a phone at 390 px sees its own group's ideas only; the console's grid
counts each group's ideas; after the mise en commun the phone sees every idea with its group
tag — axe-core clean, no console error."""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import axe_violations
from tests.groups_browser import group_room, switch_to_groups
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def test_charte_ideas_in_groups(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    with group_room(browser, server, "Charte du projet", 3) as room:
        console, phone, people = room.console, room.phone, room.people
        switch_to_groups(console, "Charte du projet")
        expect(phone.page.locator("#groups-banner")).to_contain_text("Votre groupe")
        phone.page.get_by_label("Votre idée").fill("Se parler avant de décider")
        phone.page.get_by_role("button", name="Proposer l'idée").click()
        expect(phone.page.locator(".charte-idea")).to_have_count(1)
        snap = people[0].syncs[-1]["snapshot"]
        step = next(s for s in snap["steps"] if s["key"] == "charte")
        column = step["columns"][0]["id"]
        for n, peer in enumerate(people):
            ack = peer.call(
                "card_add",
                {"step_id": step["id"], "client_id": f"charte-grp-{n:04d}",
                 "text": f"Idée numéro {n + 1}", "column": column},
            )  # fmt: skip
            assert ack["ok"], ack
        # 4 people in 2 groups of 2: two ideas in each group
        expect(console.locator(".groups-cell__count[data-count='2']")).to_have_count(2)
        expect(phone.page.locator(".charte-idea")).to_have_count(2)
        problems = axe_violations(phone.page) + axe_violations(console)
        console.get_by_role("button", name="Clore le travail en groupes").click()
        console.get_by_role("button", name="Fusionner en plénière").click()
        expect(phone.page.locator(".charte-idea")).to_have_count(4)
        expect(phone.page.locator(".charte-idea__group")).to_have_count(4)
        assert problems == [], problems
        room.laptop.check()
        phone.check()
