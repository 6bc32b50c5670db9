"""End to end in headless Chromium: a charte goes from an idea to an adopted version —
idea on a phone, clause drafted from it in the console, amendment proposed on the phone,
accepted and consolidated into version 2 (diff shown as words, not colour only), frozen
(the phone can no longer amend), voted by two structures, result on the projection."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_helpers import (
    CENTRE_SOCIAL,
    CODE_OF_EDUCATION,
    Watched,
    axe_violations,
    horizontal_overflow,
    join_by_code,
    login,
    new_atelier,
)
from tests.browser_helpers import browser as browser  # noqa: PLC0414 - module fixture
from tests.live import ROOT, LiveServer
from tests.test_charte_socket import forget_demo_charte

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="window.pwned=1">'
#: the charte of the tests: the electors are the structures present (two here)
SCRIPT = """\
format: 1
id: charte-test
title: Charte de test
steps:
  - id: charte
    type: charte
    title: Charte du projet
    consigne: Idées, rédaction, amendements, gel, vote.
    settings:
      ballot: structure
      quorum: 50
      quorum_base: atelier
      threshold: 50
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser-charte")
    scripts = folder / "scripts"
    shutil.copytree(ROOT / "workshop_scripts", scripts)
    (scripts / "charte-test.yaml").write_text(SCRIPT, encoding="utf-8")
    live = LiveServer(folder / "instance", SCRIPTS_DIR=str(scripts)).start()
    forget_demo_charte(live)
    yield live
    live.stop()


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(target)


