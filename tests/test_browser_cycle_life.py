"""End to end in headless Chromium: between two ateliers a participant opens the cycle page
on her phone, sees what changed since her last visit, and adds a card to a step the
animateur opened for asynchronous contributions; the cycle-life pages (répertoire,
restitution, evaluation) pass axe-core at 390 and 1280 px."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
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


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(target)


def _age_visits(live: LiveServer, hours: int = 3) -> None:
    """Time passes between two ateliers: the participants' last visits get older."""
    with sqlite3.connect(live.instance / "facilitator.db", timeout=10) as con:
        con.execute(
            "UPDATE participant_visit SET last_at = datetime(last_at, ?)", (f"-{hours} hours",)
        )


def _accessible(watched: Watched, name: str) -> None:
    assert axe_violations(watched.page) == [], name
    assert horizontal_overflow(watched.page) <= 0, name
    watched.shot(name)


def test_participant_contributes_between_ateliers(browser: Any, server: LiveServer) -> None:
    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server, "Lancement")
    title = anim.locator("h1").first.inner_text().strip()
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    cycle_id = server.demo["cycle_id"]
    cycle_url = f"{server.url}/cycle/{cycle_id}"
    alice.page.goto(cycle_url)
    expect(alice.page.get_by_text("Bienvenue sur la page du cycle")).to_be_visible()

    # the atelier ends; the animateur opens one of its steps until next week
    anim.get_by_text("Clore l'atelier…").click()
    anim.get_by_role("button", name="Confirmer la clôture").click()
    expect(anim.locator("#atelier-state")).to_have_text("clos")
    anim.goto(f"{server.url}/animateur/cycles/{cycle_id}/entre-ateliers")
    section = anim.locator("section.cl-atelier", has_text=title)
    step = section.locator("li", has=anim.get_by_role("heading", name="Vos attentes"))
    deadline = date.today() + timedelta(days=7)
    step.get_by_text("Ouvrir aux contributions").click()
    step.get_by_label(re.compile("^Date limite")).fill(deadline.isoformat())
    step.get_by_role("button", name=re.compile("^Ouvrir")).click()
    expect(anim.locator(".flash")).to_contain_text("ouverte aux contributions")
    laptop.page.set_viewport_size({"width": 1280, "height": 800})
    _accessible(laptop, "cycle-life-entre-ateliers-1280")

    # days later, Alice comes back: what changed, and what she is asked to do
    _age_visits(server)
    alice.page.goto(cycle_url)
    changes = alice.page.locator(".cl-changes")
    expect(changes).to_contain_text(f"L'atelier « {title} » s'est tenu")
    expect(changes).to_contain_text("De nouvelles étapes sont ouvertes")
    todo = alice.page.locator("#async-title + ul")
    expect(todo).to_contain_text(deadline.strftime("%d/%m/%Y"))
    expect(alice.page.get_by_role("link", name=re.compile("Lire le compte rendu"))).to_be_visible()
    _accessible(alice, "cycle-life-participant-390")

    alice.page.get_by_role("link", name="Contribuer à « Vos attentes »").click()
    expect(alice.page.locator("#conn-status")).to_have_text("Connecté")
    expect(alice.page.locator("#step-title")).to_have_text("Vos attentes")
    add_card(alice.page, "Relire la charte v3 et proposer un amendement")
    expect(card(alice.page, "Relire la charte v3")).to_be_visible()
    alice.page.reload()
    expect(card(alice.page, "Relire la charte v3")).to_be_visible()  # stored, not just drawn
    _accessible(alice, "cycle-life-async-board-390")
    alice.page.set_viewport_size({"width": 1280, "height": 800})
    _accessible(alice, "cycle-life-async-board-1280")
    alice.page.goto(cycle_url)
    _accessible(alice, "cycle-life-participant-1280")
    anim.set_viewport_size({"width": 390, "height": 844})
    anim.goto(f"{server.url}/animateur/cycles/{cycle_id}/entre-ateliers")
    _accessible(laptop, "cycle-life-entre-ateliers-390")
    alice.close()
    laptop.close()


