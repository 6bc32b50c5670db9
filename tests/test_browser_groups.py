"""Sub-groups in headless Chromium (issue 18): a phone at 390 px sees its group and who is
in it, adds a card that only its group gets; the console at 1280×800 shows the groups side
by side with live counts; the wall at 1920×1080 shows every group in a grid, then one group
at a time for the mise en commun — nothing to click, axe-core clean. Screenshots in
test-artifacts/ (groups-*)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CENTRE_SOCIAL,
    Watched,
    add_card,
    axe_violations,
    join_by_code,
    login,
    new_atelier,
)
from tests.groups_browser import group_room
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def test_groups_on_the_phone_the_console_and_the_wall(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    with group_room(browser, server, "Travail en sous-groupes", 7) as room:
        laptop, console, phone, people = room.laptop, room.console, room.phone, room.people
        atelier_id, step = room.atelier_id, room.steps()[0]
        expect(console.locator("#groups-panel")).to_contain_text("en préparation")
        console.get_by_role("button", name="Former les groupes").click()
        expect(console.locator(".groups-cell")).to_have_count(4)
        # the phone: its group and who is in it
        banner = phone.page.locator("#groups-banner")
        expect(banner).to_contain_text("Votre groupe")
        mine = banner.locator(".groups-banner__mine strong").inner_text()
        add_card(phone.page, "Un café des parents dans chaque école")
        expect(phone.page.locator("[data-card-id]")).to_have_count(1)
        # the others post; the phone gets its group's cards only
        for n, peer in enumerate(people):
            ack = peer.call(
                "card_add",
                {
                    "step_id": step["id"],
                    "client_id": f"grp{n:09d}",
                    "text": f"Piste {n + 1}",
                    "column": "pistes",
                },
            )
            assert ack["ok"], ack
        state = room.groups(step["id"])
        by_name = {g["name"]: g for g in state["groups"]}
        expect(phone.page.locator("[data-card-id]")).to_have_count(by_name[mine]["count"])
        # the console: live counts per group, side by side
        total = console.locator(".groups-cell__count strong")
        expect(total).to_have_count(4)
        counts = sorted(int(t) for t in total.all_inner_texts())
        assert counts == sorted(g["count"] for g in state["groups"])
        assert sum(counts) == 8
        problems = axe_violations(console) + axe_violations(phone.page)
        console.screenshot(path="test-artifacts/shots18/console-groups-1280.png")
        phone.page.screenshot(path="test-artifacts/shots18/phone-group-390.png", full_page=True)
        # the wall: every group, then one at a time (the mise en commun)
        wall = Watched(browser, 1920, 1080, context=laptop.context)
        wall.page.set_viewport_size({"width": 1920, "height": 1080})
        wall.page.goto(f"{server.url}/animateur/ateliers/{atelier_id}/projection")
        expect(wall.page.locator(".wall-group")).to_have_count(4)
        expect(wall.page.locator(".wall-card")).to_have_count(8)
        wall.page.screenshot(path="test-artifacts/shots18/wall-groups-grid-1920.png")
        console.get_by_role("button", name="Clore le travail en groupes").click()
        expect(wall.page.locator(".wall-group")).to_have_count(1)
        expect(wall.page.locator(".wall-groups__phase")).to_have_text("Mise en commun")
        second = state["groups"][1]
        console.locator(f"[data-group-id='{second['id']}']").get_by_role(
            "button", name=re.compile("Au mur")
        ).click()
        expect(wall.page.locator(".wall-group__name")).to_contain_text(second["name"])
        interactive = wall.page.locator("#stage button, #stage a[href], #stage select").count()
        assert interactive == 0
        problems += axe_violations(wall.page)
        wall.page.screenshot(path="test-artifacts/shots18/wall-mise-en-commun-1920.png")
        # merged: the phone sees every group's card, each with its group tag
        console.get_by_role("button", name="Fusionner en plénière").click()
        expect(phone.page.locator("[data-card-id]")).to_have_count(8)
        expect(phone.page.locator(".card__group").first).to_be_visible()
        assert problems == [], problems
        for page in (laptop, phone, wall):
            page.check()


def test_the_console_switch_and_choosing_a_group_on_the_phone(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server, "Travail en sous-groupes")
    console = laptop.page
    console.get_by_role("button", name="Démarrer l'atelier").click()
    phone = join_by_code(browser, server, code, "Samia", CENTRE_SOCIAL)
    panel = console.locator("#groups-panel")
    # back to plenary, then the console's switch: groups chosen by the participants
    panel.get_by_role("button", name="Revenir en plénière").click()
    remote = panel.get_by_label(re.compile("^Personnes à distance"))
    expect(remote.locator("option")).to_have_text(
        ["Indifférent", "Ensemble (leur propre groupe, une même visio)",
         "Mélangés dans tous les groupes"]
    )  # fmt: skip
    problems_plan = axe_violations(console)
    console.screenshot(path="test-artifacts/shots18/console-groups-plan-1280.png")
    panel.get_by_label("Formation des groupes").select_option("choix")
    panel.get_by_label("Nombre de groupes").fill("3")
    panel.get_by_label("Places par groupe (au choix ; vide : sans limite)").fill("5")
    panel.get_by_role("button", name="Travailler en sous-groupes").click()
    expect(panel).to_contain_text("au choix des participants")
    panel.get_by_role("button", name="Former les groupes").click()
    banner = phone.page.locator("#groups-banner")
    join = banner.get_by_role("button", name=re.compile("^Rejoindre"))
    expect(join.first).to_be_visible()
    problems = axe_violations(phone.page) + problems_plan
    first = join.first.get_attribute("aria-label").split(" : ", 1)[1]
    join.first.click()
    expect(banner.locator(".groups-banner__mine strong")).to_have_text(first)
    expect(console.locator(".groups-cell", has_text=first)).to_contain_text("Membres (1)")
    # a message to every group reaches the phone
    panel.get_by_label("Message", exact=True).fill("Dix minutes pour conclure")
    panel.get_by_role("button", name="Envoyer").click()
    expect(banner.locator(".groups-banner__message")).to_contain_text("Dix minutes pour conclure")
    phone.page.screenshot(path="test-artifacts/shots18/phone-choice-390.png", full_page=True)
    assert problems == [], problems
    laptop.check()
    phone.check()
