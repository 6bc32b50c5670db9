"""Accessibility (RGAA 4.1 / WCAG 2.1 AA) and weight, in headless Chromium: axe-core on
every page with no serious or critical violation, reflow at 320 px, polite announcements
batched, and the participant page's first load under 100 KB compressed
(docs/performance.md, « Poids de la page participant»)."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import pytest

from tests import browser_helpers
from tests.browser_helpers import (
    ARTIFACTS,
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
from tests.live import LiveServer, Peer, console_token, login_animateur, wait_until

pytestmark = pytest.mark.browser
browser, server = browser_helpers.browser, browser_helpers.server  # module-scoped fixtures

BUDGET = 100 * 1000  # bytes, compressed
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def started_atelier(browser: Any, server: LiveServer) -> tuple[Watched, Watched, str]:
    """A running atelier with a card: the animateur's console and a participant."""
    from playwright.sync_api import expect

    laptop = login(browser, server)
    code = new_atelier(laptop, server)
    laptop.page.get_by_role("button", name="Démarrer l'atelier").click()
    alice = join_by_code(browser, server, code, "Alice", CODE_OF_EDUCATION)
    add_card(alice.page, "Mieux connaître les dispositifs du quartier")
    expect(card(laptop.page, "Mieux connaître")).to_be_visible()
    return laptop, alice, code


