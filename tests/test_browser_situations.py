"""Odd situations and the moderation queue in headless Chromium: the animateur's tab
closes, the same participant in two tabs, a card queued offline while the atelier
closes, every board action by keyboard alone (a Space press kept across a redraw of its
card), held cards accepted and refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    CENTRE_SOCIAL,
    CODE_OF_EDUCATION,
    Watched,
    add_card,
    axe_violations,
    card,
    join_by_code,
    login,
    new_atelier,
)
from tests.live import LiveServer, Peer, console_token, login_animateur

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

AWAY = "L'animateur s'est déconnecté : vos contributions sont conservées."


def tab_to(page: Any, target: str, limit: int = 80) -> None:
    """Press Tab until ``target`` (a Playwright selector of one element) has the focus:
    proves it is reachable with the keyboard."""
    locator = page.locator(target).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"{target} not reachable with Tab")


def focus_ring(page: Any) -> str:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + ' ' + s.outlineWidth; }"
    )


def test_animateur_tab_closes_then_comes_back(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server)
    console_url = laptop.page.url
    laptop.page.get_by_role("button", name="Démarrer l'atelier").click()
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    expect(alice.page.locator("#step-title")).to_have_text("Tour de table")
    expect(alice.page.locator("#animateur-away")).to_be_hidden()

    laptop.page.close()
    expect(alice.page.locator("#animateur-away")).to_have_text(AWAY)
    alice.shot("participant-390-animateur-parti")
    add_card(alice.page, "Écrite pendant l'absence de l'animateur")
    expect(card(alice.page, "pendant l'absence")).not_to_contain_text("En attente d'envoi")

    back = laptop.context.new_page()
    back.goto(console_url)
    expect(card(back, "pendant l'absence")).to_be_visible()
    expect(alice.page.locator("#animateur-away")).to_be_hidden()
    alice.close()
    laptop.context.close()


def test_same_participant_in_two_tabs(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server)
    laptop.page.get_by_role("button", name="Démarrer l'atelier").click()
    first = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    second = Watched(browser, 390, 844, context=first.context)  # same cookie, second tab
    second.page.goto(first.page.url)
    for tab in (first, second):
        expect(tab.page.locator("#conn-status")).to_have_text("Connecté")
    add_card(first.page, "Depuis le premier onglet")
    mine = card(second.page, "Depuis le premier onglet")
    expect(mine).to_contain_text("Votre carte")
    mine.get_by_role("button", name="Modifier").click()
    mine.get_by_label("Texte de la carte").fill("Corrigée dans le second onglet")
    mine.get_by_role("button", name="Enregistrer").click()
    expect(card(first.page, "Corrigée dans le second onglet")).to_be_visible()
    for page in (first.page, second.page, laptop.page):
        expect(page.locator("[data-card-id]")).to_have_count(1)
    # still one participant for the animateur
    expect(laptop.page.locator("#presence-list li")).to_have_count(1)
    second.close()
    first.close()
    laptop.close()


def test_card_queued_offline_when_the_atelier_closes(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server)
    laptop.page.get_by_role("button", name="Démarrer l'atelier").click()
    bruno = join_by_code(browser, server, code, "Bruno", CENTRE_SOCIAL)
    expect(bruno.page.locator("#conn-status")).to_have_text("Connecté")
    bruno.context.set_offline(True)
    expect(bruno.page.locator("#conn-status")).to_have_text("Hors ligne")
    add_card(bruno.page, "Envoyée trop tard")
    laptop.page.get_by_text("Clore l'atelier…").click()
    laptop.page.get_by_role("button", name="Confirmer la clôture").click()
    bruno.context.set_offline(False)
    # refused by the server: the text comes back, read-only, with the reason
    expect(bruno.page.locator("#state-message")).to_contain_text("clos", timeout=15000)
    expect(bruno.page.get_by_label("Votre contribution")).to_have_value("Envoyée trop tard")
    expect(bruno.page.locator("#alerts")).to_contain_text("Votre texte est conservé")
    expect(bruno.page.locator("[data-card-id]")).to_have_count(0)
    bruno.close()
    laptop.close()


def test_every_board_action_by_keyboard(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server)
    tab_to(anim, "#atelier-start")
    anim.keyboard.press("Enter")
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    page = alice.page
    expect(page.locator("#step-title")).to_have_text("Tour de table")
    page.locator("body").focus()
    tab_to(page, "#card-text")
    page.keyboard.type("Écrite au clavier")
    tab_to(page, "#card-submit")
    assert focus_ring(page).startswith("solid"), focus_ring(page)
    page.keyboard.press("Enter")
    mine = card(page, "Écrite au clavier")
    expect(mine).to_contain_text("Votre carte")
    # edit: the form takes the focus, Escape-free path with Tab and Enter
    tab_to(page, '[data-card-id] [data-action="edit"]')
    page.keyboard.press("Enter")
    expect(page.locator('[id^="edit-"][id$="-text"]')).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("Modifiée au clavier")
    tab_to(page, ".card__edit [type=submit]")
    page.keyboard.press("Enter")
    expect(card(page, "Modifiée au clavier")).to_be_visible()
    # the animateur moves to the vote step with the keyboard, adds two cards
    tab_to(anim, '.step-list__goto:has-text("Prioriser")')
    anim.keyboard.press("Enter")
    expect(page.locator("#step-title")).to_have_text("Prioriser les enjeux")
    for text in ("Première priorité", "Seconde priorité"):
        tab_to(anim, "#card-text")
        anim.keyboard.type(text)
        anim.keyboard.press("Tab")
        anim.keyboard.press("Enter")
        expect(card(page, text)).to_be_visible()
    # vote and take it back with Space; the focus stays on the button pressed
    page.locator("#step").focus()
    tab_to(page, '[data-card-id]:has-text("Première") [data-action="vote"]')
    page.keyboard.press("Space")
    expect(card(page, "Première").locator(".card__myvotes")).to_have_text("Mes votes : 1")
    expect(card(page, "Première").locator('[data-action="vote"]')).to_be_focused()
    page.keyboard.press("Shift+Tab")  # « Retirer » comes just before « Voter »
    unvote = card(page, "Première").locator('[data-action="unvote"]')
    expect(unvote).to_be_focused()
    page.keyboard.press("Space")
    # a redraw of the card between keydown and keyup does not lose the press (press.js,
    # test_a_space_press_survives_a_redraw_of_its_card)
    expect(card(page, "Première").locator(".card__myvotes")).to_have_text("Mes votes : 0")
    # reveal the results and delete a card, keyboard only, on the console: the control bar
    # is one Tab stop (a toolbar), its arrow keys reach « Afficher les résultats »
    anim.locator("#step").focus()
    tab_to(anim, "#control-bar [tabindex='0']")
    for _ in range(16):
        if anim.locator("#flag-results").evaluate("(el) => el === document.activeElement"):
            break
        anim.keyboard.press("ArrowRight")
    anim.keyboard.press("Enter")
    expect(card(page, "Première").locator(".card__tally")).to_have_text("0 vote")
    tab_to(anim, '[data-card-id]:has-text("Seconde") [data-action="menu"]')
    anim.keyboard.press("Enter")  # the card's menu
    tab_to(anim, '[data-card-id]:has-text("Seconde") [data-action="delete"]')
    anim.keyboard.press("Enter")
    expect(anim.locator('[data-action="confirm-delete"]')).to_be_focused()
    anim.keyboard.press("Enter")
    expect(card(page, "Seconde")).to_have_count(0)
    alice.close()
    laptop.close()


def test_a_space_press_survives_a_redraw_of_its_card(browser: Any, server: LiveServer) -> None:
    """Space goes down on « Retirer », a live update redraws the card (the animateur rewords
    it: a new button), Space comes up on the new button, which has the focus: the vote is
    taken back (a browser activates a button on keyup, only if the key went down on that
    element). The same on « Voter »: one vote, not two."""
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server)
    laptop.page.get_by_role("button", name="Démarrer l'atelier").click()
    match = re.search(r"/ateliers/(\d+)", laptop.page.url)
    assert match is not None, laptop.page.url
    anim = Peer(server.url, console_token(login_animateur(server), server, int(match.group(1))))
    anim.connect()
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    page = alice.page
    try:
        step = next(s for s in anim.syncs[0]["snapshot"]["steps"] if s["key"] == "priorites")
        assert anim.call("step_goto", {"step_id": step["id"]})["ok"]
        data = {"step_id": step["id"], "client_id": "space-redraw-01", "column": "enjeux"}
        added = anim.call("card_add", {**data, "text": "Un enjeu à reformuler"})
        assert added["ok"], added
        card_id, version = added["card"]["id"], added["card"]["version"]
        the_card = page.locator(f'[data-card-id="{card_id}"]')

        def press_across_a_redraw(action: str, text: str) -> None:
            """Space down on the card's ``action`` button, the card rewritten, Space up."""
            nonlocal version
            button = the_card.locator(f'[data-action="{action}"]')
            button.focus()
            old = button.element_handle()
            page.keyboard.down("Space")
            ack = anim.call("card_edit", {"card_id": card_id, "version": version, "text": text})
            assert ack["ok"], ack
            version = ack["card"]["version"]
            expect(the_card).to_contain_text(text)
            assert not old.evaluate("(el) => el.isConnected"), "the card was not redrawn"
            expect(button).to_be_focused()
            page.keyboard.up("Space")

        the_card.locator('[data-action="vote"]').click()
        expect(the_card.locator(".card__myvotes")).to_have_text("Mes votes : 1")
        press_across_a_redraw("unvote", "Un enjeu reformulé")
        expect(the_card.locator(".card__myvotes")).to_have_text("Mes votes : 0")
        # « Voter » the same way: one press, one vote (the browser does not click as well)
        press_across_a_redraw("vote", "Un enjeu reformulé deux fois")
        expect(the_card).not_to_have_class(re.compile("card--pending"))
        expect(the_card.locator(".card__myvotes")).to_have_text("Mes votes : 1")
        expect(laptop.page.locator(f'[data-card-id="{card_id}"]')).to_contain_text(
            "Un enjeu reformulé deux fois"
        )
        alice.shot("board-space-redraw-390")
        laptop.shot("board-space-redraw-console-1280")
    finally:
        anim.disconnect()
        alice.close()
        laptop.close()


