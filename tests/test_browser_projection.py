"""The projection reads from the back of the room (issue 14, item 2), in headless Chromium:
for every activity type, at 1280×720 and 1920×1080, the wall fits the screen (no vertical
overflow, no scrollbar), shows nothing to click (no button, link, field), writes big enough
(body text ≥ 28 px at 1920, nothing under 18 px: map labels included), shows the cycle's
questions as one strip (Q1…Qn), keeps the QR code and the code in a corner (hideable), and
stays at 0 axe-core violations. Screenshots in test-artifacts/ (projection-<step>-<width>)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import ARTIFACTS, Watched, axe_violations, login
from tests.live import ROOT, LiveServer, console_token, login_animateur

pytestmark = pytest.mark.browser
browser = browser_helpers.browser  # the module-scoped fixture

#: one step of each activity type (their usual settings, from workshop_scripts/)
WALL_SCRIPT = """\
format: 1
id: mur
title: Le mur
steps:
  - id: cartes
    type: cartes
    title: Nos idées
    consigne: Une idée par carte. L'animateur les regroupe ensuite avec vous.
    settings:
      columns:
        - {id: idees, label: Idées}
        - {id: freins, label: Freins}
        - {id: leviers, label: Leviers}
  - id: questions
    type: questions_essentielles
    title: Questions essentielles
    consigne: Proposez la question que notre communauté d'action doit se poser.
    settings: {max_questions: 4}
  - id: carte
    type: cartographie
    title: Les relations existantes
    consigne: Qui travaille déjà avec qui, et comment ?
    settings: {focus: relations, view: graphe}
  - id: acteurs
    type: cartographie
    title: Les acteurs et leurs actions
    consigne: Ajoutez les acteurs qui manquent.
    settings: {focus: acteurs, view: tableau}
  - id: charte
    type: charte
    title: Charte du projet
    consigne: Relisez les clauses, proposez des amendements.
    settings: {start_phase: redaction}
  - id: chaine
    type: chaine_de_valeur
    title: L'écosystème
    consigne: Les chaînes de valeur de nos structures, par question essentielle.
    settings: {view: ecosysteme}
  - id: feuille
    type: feuille_de_route
    title: La feuille de route
    consigne: Les actions, leurs pilotes, leurs échéances.
    settings: {view: chronologie}
  - id: meteo
    type: evaluation
    title: Météo et utilité
    consigne: Dans quel état repartez-vous ?
    settings: {scope: atelier}
"""

STEPS = ["cartes", "questions", "carte", "acteurs", "charte", "chaine", "feuille", "meteo"]
SIZES = [(1280, 720), (1920, 1080)]

#: what a wall must not have: anything to click, type into or tab to
INTERACTIVE = (
    "button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex='-1']),"
    " [contenteditable]"
)

MEASURE = """(selector) => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight
      && !el.closest('[hidden], .visually-hidden');
  };
  const texts = [...document.querySelectorAll('#projection-app *')].filter((el) =>
    [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && visible(el));
  const sizes = texts.map((el) => [parseFloat(getComputedStyle(el).fontSize), el.tagName,
    el.className && el.className.baseVal !== undefined ? el.className.baseVal : el.className,
    el.textContent.trim().slice(0, 40)]);
  const smallest = sizes.reduce((a, b) => (b[0] < a[0] ? b : a), [999]);
  const interactive = [...document.querySelectorAll(selector)].filter(visible)
    .map((el) => el.outerHTML.slice(0, 120));
  const doc = document.documentElement;
  return {
    overflow: doc.scrollHeight - innerHeight,
    overflowX: doc.scrollWidth - innerWidth,
    smallest, interactive,
    body: parseFloat(getComputedStyle(document.getElementById('step-consigne')).fontSize),
  };
}"""


@pytest.fixture(scope="module")
def wall_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The whole demo cycle (questions, map, charte, chains, actions to show) and the
    wall script."""
    folder = tmp_path_factory.mktemp("wall")
    scripts = folder / "scripts"
    shutil.copytree(ROOT / "workshop_scripts", scripts)
    (scripts / "mur.yaml").write_text(WALL_SCRIPT, encoding="utf-8")
    live = LiveServer(folder / "instance", SCRIPTS_DIR=str(scripts), SEED_DEMO_MINIMAL="0")
    yield live.start(timeout=120)
    live.stop()


def _wall_atelier(browser: Any, server: LiveServer, title: str) -> tuple[Watched, int]:
    """The wall script added to the demo cycle as ``title``, its console open; its id."""
    laptop = login(browser, server)
    page = laptop.page
    page.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}")
    select = page.get_by_label("Déroulé")
    select.select_option(select.locator("option", has_text="Le mur").get_attribute("value"))
    page.get_by_label("Titre (facultatif)").fill(title)
    page.get_by_role("button", name="Ajouter l'atelier").click()
    page.get_by_role("link", name=f"Console de l'atelier {title}").click()
    atelier_id = int(page.url.rstrip("/").split("/")[-1])
    return laptop, atelier_id


