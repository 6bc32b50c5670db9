"""Feuille de route proposals in sub-groups in headless Chromium (issue 18): the console
switches the step to groups; a phone at 390 px proposes an action and sees its own group's
proposals only; the console's grid counts each group's proposals; the wall (1920 × 1080)
shows them group by group; after the mise en commun the phone sees every proposal with its
group tag — axe-core clean. Screenshots: $SHOTS_DIR (default test-artifacts/)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import axe_violations
from tests.groups_browser import form_groups, go_to_step, group_room
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

SHOTS = Path(os.environ.get("SHOTS_DIR", "test-artifacts"))


def test_feuille_de_route_in_groups_on_the_phone_the_console_and_the_wall(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    with group_room(browser, server, "Feuille de route", 5) as room:
        laptop, console, phone = room.laptop, room.console, room.phone
        go_to_step(console, "Les actions de la feuille")
        # the step is current on both screens before the panel is filled (it is redrawn)
        expect(phone.page.locator(".fdr-form")).to_be_visible()
        expect(console.locator(".fdr")).to_be_visible()
        form_groups(console)
        expect(phone.page.locator("#groups-banner")).to_contain_text("Votre groupe")
        form = phone.page.locator(".fdr-form")
        form.get_by_label("Intitulé de l'action").fill("Café des parents au collège")
        form.get_by_role("button", name="Proposer l'action").click()
        rows = phone.page.locator("tr[data-action-id]")
        expect(rows).to_have_count(1)
        step = room.step_id("actions")
        room.everyone_acts(
            step,
            "propose",
            lambda n: {"client_id": f"fdr-grp-{n:06d}", "intitule": f"Action {n + 1}"},
        )
        state = room.groups(step)
        mine = phone.page.locator(".groups-banner__mine strong").inner_text()
        by_name = {g["name"]: g for g in state["groups"]}
        assert sum(g["count"] for g in state["groups"]) == 6
        # the phone sees its own group's proposals only (the others' do not exist there)
        expect(rows).to_have_count(by_name[mine]["count"])
        assert by_name[mine]["count"] < 6
        counts = console.locator(".groups-cell__count strong")
        expect(counts).to_have_count(2)
        expect(counts.first).to_have_text(str(state["groups"][0]["count"]))
        expect(counts.last).to_have_text(str(state["groups"][1]["count"]))
        problems = axe_violations(console) + axe_violations(phone.page)
        console.screenshot(path=str(SHOTS / "console-feuille-groups-1280.png"))
        phone.page.screenshot(path=str(SHOTS / "phone-feuille-group-390.png"), full_page=True)
        wall = room.wall(browser, server)
        expect(wall.page.locator(".wall-group")).to_have_count(2)
        expect(wall.page.locator(".wall-card")).to_have_count(6)
        problems += axe_violations(wall.page)
        wall.page.screenshot(path=str(SHOTS / "wall-feuille-groups-1920.png"))
        console.get_by_role("button", name="Clore le travail en groupes").click()
        console.get_by_role("button", name="Fusionner en plénière").click()
        expect(rows).to_have_count(6)
        expect(phone.page.locator(".fdr-group-tag")).to_have_count(6)
        # two groups' duplicates merged from the console: one row less everywhere
        console.get_by_label("Fusionner dans (doublon « Action 1 »)").select_option(
            label="Café des parents au collège"
        )
        console.get_by_role(
            "button", name="Fusionner « Action 1 » dans l'action choisie (doublon)"
        ).click()
        expect(rows).to_have_count(5)
        expect(console.locator("tr[data-action-id]")).to_have_count(5)
        problems += axe_violations(console)
        console.screenshot(path=str(SHOTS / "console-feuille-merged-1280.png"), full_page=True)
        phone.page.screenshot(path=str(SHOTS / "phone-feuille-merged-390.png"), full_page=True)
        assert problems == [], problems
        for page in (laptop, phone, wall):
            page.check()