def test_cycle_life_pages_at_390_and_1280(browser: Any, server: LiveServer) -> None:
    laptop = login(browser, server)
    anim = laptop.page
    cycle_id = server.demo["cycle_id"]
    base = f"{server.url}/animateur/cycles/{cycle_id}"
    anim.goto(base + "/restitution")
    anim.get_by_role("button", name="Publier la restitution").click()
    public_url = anim.get_by_label("Adresse publique").input_value()
    anim.goto(base + "/repertoire")
    anim.get_by_role(
        "button", name="Créer le lien de mise à jour de « CAF du département »"
    ).click()
    fiche_url = anim.get_by_label("Lien de mise à jour de « CAF du département »").input_value()
    for width in (390, 1280):
        anim.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
        for path, name in (("/repertoire", "repertoire"), ("/evaluation", "evaluation"),
                           ("/restitution", "restitution-admin")):  # fmt: skip
            anim.goto(base + path)
            _accessible(laptop, f"cycle-life-{name}-{width}")
        reader = Watched(browser, width, 844 if width == 390 else 800)
        reader.page.goto(public_url)
        expect(reader.page.get_by_role("heading", name="Questions essentielles")).to_be_visible()
        _accessible(reader, f"cycle-life-restitution-{width}")
        reader.page.goto(fiche_url)
        expect(reader.page.get_by_role("heading", level=1)).to_contain_text("CAF du département")
        _accessible(reader, f"cycle-life-fiche-structure-{width}")
        reader.close()
    # the structure records a contact with consent through its link
    structure = Watched(browser, 390, 844)
    structure.page.goto(fiche_url)
    structure.page.get_by_text("La personne nommée ci-dessous accepte").click()
    structure.page.get_by_label("Nom", exact=True).fill("Sacha Lefebvre")
    structure.page.get_by_label("Courriel").fill("sacha@caf.fr")
    structure.page.get_by_role("button", name=re.compile("^Enregistrer la fiche")).click()
    expect(structure.page.locator(".flash")).to_contain_text("votre fiche est à jour")
    structure.close()
    reader = Watched(browser, 1280, 800)
    reader.page.goto(public_url)
    expect(reader.page.locator("#acteurs")).to_contain_text("Contact : Sacha Lefebvre")
    reader.close()
    # unpublished: a French « not published » page
    anim.goto(base + "/restitution")
    anim.get_by_role("button", name="Dépublier").click()
    reader = Watched(browser, 390, 844)
    response = reader.page.goto(public_url)
    assert response is not None and response.status == 404
    expect(reader.page.locator(".alert")).to_contain_text("pas publiée")
    reader.problems.clear()  # the 404 itself is logged by the browser console
    reader.close()
    laptop.close()


EVALUATION_SCRIPT = """\
format: 1
id: atelier-evalue
title: Atelier évalué
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns: [{id: a, label: Idées}]
  - id: meteo
    type: evaluation
    title: Météo de fin d'atelier
    consigne: Comment s'est passé cet atelier pour vous ?
    settings: {conditions: true}
"""


def test_evaluation_step_answered_on_a_phone_and_revealed(browser: Any, server: LiveServer) -> None:
    scripts = server.env["SCRIPTS_DIR"]
    (__import__("pathlib").Path(scripts) / "atelier-evalue.yaml").write_text(
        EVALUATION_SCRIPT, encoding="utf-8"
    )
    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server, "Atelier évalué")
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    anim.locator("#step-list .step-list__goto", has_text="Météo de fin d'atelier").click()
    projection = Watched(browser, 1280, 800, context=laptop.context)
    projection.page.goto(anim.url + "/projection")
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    page = alice.page
    expect(page.get_by_role("heading", name="Votre avis (anonyme)")).to_be_visible()
    page.get_by_text("4 — Éclaircies").click()
    page.get_by_text("5 — Très utile").click()
    page.get_by_label("Programme commun").select_option("3")
    page.get_by_label("Une suggestion pour la suite (facultatif)").fill("Plus de temps en groupes")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_role("status").filter(has_text="réponse est enregistrée")).to_be_visible()
    expect(page.get_by_role("button", name="Modifier ma réponse")).to_be_visible()
    expect(page.locator(".ev-results")).to_contain_text("dévoilés par l'animateur")
    # the animateur sees the anonymous aggregates at once, then reveals them
    results = anim.locator(".ev-results")
    expect(results).to_contain_text("1 réponse · météo moyenne 4 / 5 · utilité moyenne 5 / 5")
    expect(results).to_contain_text("Plus de temps en groupes")
    expect(results).not_to_contain_text("Alice")
    _accessible(laptop, "cycle-life-evaluation-console-1280")
    anim.get_by_role("button", name="Dévoiler les résultats à tous").click()
    for other in (page, projection.page):
        expect(other.locator(".ev-results")).to_contain_text("météo moyenne 4 / 5")
    _accessible(alice, "cycle-life-evaluation-phone-390")
    projection.shot("cycle-life-evaluation-projection-1280")
    for watched in (alice, projection, laptop):
        watched.close()