def _steer(server: LiveServer, atelier_id: int) -> Any:
    from tests.live import Peer

    http = login_animateur(server)
    peer = Peer(server.url, console_token(http, server, atelier_id)).connect()
    return peer


def test_the_wall_fits_and_reads_for_every_activity_type(
    browser: Any, wall_server: LiveServer
) -> None:
    laptop, atelier_id = _wall_atelier(browser, wall_server, "Le mur")
    anim = _steer(wall_server, atelier_id)
    steps = anim.syncs[-1]["snapshot"]["steps"]
    by_key = {s["key"]: s["id"] for s in steps}
    assert anim.call("atelier_start", {})["ok"]
    # many cards: more than a screen holds, the wall pages through them
    for n in range(40):
        text = f"Idée numéro {n + 1} : un lieu ressource pour les parents du quartier"
        payload = {
            "step_id": by_key["cartes"],
            "client_id": f"wall{n:028d}",
            "text": text,
            "column": ["idees", "freins", "leviers"][n % 3],
        }
        added = anim.call("card_add", payload)
        while not added["ok"] and added["error"]["code"] == "rate_limited":
            time.sleep(1)  # the per-connection limit: the same card again (same client_id)
            added = anim.call("card_add", payload)
        assert added["ok"], added
    problems: list[str] = []
    walls = {size: Watched(browser, *size, context=laptop.context) for size in SIZES}
    try:
        for size, wall in walls.items():
            wall.page.set_viewport_size({"width": size[0], "height": size[1]})
            wall.page.goto(f"{wall_server.url}/animateur/ateliers/{atelier_id}/projection")
        for key in STEPS:
            assert anim.call("step_goto", {"step_id": by_key[key]})["ok"]
            for (width, height), wall in walls.items():
                page = wall.page
                title = next(s["title"] for s in steps if s["key"] == key)
                page.locator("#step-title", has_text=title).wait_for()
                page.wait_for_timeout(1200)  # views drawn, the map laid out
                found = page.evaluate(MEASURE, INTERACTIVE)
                where = f"{key} {width}×{height}"
                if found["overflow"] > 0 or found["overflowX"] > 0:
                    problems.append(f"{where}: overflows by {found['overflow']} px")
                if found["interactive"]:
                    problems.append(f"{where}: interactive {found['interactive'][:3]}")
                floor = 18 if width == 1920 else 12
                if found["smallest"][0] < floor:
                    problems.append(f"{where}: text of {found['smallest']}")
                if width == 1920 and found["body"] < 28:
                    problems.append(f"{where}: consigne in {found['body']} px")
                if width == 1920:
                    problems += [f"{where}: {v}" for v in axe_violations(page)]
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"projection-{key}-{width}.png"))
    finally:
        for wall in walls.values():
            wall.page.close()
        anim.disconnect()
    assert problems == [], "\n".join(problems)
    for wall in walls.values():
        wall.check()
    laptop.close()


def test_question_strip_and_hideable_join_corner(browser: Any, wall_server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop, atelier_id = _wall_atelier(browser, wall_server, "Le mur et son coin")
    anim = _steer(wall_server, atelier_id)
    steps = anim.syncs[-1]["snapshot"]["steps"]
    by_key = {s["key"]: s["id"] for s in steps}
    wall = Watched(browser, 1920, 1080, context=laptop.context)
    page = wall.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{wall_server.url}/animateur/ateliers/{atelier_id}/projection")
    assert anim.call("atelier_start", {})["ok"]
    assert anim.call("step_goto", {"step_id": by_key["carte"]})["ok"]
    strip = page.locator("#question-strip")
    expect(strip).to_be_visible()
    # one line: Q1…Q4, each one line high
    expect(strip.locator("li")).to_have_count(4)
    box = strip.bounding_box()
    assert box is not None and box["height"] < 80, box
    # the QR code and the code: a corner, hidden and shown again with « Q »
    corner = page.locator("#projection-join")
    expect(corner).to_be_visible()
    qr = page.locator(".projection__qr").bounding_box()
    assert qr is not None and qr["x"] + qr["width"] > 1920 - 400 and qr["y"] < 400, qr
    page.keyboard.press("q")
    expect(corner).to_be_hidden()
    page.reload()
    expect(page.locator("#step-title")).to_contain_text("relations")
    expect(corner).to_be_hidden()  # remembered on this screen
    page.keyboard.press("q")
    expect(corner).to_be_visible()
    anim.disconnect()
    wall.close()
    laptop.close()
