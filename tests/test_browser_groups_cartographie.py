"""The cartographie in sub-groups in headless Chromium (issue 18): the console switches the
map's step to two groups; a phone at 390 px adds an actor to its group, the console's grid
counts it, the other group's phone never shows it, the wall (1920 px) shows each group's
additions; after the mise en commun both phones show both actors, each tagged with its
group — axe-core clean, no console error."""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CENTRE_SOCIAL,
    CODE_OF_EDUCATION,
    Watched,
    axe_violations,
    join_by_code,
    login,
    new_atelier,
)
from tests.groups_browser import form_groups, go_to_step
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures


def add_actor(page: Any, name: str) -> None:
    form = page.locator(".carto__add[data-kind=actor]")
    form.get_by_label("Nom de l'acteur").fill(name)
    form.get_by_label("Type").select_option(label="Association")
    form.get_by_role("button", name="Ajouter l'acteur").click()


def add_action(page: Any, actor: str, text: str) -> None:
    page.locator(".carto__add[data-kind=action] summary").click()
    form = page.locator(".carto__add[data-kind=action]")
    form.get_by_label("Acteur").select_option(label=actor)
    form.get_by_label("Action (une phrase)").fill(text)
    form.get_by_role("button", name="Ajouter l'action").click()


def test_a_group_adds_to_the_map_and_the_other_group_does_not_see_it(
    browser: Any, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server, "Cartographie des acteurs")
    console = laptop.page
    console.get_by_role("button", name="Démarrer l'atelier").click()
    wall = Watched(browser, 1920, 1080, context=laptop.context)
    wall.page.set_viewport_size({"width": 1920, "height": 1080})
    wall.page.goto(console.url + "/projection")
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    bruno = join_by_code(browser, server, code, "Bruno", CENTRE_SOCIAL)
    go_to_step(console, "Les acteurs et leurs actions")
    # the map as it was: an actor the animateur adds before the groups work is everyone's
    console.get_by_role("button", name="Tableau").click()
    console.locator(".carto__add[data-kind=actor] summary").click()
    add_actor(console, "Mairie de quartier")
    expect(console.locator("#map-actors tbody tr", has_text="Mairie de quartier")).to_have_count(1)
    form_groups(console, 2)  # two people, two groups: one each
    for phone in (alice, bruno):
        expect(phone.page.locator("#groups-banner")).to_contain_text("Votre groupe")
        phone.page.get_by_role("button", name="Tableau").click()

    add_actor(alice.page, "Club de prévention des Tilleuls")
    mine = alice.page.locator("#map-actors tbody tr", has_text="Club de prévention des Tilleuls")
    expect(mine).to_have_count(1)
    expect(console.locator(".groups-cell__count[data-count='1']")).to_have_count(1)
    expect(wall.page.locator(".wall-group .wall-card")).to_have_text(
        ["Acteur : Club de prévention des Tilleuls"]
    )
    # Bruno's group adds its own: his map shows it, never Alice's
    add_actor(bruno.page, "Maison de quartier")
    expect(bruno.page.locator("#map-actors tbody tr", has_text="Maison de quartier")).to_have_count(
        1
    )
    expect(console.locator(".groups-cell__count[data-count='1']")).to_have_count(2)
    expect(bruno.page.locator("#map-actors tbody tr", has_text="Club de prévention")).to_have_count(
        0
    )
    expect(alice.page.locator("#map-actors tbody tr", has_text="Maison de quartier")).to_have_count(
        0
    )
    expect(wall.page.locator(".wall-group .wall-card")).to_have_count(2)
    # each group adds an action to the plenary actor: each sees its own, the wall both
    add_action(alice.page, "Mairie de quartier", "Prête une salle le mercredi")
    add_action(bruno.page, "Mairie de quartier", "Finance les sorties")
    expect(wall.page.locator(".wall-group .wall-card")).to_have_count(4)
    for page, mine, theirs in (
        (alice.page, "Prête une salle", "Finance les sorties"),
        (bruno.page, "Finance les sorties", "Prête une salle"),
    ):
        row = page.locator("#map-actors tbody tr", has_text="Mairie de quartier")
        expect(row).to_contain_text(mine)
        expect(row).not_to_contain_text(theirs)
    row = console.locator("#map-actors tbody tr", has_text="Mairie de quartier")
    expect(row).to_contain_text("Prête une salle")
    expect(row).to_contain_text("Finance les sorties")
    problems = axe_violations(alice.page) + axe_violations(console)
    alice.shot("groups-carto-phone-390")
    console.set_viewport_size({"width": 1280, "height": 800})
    laptop.shot("groups-carto-console-1280")
    wall.shot("groups-carto-wall-1920")

    console.get_by_role("button", name="Clore le travail en groupes").click()
    console.get_by_role("button", name="Fusionner en plénière").click()
    for phone in (alice, bruno):
        rows = phone.page.locator("#map-actors tbody tr")
        expect(rows.filter(has_text="Club de prévention des Tilleuls")).to_contain_text("groupe")
        expect(rows.filter(has_text="Maison de quartier")).to_contain_text("groupe")
    bruno.shot("groups-carto-phone-merged-390")
    assert problems == [], problems
    laptop.check()
    alice.check()
    bruno.check()
    wall.check()
