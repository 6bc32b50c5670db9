"""End to end in headless Chromium: a participant proposes an action of the feuille de route
on a phone, the animateur validates it, the table and the timeline show it on every screen;
then a chaîne de valeur built on the phone appears in the écosystème of the projection.
Screenshots of the three views go to test-artifacts/."""

from __future__ import annotations

from datetime import date, timedelta
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


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(target)


def start_at(laptop: Watched, server: LiveServer, script: str, step: str) -> tuple[str, Watched]:
    page = laptop.page
    code = new_atelier(laptop, server, script)
    page.get_by_role("button", name="Démarrer l'atelier").click()
    page.locator("#step-list .step-list__goto", has_text=step).click()
    projection = Watched(laptop.page.context.browser, 1280, 800, context=laptop.context)
    projection.page.goto(page.url + "/projection")
    return code, projection


def test_an_action_proposed_on_a_phone_is_validated_and_shown(
    browser: Any, server: LiveServer
) -> None:
    laptop = login(browser, server)
    anim = laptop.page
    code, projection = start_at(laptop, server, "Feuille de route", "Les actions de la feuille")
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    phone = alice.page
    when = date.today() + timedelta(days=60)

    form = phone.locator(".fdr-form")
    expect(form.get_by_label("Intitulé de l'action")).to_be_visible()
    # a deadline in the past is refused with a French message
    form.get_by_label("Intitulé de l'action").fill("Cellule de veille partagée")
    form.get_by_label("Échéance").fill((date.today() - timedelta(days=2)).isoformat())
    form.get_by_role("button", name="Proposer l'action").click()
    expect(phone.locator("#alerts")).to_contain_text("déjà passée")
    form.get_by_label("Échéance").fill(when.isoformat())
    form.get_by_label("Structure pilote").select_option(label="Collège Jean-Moulin")
    form.get_by_label("Centre social Les Tilleuls").check()
    form.get_by_label("Indicateurs d'effectivité (l'a-t-on fait ?)").fill("Une réunion par mois")
    form.get_by_role("button", name="Proposer l'action").click()
    row = phone.locator("tr", has_text="Cellule de veille partagée")
    expect(row).to_contain_text("proposée")
    # a draft without pilote is flagged (the form closed on the table: open it again)
    phone.locator(".fdr-form summary").click()
    form.get_by_label("Intitulé de l'action").fill("Forum des parents")
    form.get_by_role("button", name="Proposer l'action").click()
    expect(phone.locator("tr", has_text="Forum des parents")).to_contain_text("sans pilote")
    assert horizontal_overflow(phone) == 0
    alice.shot("fdr-phone")

    # priority vote: totals hidden until the validation phase
    anim.get_by_role("button", name="Passer au vote").click()
    phone.get_by_role("button", name="Voter pour « Cellule de veille partagée »").click()
    expect(phone.locator(".fdr__status")).to_contain_text("Votes restants : 2 sur 3")
    anim.get_by_role("button", name="Passer à la validation").click()
    expect(projection.page.locator("tr", has_text="Cellule de veille partagée")).to_contain_text(
        "1 vote"
    )
    # the animateur validates; every screen follows
    anim_row = anim.locator("tr", has_text="Cellule de veille partagée")
    anim_row.get_by_role("button", name="Valider « Cellule de veille partagée »").click()
    for page in (phone, anim, projection.page):
        expect(page.locator("tr", has_text="Cellule de veille partagée")).to_contain_text("validée")
    expect(projection.page.locator("tr", has_text="Cellule de veille partagée")).to_contain_text(
        "Collège Jean-Moulin"
    )
    anim_row.get_by_label("État de « Cellule de veille partagée »").select_option(label="En cours")
    expect(phone.locator("tr", has_text="Cellule de veille partagée")).to_contain_text("En cours")
    laptop.shot("fdr-console")
    projection.shot("fdr-projection")

    # the timeline, and its text equivalent by month
    phone.get_by_role("button", name="Chronologie").click()
    projection.page.keyboard.press("v")  # the wall has no buttons: « V », its next view
    for page in (phone, projection.page):
        item = page.locator(".fdr-tl__item", has_text="Cellule de veille partagée")
        expect(item).to_contain_text(when.strftime("%d/%m/%Y"))
        expect(page.locator(".fdr-tl", has_text="Forum des parents")).to_be_visible()
    expect(projection.page.locator(".fdr-strip__dot")).to_have_count(1)
    alice.shot("fdr-phone-chronologie")
    projection.shot("fdr-projection-chronologie")
    assert axe_violations(phone) == []
    assert axe_violations(anim) == []

    # between ateliers: the cycle's page updates the état
    anim.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}/feuille-de-route")
    anim.get_by_label("État de « Cellule de veille partagée »").select_option(label="Fait")
    anim.get_by_role("button", name="Enregistrer l'état de « Cellule de veille partagée »").click()
    expect(anim.locator(".flash")).to_contain_text("« Cellule de veille partagée » : fait.")
    assert axe_violations(anim) == []
    laptop.shot("fdr-cycle-page")
    anim.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}")
    expect(anim.get_by_label("Modèle de cycle")).to_contain_text("impact collectif")
    for watched in (alice, projection, laptop):
        watched.close()


