"""The console made for driving, in headless Chromium at 1280×800: the control bar within
5 Tab presses of the page load, the step list, the current step and the first row of cards
on screen without scrolling, one-key shortcuts documented in the page that leave text
fields alone; the board arranged by drag and drop and by the keyboard path (« Actions »,
« Déplacer vers… », « Regrouper avec… »), synced to a second screen; axe-core clean."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import Watched, axe_violations, card, login, new_atelier
from tests.live import LiveServer, Peer, console_token, login_animateur, wait_until

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

IDEAS = {
    "attentes": ["Mieux connaître les dispositifs", "Partager nos agendas", "Des outils communs"],
    "apports": ["Ma connaissance du collège", "Une salle pour se réunir"],
    "vigilances": ["Ne pas multiplier les réunions"],
}


def running_board(browser: Any, server: LiveServer) -> tuple[Watched, Peer]:
    """A started atelier on its step « Vos attentes » (three columns) with six cards; the
    console open at 1280×800, a socket client of the animateur beside it."""
    from playwright.sync_api import expect

    laptop = login(browser, server)
    new_atelier(laptop, server)
    page = laptop.page
    page.get_by_role("button", name="Démarrer l'atelier").click()
    atelier_id = int(re.search(r"/ateliers/(\d+)", page.url).group(1))
    peer = Peer(server.url, console_token(login_animateur(server), server, atelier_id)).connect()
    step = peer.syncs[0]["snapshot"]["steps"][1]
    assert peer.call("step_goto", {"step_id": step["id"]})["ok"]
    n = 0
    for column, texts in IDEAS.items():
        for text in texts:
            n += 1
            data = {"step_id": step["id"], "client_id": f"console-{n:05d}", "text": text}
            assert peer.call("card_add", {**data, "column": column})["ok"]
    page.reload()
    expect(page.locator("#conn-status")).to_have_text("Connecté")
    expect(page.locator("[data-card-id]")).to_have_count(6)
    return laptop, peer


def in_view(page: Any, selector: str) -> bool:
    """The element is entirely inside the viewport, as the page opens (no scrolling)."""
    return page.locator(selector).first.evaluate(
        """(el) => { const r = el.getBoundingClientRect();
            return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight
                && r.right <= innerWidth; }"""
    )


def test_the_bar_is_reached_in_five_tabs_and_everything_fits(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    laptop, peer = running_board(browser, server)
    page = laptop.page
    assert page.evaluate("scrollY") == 0
    for selector in ("#step-list", "#step-list [aria-current=step]", "#step-title"):
        assert in_view(page, selector), selector
    # the first row of cards: the first card of each column
    for column in IDEAS:
        assert in_view(page, f'[data-column="{column}"] [data-card-id]'), column

    presses = 0
    while presses < 5:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("!!document.activeElement.closest('#control-bar')"):
            break
    assert page.evaluate("!!document.activeElement.closest('#control-bar')"), presses
    assert presses <= 5
    # inside the bar, the arrow keys reach every command; « Verrouiller » among them
    lock = page.get_by_role("button", name="Verrouiller")
    for _ in range(12):
        if lock.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("ArrowRight")
    expect(lock).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Déverrouiller")).to_be_visible()
    # Tab leaves the bar at once: the bar is one stop
    page.keyboard.press("Tab")
    assert not page.evaluate("!!document.activeElement.closest('#control-bar')")

    # shortcuts: documented in the page, never taken from a text field
    page.get_by_role("button", name="Raccourcis").click()
    panel = page.locator("#shortcuts-panel")
    expect(panel).to_contain_text("Étape suivante")
    expect(panel.locator("kbd", has_text="N")).to_be_visible()
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    page.get_by_label("Nouvelle carte (animateur)").fill("")
    page.get_by_label("Nouvelle carte (animateur)").press_sequentially("nv")
    expect(page.get_by_label("Nouvelle carte (animateur)")).to_have_value("nv")
    expect(page.locator("#step-title")).to_have_text("Vos attentes")
    expect(page.get_by_role("button", name="Déverrouiller")).to_be_visible()
    page.locator("#step").click()  # out of the field
    page.keyboard.press("v")
    expect(page.get_by_role("button", name="Verrouiller")).to_be_visible()
    page.keyboard.press("n")
    expect(page.locator("#step-title")).to_have_text("Premiers enjeux prioritaires")
    expect(page.locator("#bar-step")).to_have_text(re.compile(r"^Étape 3/\d+ · Premiers enjeux"))
    page.keyboard.press("p")
    expect(page.locator("#step-title")).to_have_text("Vos attentes")
    laptop.shot("console-1280-barre")
    peer.disconnect()
    laptop.close()


def drag(page: Any, source: Any, target: Any, where: str = "middle") -> None:
    """Drag ``source`` with the mouse and drop it on the middle of ``target`` (to group) or
    on its lower edge (to put it after)."""
    # away from the viewport's edges, where SortableJS scrolls the page during the drag
    target.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    s, t = source.bounding_box(), target.bounding_box()
    page.mouse.move(s["x"] + 20, s["y"] + 12)
    page.mouse.down()
    page.mouse.move(s["x"] + 30, s["y"] + 30, steps=4)
    y = t["y"] + t["height"] * (0.5 if where == "middle" else 0.9)
    page.mouse.move(t["x"] + t["width"] / 2, y, steps=12)
    page.wait_for_timeout(150)
    page.mouse.move(t["x"] + t["width"] / 2 + 2, y, steps=2)
    page.mouse.up()


def test_cards_are_moved_and_grouped_by_hand_and_by_keyboard(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    laptop, peer = running_board(browser, server)
    page = laptop.page
    wall = Watched(browser, 1280, 720, context=laptop.context)  # a second screen
    wall.page.goto(server.url + page.locator("#projection-link").get_attribute("href"))
    expect(wall.page.locator("[data-card-id]")).to_have_count(6)

    # by hand: into another column, below its last card
    drag(page, card(page, "Des outils communs"), card(page, "Une salle pour"), where="below")
    for p in (page, wall.page):
        moved = p.locator('[data-column="apports"] [data-card-id]', has_text="Des outils")
        expect(moved).to_be_visible()
    # by hand: on the middle of a card, to group them
    drag(page, card(page, "Partager nos agendas"), card(page, "Mieux connaître"))
    for p in (page, wall.page):
        group = p.locator('[data-column="attentes"] .cluster', has_text="Groupe 1")
        expect(group.locator("[data-card-id]")).to_have_count(2)

    # the keyboard path: the card's menu, « Déplacer vers… »
    menu = card(page, "Ne pas multiplier").get_by_role("button", name="Actions")
    menu.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Modifier")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Déplacer vers…")).to_be_focused()
    page.keyboard.press("Enter")
    target = page.get_by_role("button", name="Colonne « Ce que j'attends du cycle »")
    expect(target).to_be_focused()
    page.keyboard.press("Enter")
    for p in (page, wall.page):
        moved = p.locator('[data-column="attentes"] [data-card-id]', has_text="Ne pas multiplier")
        expect(moved).to_be_visible()
    expect(card(page, "Ne pas multiplier").get_by_role("button", name="Actions")).to_be_focused()
    # « Regrouper avec… » a group: the card joins it
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Regrouper avec…").press("Enter")
    chooser = page.get_by_label("Regrouper avec…")
    expect(chooser).to_be_focused()
    chooser.select_option(label="Groupe « Groupe 1 » (Ce que j'attends du cycle)")
    page.get_by_role("button", name="Regrouper", exact=True).press("Enter")
    for p in (page, wall.page):
        group = p.locator('[data-column="attentes"] .cluster', has_text="Groupe 1")
        expect(group.locator("[data-card-id]")).to_have_count(3)
    # the group renamed in place, then undone
    group = page.locator(".cluster", has_text="Groupe 1")
    group.get_by_role("button", name="Renommer").click()
    page.get_by_label("Nouveau nom du groupe").fill("Se connaître")
    page.get_by_label("Nouveau nom du groupe").press("Enter")
    expect(wall.page.locator(".cluster", has_text="Se connaître")).to_be_visible()
    assert axe_violations(page) == []
    laptop.shot("console-1280-groupes")
    page.locator(".cluster", has_text="Se connaître").get_by_role(
        "button", name="Dégrouper"
    ).click()
    expect(wall.page.locator(".cluster")).to_have_count(0)

    # what the screens show is what is stored: a fresh snapshot agrees
    snapshot = peer.call("sync", {"last_seq": 0})["snapshot"]
    columns = {c["text"]: c["column"] for c in snapshot["cards"]}
    assert columns["Des outils communs"] == "apports"
    assert columns["Ne pas multiplier les réunions"] == "attentes"
    assert {c["cluster"] for c in snapshot["cards"]} == {None}
    peer.disconnect()
    wall.close()
    laptop.close()


CANVAS_SCRIPT = """\
format: 1
id: tableau-libre-test
title: Tableau libre (test)
steps:
  - id: libre
    type: cartes
    title: Nos idées en vrac
    consigne: Une idée par carte ; l'animateur les place sur le tableau.
    settings:
      layout: canvas
      columns: [{id: idees, label: Idées}, {id: questions, label: Questions}]
