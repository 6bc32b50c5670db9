"""Chaînes de valeur in sub-groups in headless Chromium (issue 18): a phone at 390 px in a
group builds its chain; the console's grid counts each group's chains and items; a member
of the other group does not see it; the wall (1920 × 1080) shows the chains group by
group; after the mise en commun the chain shows its group tag — axe-core clean.
Screenshots: $SHOTS_DIR (default test-artifacts/)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import CODE_OF_EDUCATION, axe_violations
from tests.groups_browser import form_groups, go_to_step, group_room
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

SHOTS = Path(os.environ.get("SHOTS_DIR", "test-artifacts"))


def test_chains_in_groups_on_the_phone_the_console_and_the_wall(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    with group_room(
        browser, server, "Dispositif d'évaluation", 5, "Alice", CODE_OF_EDUCATION
    ) as room:
        laptop, console, phone, anim = room.laptop, room.console, room.phone, room.anim
        go_to_step(console, "La chaîne de valeur de")
        expect(phone.page.locator(".cv-add")).to_be_visible()
        expect(console.locator(".cv-add")).to_be_visible()
        form_groups(console)
        expect(phone.page.locator("#groups-banner")).to_contain_text("Votre groupe")
        page = phone.page
        page.locator(".cv-add summary").click()
        page.get_by_label("Structure", exact=True).select_option(label="Collège Jean-Moulin")
        page.get_by_role("button", name="Créer la chaîne").click()
        expect(page.locator(".cv-chain__title")).to_have_text("Collège Jean-Moulin")
        form = page.locator(".cv-item-form")
        form.get_by_label("Maillon").select_option(label="Ressources")
        form.get_by_label("Texte").fill("Deux CPE et un local")
        form.get_by_role("button", name="Ajouter à la chaîne").click()
        expect(page.locator(".cv-level[aria-label='Ressources']")).to_contain_text("Deux CPE")
        step = room.step_id("chaines")
        room.everyone_acts(
            step,
            "chaine_add",
            lambda n: {
                "client_id": f"cv-grp-{n:06d}",
                "subject": "action",
                "title": f"Action {n + 1}",
            },
        )
        state = anim.call("sync", {"last_seq": 0})["snapshot"]
        groups = state["groups"][str(step)]
        assert sum(g["count"] for g in groups["groups"]) == 7  # 6 chains, 1 item
        mine = page.locator(".groups-banner__mine strong").inner_text()
        theirs = next(g for g in groups["groups"] if g["name"] != mine)
        # the other group's chains are not on the phone (its picker lists its group's only)
        labels = page.locator("#cv-picker option").all_inner_texts()
        for chaine in state["activity"][str(step)]["chaines"]:
            if chaine["group_id"] == theirs["id"]:
                assert not any(label.startswith(chaine["title"]) for label in labels)
        counts = console.locator(".groups-cell__count strong")
        expect(counts.first).to_have_text(str(groups["groups"][0]["count"]))
        expect(counts.last).to_have_text(str(groups["groups"][1]["count"]))
        problems = axe_violations(console) + axe_violations(page)
        console.screenshot(path=str(SHOTS / "console-chaine-groups-1280.png"))
        page.screenshot(path=str(SHOTS / "phone-chaine-group-390.png"), full_page=True)
        wall = room.wall(browser, server)
        expect(wall.page.locator(".wall-group")).to_have_count(2)
        expect(wall.page.locator(".wall-card")).to_have_count(7)
        expect(wall.page.locator(".wall-groups")).to_contain_text(
            "Collège Jean-Moulin → Ressources : Deux CPE et un local"
        )
        problems += axe_violations(wall.page)
        wall.page.screenshot(path=str(SHOTS / "wall-chaine-groups-1920.png"))
        console.get_by_role("button", name="Clore le travail en groupes").click()
        console.get_by_role("button", name="Fusionner en plénière").click()
        expect(page.locator(".cv-chain .card__group")).to_have_text(re.compile(mine))
        page.screenshot(path=str(SHOTS / "phone-chaine-merged-390.png"), full_page=True)
        assert problems == [], problems
        for watched in (laptop, phone, wall):
            watched.check()