def test_a_chain_built_on_a_phone_feeds_the_ecosystem(browser: Any, server: LiveServer) -> None:
    laptop = login(browser, server)
    anim = laptop.page
    code, projection = start_at(
        laptop, server, "Dispositif d'évaluation", "La chaîne de valeur de votre structure"
    )
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    phone = alice.page
    phone.locator(".cv-add summary").click()
    phone.get_by_label("Structure", exact=True).select_option(label="Collège Jean-Moulin")
    phone.get_by_role("button", name="Créer la chaîne").click()
    expect(phone.locator(".cv-chain__title")).to_have_text("Collège Jean-Moulin")
    form = phone.locator(".cv-item-form")
    for level, text in (
        ("Ressources", "Deux CPE et un local"),
        ("Activités", "Cellule de veille hebdomadaire"),
        ("Impacts", "Moins de décrochage au collège"),
    ):
        form.get_by_label("Maillon").select_option(label=level)
        form.get_by_label("Texte").fill(text)
        form.get_by_role("button", name="Ajouter à la chaîne").click()
        expect(phone.locator(f".cv-level[aria-label='{level}']")).to_contain_text(text)
    form.get_by_label("Maillon").select_option(label="Objectif (par cible)")
    form.get_by_label("Cible").select_option(label="Jeunes et familles")
    form.get_by_label("Texte").fill("Raccrocher les élèves absents")
    form.get_by_role("button", name="Ajouter à la chaîne").click()
    links = phone.locator(".cv-link-form")
    links.get_by_label("De").select_option(label="Ressources : Deux CPE et un local")
    links.get_by_label("Conduit à (ou est mesuré par)").select_option(
        label="Activités : Cellule de veille hebdomadaire"
    )
    links.get_by_role("button", name="Relier").click()
    expect(phone.locator(".cv-links")).to_contain_text(
        "Deux CPE et un local → Cellule de veille hebdomadaire"
    )
    # an item edited in place
    phone.get_by_role("button", name="Modifier « Deux CPE et un local »").click()
    phone.get_by_label("Nouveau texte").fill("Deux CPE, un local et un budget")
    phone.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(anim.locator(".cv-level[aria-label='Ressources']")).to_contain_text("et un budget")
    assert horizontal_overflow(phone) == 0
    alice.shot("cv-phone")
    expect(anim.locator(".cv-level[aria-label='Activités']")).to_contain_text("Cellule de veille")
    laptop.shot("cv-console")
    projection.shot("cv-projection")
    projection.page.keyboard.press("v")  # the wall has no buttons: « V », its next view
    expect(projection.page.locator(".cv-eco").first).to_contain_text(
        "Cellule de veille hebdomadaire — Collège Jean-Moulin"
    )
    projection.shot("cv-projection-ecosysteme")
    anim.get_by_role("button", name="Écosystème par question").click()
    laptop.shot("cv-console-ecosysteme")
    assert axe_violations(phone) == []
    assert axe_violations(anim) == []
    for watched in (alice, projection, laptop):
        watched.close()
