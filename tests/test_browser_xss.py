"""Hostile text (tests/data/xss_payloads.txt) in real Chromium: a cycle and an atelier whose
titles, lieu and structures are hostile, one participant per text (display name, a new
structure, a card added and one edited, a cluster label), and one more who joins through
the browser's own form with a hostile name. The console, the projection, the participant's
board and the read-only view must show every text as text: no dialog, no injected element
or attribute, no script error or CSP violation."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.browser_helpers import Watched, browser, login, server  # noqa: F401
from tests.live import LiveServer, Peer, csrf_of, login_animateur
from tests.xss import fit, flat, payloads

pytestmark = pytest.mark.browser

TEXTS = payloads()
#: the atelier's own fields get the texts that attack attributes and raw-text elements
TITLE = "\"><img src=x onerror=alert('titre')></title><script>alert('titre')</script>"
LIEU = "<svg onload=alert('lieu')>{{7*7}}"

#: everything in the DOM that could run or load something it should not
SCAN = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith("on")) found.push(`<${tag} ${attr}>`);
    }
    if (["iframe", "object", "embed", "base", "math", "frame"].includes(tag)) found.push(tag);
    if (tag === "script" && !(el.getAttribute("src") || "").startsWith("/static/"))
      found.push("script " + el.outerHTML.slice(0, 80));
    for (const attr of ["href", "src", "action", "formaction", "xlink:href"]) {
      const value = (el.getAttribute(attr) || "").replace(/\\s/g, "").toLowerCase();
      if (value.startsWith("javascript:") || (value.startsWith("data:") && value !== "data:,"))
        found.push(`<${tag} ${attr}=${value.slice(0, 40)}>`);
    }
  }
  return found;
}"""
CARD_TEXTS = """() => Object.fromEntries([...document.querySelectorAll("[data-card-id]")].map(
  (el) => [el.dataset.cardId, el.querySelector(".card__text").textContent]))"""


def _post(http: requests.Session, url: str, form_page: str, data: dict[str, str]) -> Any:
    page = http.get(form_page).text
    return http.post(url, data={**data, "csrf_token": csrf_of(page)})


def build(live: LiveServer) -> dict[str, Any]:
    http = login_animateur(live)
    base = live.url
    r = _post(
        http,
        base + "/animateur/cycles",
        base + "/animateur/",
        {"title": TITLE, "theme": LIEU, "territoire": LIEU},
    )
    cycle = int(re.search(r"/animateur/cycles/(\d+)", r.url).group(1))
    cycle_page = f"{base}/animateur/cycles/{cycle}"
    for text in TEXTS[:5]:
        form = {"name": fit(text, "structure.name"), "type": "association", "territoire": text}
        _post(http, f"{cycle_page}/structures", cycle_page, form)
    form = {
        "script_id": "lancement-interconnaissance",
        "title": TITLE,
        "lieu": LIEU,
        "mode": "presentiel",
    }
    page = _post(http, f"{cycle_page}/ateliers", cycle_page, form).text
    atelier = int(re.findall(r"/animateur/ateliers/(\d+)", page)[-1])
    console = http.get(f"{base}/animateur/ateliers/{atelier}").text
    token = re.search(r'data-socket-token="([^"]+)"', console).group(1)
    link = re.search(r"(http://127\.0\.0\.1:\d+/rejoindre/[A-Za-z0-9_-]+)", console).group(1)
    read = re.search(r"(http://127\.0\.0\.1:\d+/lecture/[A-Za-z0-9_-]+)", console).group(1)
    anim = Peer(base, token).connect()
    assert anim.call("atelier_start", {})["ok"]
    step = anim.call("sync", {"last_seq": 0})["snapshot"]["steps"][0]
    column = step["columns"][0]["id"]
    for i, text in enumerate(TEXTS):
        person = requests.Session()
        form = {
            "display_name": fit(text, "participant.display_name"),
            "new_structure": flat(text)[:140] + " (rejoint)",
            "new_structure_type": "association",
        }
        board = _post(person, link, link, form)
        assert "/atelier/" in board.url, (text, board.status_code)
        peer = Peer(base, re.search(r'data-socket-token="([^"]+)"', board.text).group(1)).connect()
        add = {"step_id": step["id"], "column": column, "confirm_personal": True}
        first = peer.call(
            "card_add", {**add, "client_id": f"xss-{i:04d}-a", "text": fit(text, "card.text")}
        )
        second = peer.call("card_add", {**add, "client_id": f"xss-{i:04d}-b", "text": "brouillon"})
        edit = {"card_id": second["card"]["id"], "version": 1, "confirm_personal": True}
        edited = peer.call(
            "card_edit", {**edit, "text": fit(TEXTS[(i + 1) % len(TEXTS)], "card.text")}
        )
        assert first["ok"] and edited["ok"], (text, first, edited)
        peer.disconnect()
        person.close()
        if i % 15 == 14:  # a fresh connection: its own rate limit (20 at once, then 5/s)
            anim.disconnect()
            anim = Peer(base, token).connect()
        cluster = {
            "card_id": first["card"]["id"],
            "version": 1,
            "cluster": fit(text, "card.cluster"),
        }
        assert anim.call("card_edit", cluster)["ok"]
    cards = {
        str(c["id"]): c["text"] for c in anim.call("sync", {"last_seq": 0})["snapshot"]["cards"]
    }
    anim.disconnect()
    return {"atelier": atelier, "link": link, "read": read, "cards": cards}


