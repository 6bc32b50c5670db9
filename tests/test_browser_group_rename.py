"""« Renommer » a sub-group in the console's group grid (issue 18), in headless Chromium at
1280×800: an empty name is refused in French on the field (nothing sent), a good one renames
the group for the console and the phones; what is typed survives the live counts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import axe_violations
from tests.groups_browser import group_room
from tests.live import LiveServer, Peer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def test_renaming_a_group_from_the_console(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    with group_room(browser, server, "Travail en sous-groupes", 7) as room:
        console, others, step = room.console, room.people, room.steps()[0]
        console.get_by_role("button", name="Former les groupes").click()
        cells = console.locator(".groups-cell")
        expect(cells).to_have_count(4)
        first = room.groups(step["id"])["groups"][0]
        cell = console.locator(f".groups-cell[data-group-id='{first['id']}']")
        cell.get_by_role("button", name=re.compile("^Renommer")).click()
        field = cell.get_by_label(re.compile("^Nouveau nom du groupe"))
        expect(field).to_be_focused()
        field.fill("   ")
        cell.get_by_role("button", name="Enregistrer").click()
        expect(cell.locator(".groups-rename__error")).to_have_text("Donnez un nom au groupe.")
        expect(field).to_have_attribute("aria-invalid", "true")
        problems = axe_violations(console)
        # a card arriving in the group redraws its cell: the field keeps what is typed
        field.fill("Table des parents")
        member = next(p for p in others if _group_of(p, step["id"]) == first["id"])
        ack = member.call(
            "card_add",
            {"step_id": step["id"], "client_id": "rename-card-0001", "text": "Une piste",
             "column": "pistes"},
        )  # fmt: skip
        assert ack["ok"], ack
        expect(cell.locator(".groups-cell__count strong")).to_have_text("1")
        expect(field).to_have_value("Table des parents")
        cell.get_by_role("button", name="Enregistrer").click()
        expect(console.locator(".groups-cell__name").first).to_have_text("Table des parents")
        expect(console.locator(".groups-rename")).to_have_count(0)
        renamed = room.groups(step["id"])
        assert renamed["groups"][0]["name"] == "Table des parents"
        console.screenshot(path="test-artifacts/shots18/console-group-rename-1280.png")
        assert problems == [], problems
        room.laptop.check()
        room.phone.check()


def _group_of(peer: Peer, step_id: int) -> int | None:
    state = peer.call("sync", {"last_seq": 0})["snapshot"]["groups"][str(step_id)]
    mine: int | None = state["mine"]
    return mine
