"""End to end in headless Chromium, between two ateliers: « relire la charte v2 et proposer
des amendements avant le … ». The animateur opens the charte step of a closed atelier until a
date; Alice, on her phone (390 px), finds it on the cycle page with its deadline, reads
version 2 with its changes since version 1, proposes an amendment and sees it as hers; the
animateur accepts it from the between-ateliers board (the console of a closed atelier is
read-only); after the deadline the phone can no longer amend."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser_helpers import (
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

SCRIPT = """\
format: 1
id: charte-async-test
title: Charte entre deux ateliers
steps:
  - id: charte
    type: charte
    title: Relire la charte
    consigne: Relisez la charte et proposez des amendements.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser-charte-async")
    scripts = folder / "scripts"
    shutil.copytree(ROOT / "workshop_scripts", scripts)
    (scripts / "charte-async-test.yaml").write_text(SCRIPT, encoding="utf-8")
    live = LiveServer(folder / "instance", SCRIPTS_DIR=str(scripts)).start()
    forget_demo_charte(live)
    yield live
    live.stop()


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(target)


def _accessible(watched: Watched, name: str) -> None:
    assert axe_violations(watched.page) == [], name
    assert horizontal_overflow(watched.page) <= 0, name
    watched.shot(name)


def _accept(page: Any, has_text: str) -> Any:
    item = page.locator(".amendment", has_text=has_text)
    item.get_by_role("button", name=re.compile("^Accepter l'amendement")).click()
    page.get_by_role("button", name="Confirmer l'acceptation").click()
    expect(item).to_contain_text("Accepté")
    return item