"""


def test_a_free_canvas_step_places_cards_anywhere(browser: Any, server: LiveServer) -> None:
    from pathlib import Path

    from playwright.sync_api import expect

    Path(server.env["SCRIPTS_DIR"], "tableau-libre-test.yaml").write_text(
        CANVAS_SCRIPT, encoding="utf-8"
    )
    laptop = login(browser, server)
    new_atelier(laptop, server, script="Tableau libre (test)")
    page = laptop.page
    page.get_by_role("button", name="Démarrer l'atelier").click()
    for text in ("Une idée à placer", "Une question à part"):
        page.get_by_label("Nouvelle carte (animateur)").fill(text)
        page.get_by_role("button", name="Ajouter", exact=True).click()
        expect(card(page, text)).to_be_visible()
    wall = Watched(browser, 1920, 1080, context=laptop.context)
    wall.page.goto(server.url + page.locator("#projection-link").get_attribute("href"))
    on_wall = card(wall.page, "Une idée à placer")
    expect(on_wall).to_be_visible()
    left = "(el) => parseFloat(el.style.left)"
    assert on_wall.evaluate(left) < 20

    # by hand: dragged to the right half of the board, the wall follows
    source = card(page, "Une idée à placer")
    box = source.bounding_box()
    surface = page.locator(".canvas__surface").bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    target = (surface["x"] + surface["width"] * 0.6, surface["y"] + surface["height"] * 0.5)
    page.mouse.move(*target, steps=10)
    page.mouse.up()
    assert wait_until(lambda: on_wall.evaluate(left) > 50), on_wall.evaluate(left)
    # by keyboard: the card's menu, « Déplacer vers… », « Vers le bas »
    before = on_wall.evaluate("(el) => parseFloat(el.style.top)")
    source.get_by_role("button", name="Actions").click()
    page.get_by_role("button", name="Déplacer vers…").click()
    page.get_by_role("button", name="Vers le bas").press("Enter")
    top = "(el) => parseFloat(el.style.top)"
    assert wait_until(lambda: round(on_wall.evaluate(top) - before) == 5), on_wall.evaluate(top)
    expect(card(page, "Une idée à placer").get_by_role("button", name="Actions")).to_be_focused()
    # the wall fits the board on the screen, no scrollbar
    assert wall.page.evaluate("document.documentElement.scrollHeight <= innerHeight")
    for p in (page, wall.page):
        assert axe_violations(p) == []
    laptop.shot("console-1280-tableau-libre")
    wall.shot("projection-1920-tableau-libre")
    wall.close()
    laptop.close()
