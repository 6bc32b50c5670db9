"""Dropdowns at least as wide as their longest choice on a laptop (1280 px) and within the
screen on a phone (390 px): the cycle page's déroulé, modèle de cycle and structure type,
the état of the feuille de route's actions. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import Watched, horizontal_overflow
from tests.live import ROOT, LiveServer

pytestmark = pytest.mark.browser
browser = browser_helpers.browser  # module-scoped fixture

#: each select's width and the width it needs for its longest option (a hidden clone sized
#: by its content)
MEASURE = """(sel) => [...document.querySelectorAll(sel)].map((s) => {
  const c = s.cloneNode(true);
  Object.assign(c.style, {width: "auto", minWidth: "0", maxWidth: "none",
                          position: "absolute", visibility: "hidden"});
  document.body.appendChild(c);
  const need = c.getBoundingClientRect().width;
  c.remove();
  const r = s.getBoundingClientRect();
  return {id: s.id, width: r.width, need, left: r.left, right: r.right,
          viewport: document.documentElement.clientWidth};
})"""

PAGES = (
    ("", "#script_id, #template_id, #structure-type", 3),
    ("/feuille-de-route", "select[name=etat]", 1),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The full demo cycle (its feuille de route has actions)."""
    folder = tmp_path_factory.mktemp("selects")
    scripts = folder / "scripts"
    shutil.copytree(ROOT / "workshop_scripts", scripts)
    live = LiveServer(folder / "instance", SCRIPTS_DIR=str(scripts), SEED_DEMO_MINIMAL="0")
    live.start(timeout=240)
    yield live
    live.stop()


def _open(browser: Any, server: LiveServer, width: int) -> Watched:
    watched = Watched(browser, width, 900)
    page = watched.page
    page.goto(server.url + "/connexion")
    page.get_by_label("Adresse électronique").fill(server.demo["email"])
    page.get_by_label("Mot de passe").fill(server.demo["password"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/animateur"))
    return watched


@pytest.mark.parametrize("width", [1280, 390])
def test_selects_show_their_longest_choice(browser: Any, server: LiveServer, width: int) -> None:
    watched = _open(browser, server, width)
    page = watched.page
    for path, selector, at_least in PAGES:
        page.goto(f"{server.url}/animateur/cycles/{server.demo['cycle_id']}{path}")
        selects = page.evaluate(MEASURE, selector)
        assert len(selects) >= at_least, (path, selects)
        for s in selects:
            assert s["left"] >= 0 and s["right"] <= s["viewport"], s  # on screen
            if width == 1280:
                assert s["width"] >= s["need"] - 1, s  # the longest choice is readable
        assert horizontal_overflow(page) == 0
        watched.shot(f"selects-{path.strip('/') or 'cycle'}-{width}")
    watched.close()