def test_amend_the_charte_between_ateliers_on_a_phone(browser: Any, server: LiveServer) -> None:
    laptop = login(browser, server)
    anim = laptop.page
    code = new_atelier(laptop, server, "Charte entre deux ateliers")
    title = anim.locator("h1").first.inner_text().strip()
    anim.get_by_role("button", name="Démarrer l'atelier").click()
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    phone = alice.page

    # atelier 1: version 1, one amendment accepted, consolidated into version 2
    anim.get_by_role("button", name="Passer à : Rédaction").click()
    anim.get_by_role("button", name="Commencer la version 1").click()
    anim.get_by_role("button", name="Ajouter une clause : Valeurs communes").click()
    anim.get_by_label("Nouvelle clause — Valeurs communes").fill(
        "Chaque structure respecte le secret professionnel."
    )
    anim.get_by_role("button", name="Ajouter la clause").click()
    anim.get_by_role("button", name="Passer à : Amendements").click()
    phone.get_by_role("button", name="Amender la clause 2.1").click()
    phone.get_by_label("Nouvelle rédaction de la clause 2.1").fill(
        "Chaque structure respecte le secret partagé."
    )
    phone.get_by_label("Pourquoi ? (obligatoire)").fill("Le secret se partage.")
    phone.get_by_role("button", name="Proposer l'amendement").click()
    _accept(anim, "Le secret se partage")
    anim.get_by_role("button", name=re.compile(r"^Consolider la version 2")).click()
    expect(anim.locator(".charte__version-title")).to_contain_text("version 2")
    anim.get_by_text("Clore l'atelier…").click()
    anim.get_by_role("button", name="Confirmer la clôture").click()
    expect(anim.locator("#atelier-state")).to_have_text("clos")
    # the closed atelier's board no longer offers to amend
    expect(phone.get_by_role("button", name="Amender la clause 2.1")).to_have_count(0)

    # between ateliers: the animateur opens the charte step until a date
    cycle_id = server.demo["cycle_id"]
    anim.goto(f"{server.url}/animateur/cycles/{cycle_id}/entre-ateliers")
    item = anim.locator("section.cl-atelier", has_text=title).locator(
        "li", has=anim.get_by_role("heading", name="Relire la charte")
    )
    expect(item.locator(".cl-charte")).to_contain_text("version 2 (brouillon)")
    expect(item.locator(".cl-charte")).to_contain_text(re.compile(r"phase «\s*Amendements\s*»"))
    deadline = date.today() + timedelta(days=9)
    item.get_by_text("Ouvrir aux contributions").click()
    item.get_by_label(re.compile("^Date limite")).fill(deadline.isoformat())
    item.get_by_role("button", name=re.compile("^Ouvrir")).click()
    expect(anim.locator(".flash")).to_contain_text("ouverte aux contributions")

    # Alice, on her phone: the cycle page, the step and its deadline
    phone.goto(f"{server.url}/cycle/{cycle_id}")
    todo = phone.locator("#async-title + ul")
    expect(todo).to_contain_text("Relire la charte")
    expect(todo).to_contain_text(deadline.strftime("%d/%m/%Y"))
    expect(todo).to_contain_text("Charte en cours : version 2 (brouillon)")
    phone.get_by_role("link", name="Contribuer à « Relire la charte »").click()
    expect(phone.locator("#conn-status")).to_have_text("Connecté")
    expect(phone.locator(".board-app__sub")).to_contain_text(deadline.strftime("%d/%m/%Y"))
    expect(phone.locator(".charte__version-title")).to_contain_text("version 2")
    # she reads version 2 with its changes since version 1
    clause = phone.locator(".clause", has_text="secret")
    expect(clause.locator("ins.diff")).to_contain_text("partagé.")
    expect(clause.locator("del.diff")).to_contain_text("professionnel.")
    values = phone.locator('.charte-section[data-section="valeurs"]')
    expect(values).not_to_contain_text("Pas encore de clause")
    phone.get_by_role("button", name="Amender la clause 2.1").click()
    phone.get_by_label("Nouvelle rédaction de la clause 2.1").fill(
        "Chaque structure respecte le secret partagé et le droit des familles."
    )
    phone.get_by_label("Pourquoi ? (obligatoire)").fill("Les familles doivent être associées.")
    phone.get_by_role("button", name="Proposer l'amendement").click()
    mine = phone.locator(".amendment", has_text="Les familles doivent être associées")
    expect(mine).to_contain_text("Votre amendement")
    expect(mine).to_contain_text("Proposé")
    expect(mine.get_by_role("button", name=re.compile("^Retirer"))).to_be_visible()
    expect(values).not_to_contain_text("Pas encore de clause")
    _accessible(alice, "charte-async-board-390")

    # the animateur sees it from the between-ateliers page and decides on its board
    anim.reload()
    item = anim.locator("li", has=anim.get_by_role("heading", name="Relire la charte")).first
    expect(item.locator(".cl-charte")).to_contain_text("1 amendement à examiner")
    _accessible(laptop, "charte-async-entre-ateliers-1280")
    anim.set_viewport_size({"width": 390, "height": 844})
    _accessible(laptop, "charte-async-entre-ateliers-390")
    item.get_by_role("link", name=re.compile("^Modifier la charte, décider")).click()
    expect(anim.locator("#conn-status")).to_have_text("Connecté")
    expect(anim.locator(".charte__pending")).to_contain_text("1 amendement à examiner")
    _accessible(laptop, "charte-async-animateur-390")
    anim.set_viewport_size({"width": 1280, "height": 800})
    _accept(anim, "Les familles doivent être associées")
    expect(mine).to_contain_text("Accepté")  # live on her phone
    expect(anim.get_by_role("button", name=re.compile(r"^Consolider la version 3"))).to_be_visible()
    laptop.shot("charte-async-animateur-1280")

    # the deadline passes: her board no longer offers to amend, the server refuses
    with sqlite3.connect(server.instance / "facilitator.db", timeout=10) as con:
        con.execute(
            "UPDATE step SET async_until = datetime('now', '-1 minute') "
            "WHERE async_until IS NOT NULL"
        )
    phone.reload()
    expect(phone.locator(".charte__version-title")).to_contain_text("version 2")
    expect(phone.get_by_text("La date limite est passée").first).to_be_visible()
    expect(phone.get_by_role("button", name=re.compile("^Amender"))).to_have_count(0)
    expect(phone.get_by_role("button", name=re.compile("^Proposer une clause"))).to_have_count(0)
    alice.shot("charte-async-closed-390")
    for watched in (alice, laptop):
        watched.close()