def test_idea_to_adopted_charte(browser: Any, server: LiveServer) -> None:
    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server, "Charte de test")
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    projection = Watched(browser, 1280, 800, context=laptop.context)
    projection.page.goto(anim.url + "/projection")
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    bruno = join_by_code(browser, server, code, "Bruno", CENTRE_SOCIAL)
    phone = alice.page

    # idées: a card in a section, from the phone
    expect(phone.locator(".charte .phase--current")).to_have_text("1. Idées")
    phone.get_by_label("Section de la charte").select_option(label="Valeurs communes")
    phone.get_by_label("Votre idée").fill("Le respect du secret professionnel")
    phone.get_by_role("button", name="Proposer l'idée").click()
    expect(anim.locator(".charte-idea", has_text="secret professionnel")).to_be_visible()
    expect(phone.locator("#add-card")).to_be_hidden()  # the charte has its own idea form
    alice.shot("charte-ideas-390")

    # rédaction: the animateur drafts a clause from the idea
    anim.get_by_role("button", name="Passer à : Rédaction").click()
    anim.get_by_role("button", name="Commencer la version 1").click()
    anim.get_by_label(
        "Retenir l'idée « Le respect du secret professionnel » pour une clause"
    ).check()
    anim.get_by_role("button", name="Ajouter une clause : Valeurs communes").click()
    anim.get_by_label("Nouvelle clause — Valeurs communes").fill(
        "Chaque structure respecte le secret professionnel de ses partenaires."
    )
    anim.get_by_role("button", name="Ajouter la clause").click()
    clause = phone.locator(".clause", has_text="secret professionnel de ses partenaires")
    expect(clause).to_contain_text("2.1")
    expect(clause.locator(".clause__sources")).to_contain_text("1 idée")
    # the section drawn empty a moment ago no longer says it has no clause
    values = phone.locator('.charte-section[data-section="valeurs"]')
    expect(values.locator(".clause")).to_have_count(1)
    expect(values).not_to_contain_text("Pas encore de clause")
    laptop.shot("charte-console-redaction-1280")

    # amendements: Alice proposes a new wording with a reason
    anim.get_by_role("button", name="Passer à : Amendements").click()
    phone.get_by_role("button", name="Amender la clause 2.1").click()
    phone.get_by_label("Nouvelle rédaction de la clause 2.1").fill(
        "Chaque structure respecte le secret professionnel et le droit des familles."
    )
    phone.get_by_label("Pourquoi ? (obligatoire)").fill(
        "Les familles doivent être associées. " + XSS
    )
    phone.get_by_role("button", name="Proposer l'amendement").click()
    amendment = anim.locator(".amendment", has_text="Les familles doivent être associées")
    expect(amendment).to_be_visible()
    expect(amendment.locator("ins")).to_contain_text("droit des familles")
    # text is text: the markup typed in a reason is shown, never run
    expect(amendment.locator(".amendment__reason")).to_contain_text(XSS)
    assert amendment.locator(".amendment__reason img").count() == 0
    assert anim.evaluate("window.pwned") is None
    expect(values).not_to_contain_text("Pas encore de clause")
    expect(phone.locator('.charte-section[data-section="objet"]')).to_contain_text(
        "Pas encore de clause"
    )
    expect(values.locator(".clause__mine")).to_contain_text("Votre amendement")
    alice.shot("charte-amendement-390")
    assert axe_violations(phone) == []
    amendment.get_by_role("button", name=re.compile("^Accepter l'amendement")).click()
    anim.get_by_role("button", name="Confirmer l'acceptation").click()
    expect(amendment).to_contain_text("Accepté")
    # Bruno proposes a new clause; the room decides by a quick vote
    bruno.page.get_by_role(
        "button", name="Proposer une clause : Objet et objectif atteignable"
    ).click()
    bruno.page.get_by_label("Clause proposée").fill(
        "Réduire le décrochage au collège en trois ans."
    )
    bruno.page.get_by_label("Pourquoi ? (obligatoire)").fill("Un objectif atteignable.")
    bruno.page.get_by_role("button", name="Proposer l'amendement").click()
    proposal = anim.locator(".amendment", has_text="Un objectif atteignable")
    proposal.get_by_role("button", name=re.compile("^Ouvrir un vote rapide")).click()
    for page in (phone, bruno.page):
        item = page.locator(".amendment", has_text="Un objectif atteignable")
        item.get_by_role("button", name="Pour", exact=True).click()
        expect(item.get_by_role("button", name="Pour", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
    expect(proposal.locator(".amendment__tally")).to_contain_text("2 pour")
    bruno.shot("charte-quick-vote-390")
    proposal.get_by_role("button", name=re.compile("^Clore le vote rapide")).click()
    expect(proposal).to_contain_text("Accepté")
    anim.get_by_role("button", name=re.compile(r"^Consolider la version 2")).click()
    expect(anim.locator(".charte__version-title")).to_contain_text("version 2")
    # version 2: the diff against version 1, in words for screen readers
    changed = phone.locator(".clause", has_text="droit des familles")
    expect(changed.locator("ins.diff")).to_contain_text("[ajout : ")
    expect(changed.locator("del.diff")).to_contain_text("[suppression : ")
    expect(changed.locator(".clause__flag")).to_have_text("Clause modifiée")
    added = phone.locator(".clause", has_text="Réduire le décrochage")
    expect(added.locator(".clause__flag")).to_have_text("Clause ajoutée")
    laptop.shot("charte-console-v2-1280")

    # gel: nothing can be amended any more
    anim.get_by_role("button", name="Geler la version 2").click()
    expect(phone.locator(".charte__version-title .badge")).to_have_text("Gelée")
    expect(phone.get_by_role("button", name=re.compile("^Amender"))).to_have_count(0)
    expect(phone.locator(".charte__status")).to_contain_text("gelée")

    # vote: one ballot per structure, results hidden until closed
    anim.get_by_role("button", name="Passer à : Vote d'adoption").click()
    expect(phone.locator(".charte-vote__participation")).to_contain_text("0 bulletin déposé sur 2")
    phone.get_by_label("Adhésion totale").check()
    phone.get_by_role("button", name="Voter").click()
    expect(phone.locator(".ballot__mine")).to_contain_text("Votre bulletin : Adhésion totale")
    bruno.page.get_by_label("Adhésion avec réserves").check()
    bruno.page.get_by_role("button", name="Voter").click()
    expect(projection.page.locator(".charte-vote__participation")).to_contain_text(
        "2 bulletins déposés sur 2"
    )
    expect(projection.page.locator(".charte-tallies")).to_have_count(0)
    alice.shot("charte-vote-390")
    assert axe_violations(phone) == []
    anim.get_by_role("button", name="Clore le vote d'adoption de la version 2").click()
    anim.get_by_role("button", name="Confirmer la clôture du vote").click()
    for page in (projection.page, phone):
        expect(page.locator(".charte-result__outcome")).to_have_text("Adoptée")
        expect(page.locator(".charte-result__signatories")).to_contain_text("Collège Jean-Moulin")
        expect(page.locator(".charte-result__signatories")).to_contain_text("Centre social")
    projection.shot("charte-projection-1280")
    alice.shot("charte-result-390")
    laptop.shot("charte-console-result-1280")
    assert axe_violations(projection.page) == []
    for watched in (alice, bruno):
        assert horizontal_overflow(watched.page) <= 0
    for watched in (alice, bruno, projection, laptop):
        watched.close()
