"""A complete scripted atelier in headless Chromium: one animateur (console + projection)
and three participants on phones go through the shipped script « Lancement et
interconnaissance » — join, contribute, silent brainstorm revealed, vote, results, next
step, close — while one participant goes offline and comes back. Screenshots at 390 and
1280 px go to test-artifacts/ (not committed)."""

from __future__ import annotations

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
    horizontal_overflow,
    join_by_code,
    login,
    new_atelier,
)
from tests.live import LiveServer

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

PREVENTION = "Club de prévention spécialisée (Association)"


def goto_step(anim: Any, title: str) -> None:
    anim.locator("#step-list .step-list__goto", has_text=title).click()


def test_complete_atelier_with_a_participant_offline(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server)
    projector = Watched(browser, 1280, 720, context=laptop.context)
    projector.page.goto(server.url + anim.locator("#projection-link").get_attribute("href"))
    proj = projector.page
    expect(proj.locator("#projection-code")).to_have_text(code)
    expect(proj.locator(".projection__qr")).to_be_visible()

    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    bruno = join_by_code(browser, server, code, "Bruno", CENTRE_SOCIAL)
    chloe = join_by_code(browser, server, code, "Chloé", PREVENTION)
    phones = (alice, bruno, chloe)
    for phone in phones:
        expect(phone.page.locator("#state-message")).to_contain_text("pas encore commencé")
        expect(phone.page.locator("#conn-status")).to_have_text("Connecté")
    expect(anim.locator("#presence-count")).to_contain_text("3 participants en ligne sur 3")
    expect(proj.locator("#presence-online")).to_have_text("3 participants connectés")
    alice.shot("participant-390-attente")
    projector.shot("projection-1280-attente")

    # 1. Tour de table: everyone writes, everyone sees; the timer runs out, nothing locks
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    for phone in phones:
        expect(phone.page.locator("#step-title")).to_have_text("Tour de table")
        expect(phone.page.locator("#step-consigne")).to_contain_text("Présentez-vous")
        expect(phone.page.locator("#step-help")).to_contain_text("Une carte par personne")
        expect(phone.page.locator(".cards__empty")).to_contain_text("écrivez la première")
    anim.get_by_label("Minutes").fill("0.05")
    anim.get_by_role("button", name="Démarrer le minuteur").click()
    expect(alice.page.locator("#timer")).to_contain_text("Temps écoulé", timeout=8000)
    add_card(alice.page, "CPE au collège, suivi des absences")
    add_card(bruno.page, "Référent famille au centre social")
    add_card(chloe.page, "Éducatrice de prévention, travail de rue")
    for page in (alice.page, bruno.page, chloe.page, anim, proj):
        expect(page.locator("[data-card-id]")).to_have_count(3)
    expect(card(bruno.page, "CPE au collège")).to_contain_text("Alice (Collège Jean-Moulin)")
    expect(card(alice.page, "CPE au collège")).to_contain_text("Votre carte")
    anim.get_by_role("button", name="Arrêter").click()
    expect(proj.locator("#timer")).to_be_hidden()
    alice.shot("participant-390-tour-de-table")

    # 2. Vos attentes: three columns, the participant picks one
    goto_step(anim, "Vos attentes")
    expect(bruno.page.locator("#step-title")).to_have_text("Vos attentes")
    bruno.page.get_by_label("Colonne").select_option(label="Ce que je peux apporter")
    add_card(bruno.page, "Une salle pour les réunions")
    column = alice.page.locator('[data-column="apports"]')
    expect(column.locator("[data-card-id]", has_text="Une salle")).to_be_visible()

    # 3. Premiers enjeux: silent brainstorm, Chloé drops off the network meanwhile
    goto_step(anim, "Premiers enjeux")
    expect(alice.page.locator("#step-status")).to_contain_text("restent retournées")
    add_card(alice.page, "Repérer les premiers signes de décrochage")
    expect(card(bruno.page, "Carte retournée")).to_have_count(1)
    expect(card(alice.page, "Repérer les premiers signes")).to_contain_text("Votre carte")
    chloe.context.set_offline(True)
    expect(chloe.page.locator("#conn-status")).to_have_text("Hors ligne")
    expect(anim.locator("#presence-count")).to_contain_text("2 participants en ligne sur 3")
    add_card(chloe.page, "Associer les parents dès la sixième")
    pending = chloe.page.locator("[data-client-id]", has_text="Associer les parents")
    expect(pending).to_contain_text("En attente d'envoi")
    chloe.shot("participant-390-hors-ligne")
    add_card(bruno.page, "Coordonner les acteurs autour du collège")
    anim.get_by_role("button", name="Dévoiler les cartes").click()
    expect(card(bruno.page, "Repérer les premiers signes")).to_be_visible()
    # back online: the queued card is sent once, the missed reveal is replayed
    chloe.context.set_offline(False)
    expect(chloe.page.locator("#conn-status")).to_have_text("Connecté", timeout=15000)
    for page in (alice.page, bruno.page, chloe.page, anim):
        expect(card(page, "Associer les parents")).to_have_count(1)
        expect(card(page, "Coordonner les acteurs")).to_be_visible()
    expect(chloe.page.locator(".card__pending")).to_have_count(0)
    # the animateur groups two enjeux
    for text in ("Repérer les premiers signes", "Associer les parents"):
        anim_card = card(anim, text)
        anim_card.get_by_role("button", name="Actions").click()  # the card's menu
        anim_card.get_by_role("button", name="Modifier").click()
        anim_card.get_by_label("Regroupement (vide : aucun)").fill("Prévention précoce")
        anim_card.get_by_role("button", name="Enregistrer").click()
    group = alice.page.locator(".cluster", has_text="Prévention précoce")
    expect(group.locator("[data-card-id]")).to_have_count(2)

    # 4. Prioriser: the enjeux are carried over, votes, results revealed
    goto_step(anim, "Prioriser les enjeux")
    for phone in phones:
        expect(phone.page.locator("#step-title")).to_have_text("Prioriser les enjeux")
        expect(phone.page.locator("[data-card-id]")).to_have_count(3)
    for phone, text in ((alice, "Repérer"), (bruno, "Repérer"), (chloe, "Coordonner")):
        card(phone.page, text).get_by_role("button", name="Voter", exact=True).click()
    card(alice.page, "Repérer").get_by_role("button", name="Voter", exact=True).click()
    expect(alice.page.locator("#votes-left")).to_contain_text("Votes restants : 1 sur 3")
    expect(card(anim, "Repérer").locator(".card__tally")).to_have_text("3 votes")
    expect(card(bruno.page, "Repérer").locator(".card__tally")).to_have_count(0)
    anim.get_by_role("button", name="Afficher les résultats").click()
    for page in (alice.page, bruno.page, chloe.page, proj):
        expect(card(page, "Repérer").locator(".card__tally")).to_have_text("3 votes")
    expect(proj.locator("[data-card-id]").first).to_contain_text("Repérer")  # sorted
    for page in (bruno.page, proj, chloe.page):  # votes, results, a face-up board
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)
    laptop.shot("console-1280")
    projector.shot("projection-1280-resultats")
    bruno.shot("participant-390-vote")

    # 5. Pour la suite, then close while Bruno is still typing
    goto_step(anim, "Pour la suite")
    add_card(alice.page, "Inviter la mission locale")
    expect(card(anim, "Inviter la mission locale")).to_be_visible()  # sent before closing
    bruno.page.get_by_label("Votre contribution").fill("Le service jeunesse manque")
    anim.get_by_text("Clore l'atelier…").click()
    anim.get_by_role("button", name="Confirmer la clôture").click()
    for phone in phones:
        expect(phone.page.locator("#state-message")).to_contain_text("L'atelier est clos")
    typed = bruno.page.get_by_label("Votre contribution")
    expect(typed).to_have_value("Le service jeunesse manque")
    expect(typed).to_have_attribute("readonly", "")
    expect(bruno.page.locator("#card-kept")).to_contain_text("votre texte n'a pas été envoyé")
    expect(alice.page.locator("#add-card")).to_be_hidden()
    expect(card(alice.page, "Inviter la mission locale")).to_be_visible()
    expect(proj.locator("#state-message")).to_contain_text("Atelier clos")
    expect(proj.locator("#projection-join")).to_be_hidden()
    assert horizontal_overflow(proj) == 0
    violations = axe_violations(bruno.page)  # the text kept, read-only, after the close
    assert violations == [], "\n".join(violations)
    bruno.shot("participant-390-clos")
    projector.shot("projection-1280-clos")
    for watched in (*phones, projector, laptop):
        watched.close()