def test_moderation_queue(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server, script="Atelier modéré")
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    queue = anim.locator("#moderation")
    expect(queue).to_contain_text("Aucune carte en attente")
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    bruno = join_by_code(browser, server, code, "Bruno", CENTRE_SOCIAL)
    expect(alice.page.locator("#step-status")).to_contain_text("après validation")

    add_card(alice.page, "Un forum des associations en septembre")
    add_card(alice.page, "Hors sujet complet")
    expect(card(alice.page, "Un forum")).to_contain_text("En attente de validation")
    expect(queue.locator("[data-card-id]")).to_have_count(2)
    expect(anim.locator("#moderation-title")).to_contain_text("(2 cartes)")
    expect(anim.locator("#step-list")).to_contain_text("2 à valider")
    expect(anim.locator("#board [data-card-id]")).to_have_count(0)
    expect(bruno.page.locator(".cards__empty")).to_be_visible()
    expect(bruno.page.locator("[data-card-id]")).to_have_count(0)
    violations = axe_violations(anim)
    assert violations == [], "\n".join(violations)
    laptop.shot("console-1280-moderation")
    alice.shot("participant-390-moderation")

    # accept with the keyboard: the focus moves on to the next card of the queue
    queue.locator('[data-card-id]:has-text("Un forum") [data-action="accept"]').focus()
    anim.keyboard.press("Enter")
    expect(card(bruno.page, "Un forum")).to_be_visible()
    expect(card(alice.page, "Un forum")).not_to_contain_text("En attente")
    expect(
        queue.locator('[data-card-id]:has-text("Hors sujet") [data-action="accept"]')
    ).to_be_focused()
    # refuse with a reason: the author reads it and keeps the text
    queue.get_by_role("button", name="Refuser…").click()
    queue.get_by_label("Motif du refus (facultatif, lu par l'auteur)").fill("Hors sujet ici")
    queue.get_by_role("button", name="Confirmer le refus").click()
    refused = card(alice.page, "Hors sujet complet")
    expect(refused).to_contain_text("Refusée par l'animateur : Hors sujet ici")
    expect(anim.locator("#moderation-title")).to_be_focused()
    expect(queue.locator(".moderation__rejected")).to_contain_text("Cartes refusées (1)")
    alice.shot("participant-390-refus")
    # the author rephrases: held again, then accepted
    refused.get_by_role("button", name="Modifier").click()
    refused.get_by_label("Texte de la carte").fill("Une permanence commune au collège")
    refused.get_by_role("button", name="Enregistrer").click()
    expect(card(alice.page, "Une permanence")).to_contain_text("En attente de validation")
    queue.locator('[data-card-id]:has-text("Une permanence")').get_by_role(
        "button", name="Accepter"
    ).click()
    expect(card(bruno.page, "Une permanence")).to_be_visible()
    expect(bruno.page.locator("[data-card-id]")).to_have_count(2)
    for watched in (alice, bruno, laptop):
        watched.close()
