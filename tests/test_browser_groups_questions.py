"""Questions essentielles in sub-groups in headless Chromium (issue 18): the console switches
the step to groups; a phone at 390 px sees its own group's proposals only; the console's grid
counts each group's proposals; the wall shows them group by group; after the mise en commun
the phone sees every proposal with its group tag — axe-core clean."""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    Watched,
    axe_violations,
)
from tests.groups_browser import group_room, switch_to_groups
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def test_questions_in_groups_on_the_phone_the_console_and_the_wall(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    with group_room(browser, server, "Exploration prospective", 5) as room:
        laptop, console, phone = room.laptop, room.console, room.phone
        atelier_id = room.atelier_id
        switch_to_groups(console, "Questions essentielles")
        expect(phone.page.locator("#groups-banner")).to_contain_text("Votre groupe")
        phone.page.get_by_label("Votre question").fill("Comment associer les parents ?")
        phone.page.get_by_role("button", name="Proposer", exact=True).click()
        expect(phone.page.locator(".proposal")).to_have_count(1)
        step = room.step_id("questions")
        room.everyone_acts(
            step,
            "propose",
            lambda n: {"client_id": f"qe-grp-{n:06d}", "text": f"Question {n + 1} ?"},
        )
        state = room.groups(step)
        mine = phone.page.locator(".groups-banner__mine strong").inner_text()
        by_name = {g["name"]: g for g in state["groups"]}
        assert sum(g["count"] for g in state["groups"]) == 6
        expect(phone.page.locator(".proposal")).to_have_count(by_name[mine]["count"])
        counts = console.locator(".groups-cell__count strong")
        expect(counts).to_have_count(2)
        expect(counts.first).to_have_text(str(state["groups"][0]["count"]))
        expect(counts.last).to_have_text(str(state["groups"][1]["count"]))
        problems = axe_violations(console) + axe_violations(phone.page)
        wall = Watched(browser, 1920, 1080, context=laptop.context)
        wall.page.goto(f"{server.url}/animateur/ateliers/{atelier_id}/projection")
        expect(wall.page.locator(".wall-group")).to_have_count(2)
        expect(wall.page.locator(".wall-card")).to_have_count(6)
        problems += axe_violations(wall.page)
        console.get_by_role("button", name="Clore le travail en groupes").click()
        console.get_by_role("button", name="Fusionner en plénière").click()
        expect(phone.page.locator(".proposal")).to_have_count(6)
        expect(phone.page.locator(".proposal .card__group")).to_have_count(6)
        phone.page.screenshot(path="test-artifacts/shots18/phone-questions-merged-390.png",
                              full_page=True)  # fmt: skip
        assert problems == [], problems
        for page in (laptop, phone, wall):
            page.check()