def test_axe_and_reflow_on_every_page(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop, alice, _code = started_atelier(browser, server)
    anim = laptop.page
    console_url = anim.url
    links = {
        "participant": anim.locator("#participant-link").input_value(),
        "read": anim.locator("#read-link").input_value(),
    }
    visitor = Watched(browser, 390, 844)  # no cookie: public pages
    cycle = f"{server.url}/animateur/cycles/{server.demo['cycle_id']}"
    pages: list[tuple[str, Watched, str]] = [
        ("accueil", visitor, server.url + "/"),
        ("rejoindre", visitor, links["participant"]),
        ("lecture seule", visitor, links["read"]),
        ("confidentialité", visitor, server.url + "/confidentialite"),
        ("page d'erreur", visitor, server.url + "/lecture/lien-inconnu"),
        ("connexion", visitor, server.url + "/connexion"),
        ("tableau participant", alice, alice.page.url),
        ("tableau de bord", laptop, server.url + "/animateur/"),
        ("cycle", laptop, cycle),
        ("identité de la structure", laptop, server.url + "/animateur/structure"),
        ("console", laptop, console_url),
        ("projection", laptop, console_url + "/projection"),
    ]
    report: dict[str, list[str]] = {}
    overflow: dict[str, int] = {}
    for name, who, url in pages:
        page = who.page
        page.goto(url)
        if page.locator("#conn-status").count():
            expect(page.locator("#conn-status")).to_have_text("Connecté")
            page.wait_for_timeout(300)  # the first render after sync
        size = page.viewport_size
        report[name] = axe_violations(page, impacts=ALL_IMPACTS)
        page.set_viewport_size({"width": 320, "height": 640})
        overflow[name] = horizontal_overflow(page)
        page.set_viewport_size(size)
    # the home page with a wrong code (error message, aria-invalid)
    visitor.page.goto(server.url + "/")
    visitor.page.get_by_label("Code de l'atelier").fill("ZZZZZZ")
    visitor.page.get_by_role("button", name="Rejoindre").click()
    expect(visitor.page.locator("#code-error")).to_be_visible()
    report["accueil (code inconnu)"] = axe_violations(visitor.page, impacts=ALL_IMPACTS)

    ARTIFACTS.mkdir(exist_ok=True)
    lines = [
        f"{name}: {len(v)} violation(s)" + "".join("\n  " + x for x in v)
        for name, v in report.items()
    ]
    (ARTIFACTS / "axe-report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    grave = ("(serious)", "(critical)")
    failures = {n: [x for x in v if any(g in x for g in grave)] for n, v in report.items()}
    failures = {n: v for n, v in failures.items() if v}
    assert failures == {}, "axe-core:\n" + "\n".join(lines)
    assert {k: v for k, v in overflow.items() if v > 0} == {}, overflow
    # the error page and the unknown code answer 404 on purpose
    visitor.problems = [p for p in visitor.problems if "status of 404" not in p]
    for watched in (visitor, alice, laptop):
        watched.close()


def test_announcements_are_polite_and_batched(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop, alice, _code = started_atelier(browser, server)
    atelier_id = int(re.search(r"/ateliers/(\d+)", laptop.page.url).group(1))
    page = alice.page
    region = page.locator("#announcer")
    assert region.get_attribute("aria-live") == "polite"
    page.evaluate(
        """() => {
            window.said = [];
            new MutationObserver(() => window.said.push(
                document.getElementById("announcer").textContent
            )).observe(document.getElementById("announcer"), {childList: true, subtree: true,
                                                               characterData: true});
        }"""
    )
    http = login_animateur(server)
    peer = Peer(server.url, console_token(http, server, atelier_id)).connect()
    try:
        snapshot = peer.syncs[0]["snapshot"]
        step = snapshot["atelier"]["current_step_id"]
        for i in range(8):
            ack = peer.call(
                "card_add",
                {
                    "step_id": step,
                    "client_id": f"burst-{i:05d}",
                    "text": f"Idée {i}",
                    "column": snapshot["steps"][0]["columns"][0]["id"],
                },
            )
            assert ack["ok"], ack
        expect(page.locator("[data-card-id]")).to_have_count(9)
        assert wait_until(
            lambda: (
                sum(
                    int(m.group(1))
                    for t in page.evaluate("window.said")
                    for m in re.finditer(r"(\d+) nouvelles? cartes?", t)
                )
                >= 8
            ),
            timeout=8,
        ), page.evaluate("window.said")
        said = page.evaluate("window.said")
        assert 1 <= len(said) <= 3, said  # 8 cards: not 8 announcements
        nxt = next(s for s in snapshot["steps"] if s["key"] == "attentes")
        assert peer.call("step_goto", {"step_id": nxt["id"]})["ok"]
        expect(region).to_contain_text("Nouvelle étape : Vos attentes", timeout=8000)
    finally:
        peer.disconnect()
        http.close()
    alice.close()
    laptop.close()


def test_participant_page_weight(browser: Any, server: LiveServer) -> None:
    from playwright.sync_api import expect

    laptop, alice, _code = started_atelier(browser, server)
    board_url = alice.page.url
    # a new browser profile (empty cache) that carries the participant's cookie
    fresh = Watched(browser, 390, 844)
    fresh.context.add_cookies(alice.context.cookies())
    responses: list[Any] = []
    frames: list[int] = []
    fresh.page.on("response", lambda r: responses.append(r))
    fresh.page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda f: frames.append(len(f if isinstance(f, bytes) else f.encode()))
        ),
    )
    fresh.page.goto(board_url)
    expect(fresh.page.locator("#conn-status")).to_have_text("Connecté")
    expect(card(fresh.page, "Mieux connaître")).to_be_visible()
    rows = []
    for response in responses:
        if response.status == 101:  # websocket upgrade: its frames are counted below
            continue
        body = response.body()
        path = response.url.replace(server.url, "") or "/"
        rows.append(
            {
                "path": re.sub(r"/atelier/[^/?]+", "/atelier/…", path),
                "raw": len(body),
                "gzip": len(gzip.compress(body, compresslevel=6)),
            }
        )
    rows.append({"path": "WebSocket (frames reçues)", "raw": sum(frames), "gzip": sum(frames)})
    total = {"raw": sum(r["raw"] for r in rows), "gzip": sum(r["gzip"] for r in rows)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.json").write_text(
        json.dumps({"resources": rows, "total": total}, ensure_ascii=False, indent=1)
    )
    paths = [r["path"] for r in rows]
    assert any(p.endswith("socket.io.min.js") for p in paths), paths  # served by the app
    assert not any(p.startswith("http") for p in paths), paths  # nothing from elsewhere
    assert total["gzip"] <= BUDGET, json.dumps(rows, indent=1)
    for watched in (fresh, alice, laptop):
        watched.close()
