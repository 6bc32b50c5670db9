"""Shared fixtures and helpers of the browser tests (tests/test_browser_*.py): one real
server process and one headless Chromium per test module, pages whose JS errors and CSP
violations fail the test, axe-core run from tests/vendor/ (never shipped in static/)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from tests.live import ROOT, LiveServer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CODE_OF_EDUCATION = "Collège Jean-Moulin (Éducation nationale)"
CENTRE_SOCIAL = "Centre social Les Tilleuls (Association)"

#: a script of the tests' own (besides the shipped ones): a step with moderation
MODERATED_SCRIPT = """\
format: 1
id: atelier-modere
title: Atelier modéré
steps:
  - id: idees
    type: cartes
    title: Idées pour la rentrée
    consigne: Proposez une idée par carte ; l'animateur les valide avant de les afficher.
    settings:
      moderation: true
      columns: [{id: idees, label: Idées}]
  - id: vote
    type: cartes
    title: Voter
    consigne: Répartissez vos 2 votes.
    settings:
      cards_from: idees
      columns: [{id: idees, label: Idées retenues}]
      votes: {budget: 2, max_per_card: 1}
"""

_titles = count(1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium missing at {CHROMIUM}: `make test` installs it")
        pytest.skip(f"Chromium missing at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    scripts = folder / "scripts"
    shutil.copytree(ROOT / "workshop_scripts", scripts)
    (scripts / "atelier-modere.yaml").write_text(MODERATED_SCRIPT, encoding="utf-8")
    live = LiveServer(folder / "instance", SCRIPTS_DIR=str(scripts)).start()
    yield live
    live.stop()


class Watched:
    """A page whose JS errors and CSP violations fail the test (``check()``)."""

    def __init__(self, browser: Any, width: int, height: int, context: Any = None) -> None:
        self.own_context = context is None
        self.context = context or browser.new_context(
            viewport={"width": width, "height": height}, locale="fr-FR"
        )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and "ERR_INTERNET_DISCONNECTED" not in text:
            self.problems.append(f"console: {text}")

    def shot(self, name: str) -> None:
        """A full-page screenshot in test-artifacts/ (not committed), from the top."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def check(self) -> None:
        assert self.problems == [], self.problems

    def close(self) -> None:
        self.check()
        if self.own_context:
            self.context.close()
        else:
            self.page.close()


def login(browser: Any, server: LiveServer, width: int = 1280, height: int = 800) -> Watched:
    laptop = Watched(browser, width, height)
    page = laptop.page
    page.goto(server.url + "/connexion")
    page.get_by_label("Adresse électronique").fill(server.demo["email"])
    page.get_by_label("Mot de passe").fill(server.demo["password"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/animateur"))
    return laptop


def new_atelier(laptop: Watched, server: LiveServer, script: str = "Lancement") -> str:
    """Add an atelier to the demo cycle from the script whose title starts with
    ``script``, open its console; return the join code."""
    page = laptop.page
    page.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}")
    title = f"Atelier de test {next(_titles)} ({os.getpid()})"
    select = page.get_by_label("Déroulé")
    value = select.locator("option", has_text=re.compile("^" + re.escape(script))).first
    select.select_option(value.get_attribute("value"))
    page.get_by_label("Titre (facultatif)").fill(title)
    page.get_by_role("button", name="Ajouter l'atelier").click()
    page.get_by_role("link", name=f"Console de l'atelier {title}").click()
    from playwright.sync_api import expect

    expect(page.locator("#conn-status")).to_have_text("Connecté")
    return page.locator("#join-code").inner_text().strip()


def join_by_code(
    browser: Any, server: LiveServer, code: str, name: str, structure: str, width: int = 390
) -> Watched:
    phone = Watched(browser, width, 844)
    page = phone.page
    page.goto(server.url + "/")
    page.get_by_label("Code de l'atelier").fill(code.lower())
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_label("Votre prénom ou le nom affiché").fill(name)
    page.get_by_label("Votre structure", exact=True).select_option(label=structure)
    page.get_by_role("button", name="Rejoindre l'atelier").click()
    # the same name and structure already in the cycle (another test's person): a
    # different person here (« Êtes-vous déjà venu·e ? », issue 16)
    page.wait_for_function(
        "() => location.pathname.startsWith('/atelier/')"
        " || document.getElementById('returning-title') !== null"
    )
    if "/atelier/" not in page.url:
        page.get_by_role("button", name="Non, je suis une autre personne").click()
    page.wait_for_url(re.compile(r"/atelier/"))
    return phone


def add_card(page: Any, text: str, label: str = "Votre contribution") -> None:
    page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Ajouter", exact=True).click()


def card(page: Any, text: str) -> Any:
    return page.locator("[data-card-id]", has_text=text)


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; describe the violations of
    the given impacts. Evaluated through the DevTools protocol: the page's CSP stays on."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                resultTypes: ["violations"],
            });
            return r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(
                    (n) => n.target.join(" ") + " — " + n.failureSummary),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in results
        if v["impact"] in impacts
    ]


def horizontal_overflow(page: Any) -> int:
    """Pixels the page is wider than its viewport (reflow: 0 at 320 px)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