def inspect(watched: Watched, cards: dict[str, str], dialogs: list[str], where: str) -> None:
    page = watched.page
    # a function, not an expression: Playwright would evaluate a string, which the CSP forbids
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-card-id]').length >= n",
        arg=len(cards),
        timeout=20_000,
    )
    assert page.evaluate(SCAN) == [], where
    shown = page.evaluate(CARD_TEXTS)
    assert {k: shown.get(k) for k in cards} == cards, where
    assert dialogs == [], (where, dialogs)
    watched.check()


def test_hostile_texts_render_as_text_in_chromium(browser: Any, server: LiveServer) -> None:  # noqa: F811
    world = build(server)
    dialogs: list[str] = []

    def watch(watched: Watched) -> Watched:
        watched.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        return watched

    laptop = watch(login(browser, server))
    page = laptop.page
    page.goto(f"{server.url}/animateur/ateliers/{world['atelier']}")
    inspect(laptop, world["cards"], dialogs, "console")
    assert page.title() == f"Console — {TITLE} — facilitator"
    from playwright.sync_api import expect

    # the presence list (names and structures), sent at most once a second
    for text in TEXTS[:5]:
        expect(page.locator("#presence-list")).to_contain_text(
            fit(text, "participant.display_name")
        )
    assert page.evaluate(SCAN) == []
    page.goto(f"{server.url}/animateur/ateliers/{world['atelier']}/projection")
    inspect(laptop, world["cards"], dialogs, "projection")

    phone = watch(Watched(browser, 390, 844))
    phone.page.goto(world["link"])
    name = "<img src=x onerror=alert('nom')> Dominique"
    phone.page.get_by_label("Votre prénom ou le nom affiché").fill(name)
    phone.page.get_by_label("Nom de votre structure").fill("<script>alert('structure')</script>")
    phone.page.get_by_label("Type de structure").select_option("association")
    phone.page.get_by_role("button", name="Rejoindre l'atelier").click()
    phone.page.wait_for_url(re.compile(r"/atelier/"))
    inspect(phone, world["cards"], dialogs, "participant board")
    assert name in phone.page.locator("body").inner_text()

    reader = watch(Watched(browser, 1280, 800))
    reader.page.goto(world["read"])
    inspect(reader, world["cards"], dialogs, "read-only")
    for watched in (laptop, phone, reader):
        watched.close()
