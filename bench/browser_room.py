"""Speed as people feel it, in real Chromium (docs/performance.md, « La salle »).

    .venv/bin/python -m bench.browser_room --phones 30 [--steps 12] [--cards 20]

One embedded server (run.py: gevent, SQLite) with the demo cycle; its prepared atelier is
driven from the console in headless Chromium, with the projection open and ``--phones``
participant pages (390 × 844, one browser context each, joined through the join form).
Measured, every time from a click in a page to a paint in the others (one clock: one
machine):

- *atelier start*: « Démarrer l'atelier » clicked on the console → the first step painted
  on each phone;
- *step change*: a step of the console's list clicked → the new step painted on each phone
  (its title, and its activity view drawn, not « Chargement… »);
- *card*: « Ajouter » clicked on one phone → the card painted on the projection and on
  every other phone;
- *first paint, Slow 3G*: a phone page loaded under emulated network conditions (the
  DevTools protocol): ``wpt`` = WebPageTest's « 3G Slow » (400 ms RTT, 400 kbit/s),
  ``devtools`` = DevTools' « Slow 3G » preset (2 s per request, 400 kbit/s).

Each page records, besides the paint, when the WebSocket frame of the change arrived: the
difference says what the browser spent (render) and what the server and the network spent
(delivery). Paint = the frame after the DOM change (requestAnimationFrame, then a task).

Results: one JSON line appended to bench/results/browser_room.jsonl and a summary printed,
with the machine's load average (the machine may be shared). Everything listens on
127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.browser_helpers import ARGS, CHROMIUM, CODE_OF_EDUCATION
from tests.live import LiveServer

RESULTS = Path(__file__).resolve().parent / "results"

#: in every page, before its scripts: WebSocket frames' arrival times, and paint watchers
INIT = r"""(() => {
  window.__frames = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (typeof e.data !== "string" || !e.data.startsWith("42")) return;
        const m = e.data.match(/"seq":\s*(\d+),\s*"type":\s*"([^"]+)"/);
        if (m) window.__frames.push([Date.now(), Number(m[1]), m[2]]);
      });
    }
  };
  const ready = (kind, arg) => {
    if (kind === "card") {
      const cards = [...document.querySelectorAll("[data-card-id]")];
      return cards.some((c) => c.textContent.includes(arg));
    }
    const title = document.getElementById("step-title");
    if (!title || !title.textContent.includes(arg)) return false;
    const act = document.getElementById("activity");
    const text = act ? act.textContent : "";
    return !act || act.hidden || (text.length > 0 && !text.startsWith("Chargement"));
  };
  window.__watch = (kind, arg) => {
    window.__seen = null;
    let done = false;
    const check = () => {
      if (done || !ready(kind, arg)) return;
      done = true;
      const dom = Date.now();
      const painted = () => { window.__seen = { dom, paint: Date.now() }; };
      requestAnimationFrame(() => setTimeout(painted, 0));
    };
    new MutationObserver(check).observe(document.documentElement,
      { childList: true, subtree: true, characterData: true, attributes: true });
    check();
  };
})();"""

CLICK = """([selector, text]) => {
  const all = [...document.querySelectorAll(selector)];
  const el = all.find((e) => !text || e.textContent.includes(text));
  const t = Date.now();
  el.click();
  return t;
}"""


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(pct(values, 50)),
        "p95": round(pct(values, 95)),
        "p99": round(pct(values, 99)),
        "max": round(max(values)) if values else float("nan"),
    }


def wait_seen(pages: list[Any], timeout: float = 30) -> list[dict[str, int]]:
    seen: list[dict[str, int]] = []
    deadline = time.monotonic() + timeout
    for page in pages:
        while True:
            got = page.evaluate("() => window.__seen")
            if got:
                seen.append(got)
                break
            if time.monotonic() > deadline:
                raise TimeoutError("a page never painted the change")
            time.sleep(0.02)
    return seen


def frame_times(pages: list[Any], kind: str, after: int) -> list[int]:
    """When each page received the first frame of ``kind`` after the time ``after``."""
    times = []
    for page in pages:
        frames = page.evaluate("() => window.__frames")
        hits = [t for t, _seq, typ in frames if typ == kind and t >= after]
        if hits:
            times.append(hits[0])
    return times


class Room:
    def __init__(self, args: argparse.Namespace, browser: Any, server: LiveServer) -> None:
        self.args, self.browser, self.server = args, browser, server
        log = server.log.read_text()
        self.code = re.search(r"code (\w{6})", log).group(1)  # type: ignore[union-attr]
        db = sqlite3.connect(server.instance / "facilitator.db")
        self.atelier_id = db.execute(
            "select id from atelier where join_code = ?", (self.code,)
        ).fetchone()[0]
        self.steps = db.execute(
            "select id, title, type from step where atelier_id = ? order by position",
            (self.atelier_id,),
        ).fetchall()
        db.close()
        self.phones: list[Any] = []

    def context(self, width: int, height: int) -> Any:
        ctx = self.browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        ctx.add_init_script(INIT)
        return ctx

    def open(self) -> None:
        url = self.server.url
        self.anim = self.context(1280, 800)
        self.console = self.anim.new_page()
        self.console.goto(url + "/connexion")
        self.console.get_by_label("Adresse électronique").fill(self.server.demo["email"])
        self.console.get_by_label("Mot de passe").fill(self.server.demo["password"])
        self.console.get_by_role("button", name="Se connecter").click()
        self.console.wait_for_url(re.compile(r"/animateur"))
        self.console.goto(f"{url}/animateur/ateliers/{self.atelier_id}")
        self.projection = self.anim.new_page()
        self.projection.set_viewport_size({"width": 1920, "height": 1080})
        self.projection.goto(f"{url}/animateur/ateliers/{self.atelier_id}/projection")
        for i in range(self.args.phones):
            page = self.context(390, 844).new_page()
            page.goto(url + "/")
            page.get_by_label("Code de l'atelier").fill(self.code)
            page.get_by_role("button", name="Rejoindre").click()
            page.get_by_label("Votre prénom ou le nom affiché").fill(f"Téléphone {i + 1}")
            page.get_by_label("Votre structure", exact=True).select_option(label=CODE_OF_EDUCATION)
            page.get_by_role("button", name="Rejoindre l'atelier").click()
            page.wait_for_url(re.compile(r"/atelier/"))
            self.phones.append(page)
        for page in (self.console, self.projection, *self.phones):
            page.locator("#conn-status[data-state=connected]").wait_for(timeout=30000)
        time.sleep(3)  # let the pages settle (and prefetch what they prefetch)

    def step_change(self, target: tuple[int, str, str], start: bool = False) -> dict[str, Any]:
        _id, title, _type = target
        for page in self.phones:
            page.evaluate("([k, a]) => window.__watch(k, a)", ["step", title])
        if start:
            clicked = self.console.evaluate(CLICK, ["#atelier-start", ""])
        else:
            clicked = self.console.evaluate(CLICK, [f'#step-list button[data-step-id="{_id}"]', ""])
        seen = wait_seen(self.phones)
        kind = "atelier.updated" if start else "step.changed"
        frames = frame_times(self.phones, kind, clicked)
        return {
            "paint": [s["paint"] - clicked for s in seen],
            "frame": [t - clicked for t in frames],
            "render": [s["paint"] - t for s, t in zip(seen, frames, strict=False)],
        }

    def card(self, n: int) -> dict[str, Any]:
        author = self.phones[n % len(self.phones)]
        others = [p for p in self.phones if p is not author] + [self.projection]
        text = f"Carte de mesure {n} {time.monotonic_ns() % 100000}"
        for page in others:
            page.evaluate("([k, a]) => window.__watch(k, a)", ["card", text])
        author.locator("#card-text").fill(text)
        clicked = author.evaluate(CLICK, ["#card-submit", ""])
        seen = wait_seen(others)
        return {
            "projection": seen[-1]["paint"] - clicked,
            "phones": [s["paint"] - clicked for s in seen[:-1]],
        }


def first_paint(browser: Any, room: Room, profile: str) -> float:
    """First contentful paint (ms) of a participant's board page under ``profile``, its
    cache emptied (the phone joined first, on a normal network)."""
    conditions = {
        "wpt": {"latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8},
        "devtools": {
            "latency": 2000,
            "downloadThroughput": 500_000 / 8 * 0.8,
            "uploadThroughput": 500_000 / 8 * 0.8,
        },
    }[profile]
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = ctx.new_page()
    page.goto(room.server.url + "/")
    page.get_by_label("Code de l'atelier").fill(room.code)
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_label("Votre prénom ou le nom affiché").fill("Téléphone lent")
    page.get_by_label("Votre structure", exact=True).select_option(label=CODE_OF_EDUCATION)
    page.get_by_role("button", name="Rejoindre l'atelier").click()
    page.wait_for_url(re.compile(r"/atelier/"))
    url = page.url
    page.close()
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **conditions})
    page.goto(url, wait_until="load", timeout=120000)
    page.wait_for_timeout(500)
    fcp = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
    )
    ctx.close()
    return float(fcp or "nan")


def measure_room(room: Room, out: dict[str, Any]) -> None:
    room.open()
    steps = room.steps
    start = room.step_change(steps[0], start=True)
    out["start"] = summary(start["paint"])
    out["start_frame"] = summary(start["frame"])
    changes: dict[str, list[float]] = {"paint": [], "frame": [], "render": []}
    order = [*range(1, len(steps)), *range(len(steps) - 2, -1, -1)]
    for k in range(room.args.steps):
        result = room.step_change(steps[order[k % len(order)]])
        for key, values in result.items():
            changes[key].extend(values)
        time.sleep(0.3)
    out["step"] = {key: summary(values) for key, values in changes.items()}
    card_step = next(s for s in steps if s[2] == "cartes")
    room.step_change(card_step)
    projection, phones = [], []
    for n in range(room.args.cards):
        result = room.card(n)
        projection.append(result["projection"])
        phones.extend(result["phones"])
        time.sleep(0.3)
    out["card_projection"] = summary(projection)
    out["card_phones"] = summary(phones)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--phones", type=int, default=30)
    p.add_argument("--steps", type=int, default=12, help="step changes measured")
    p.add_argument("--cards", type=int, default=20, help="cards measured")
    p.add_argument("--code", help="another copy of the tree to serve (« before » figures)")
    p.add_argument("--only-fcp", action="store_true", help="the Slow 3G first paint only")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-room-"))
    env = {"SEED_DEMO_MINIMAL": "0"}
    if args.code:
        import tests.live  # noqa: PLC0415

        tests.live.ROOT = Path(args.code).resolve()  # its run.py, its code, its static files
    server = LiveServer(folder / "instance", **env)
    load_before = os.getloadavg()
    out: dict[str, Any] = {"phones": args.phones, "time": time.strftime("%Y-%m-%d %H:%M")}
    server.start(timeout=120)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            room = Room(args, browser, server)
            if not args.only_fcp:
                measure_room(room, out)
            browser.close()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            out["fcp_slow3g_wpt"] = [round(first_paint(browser, room, "wpt")) for _ in range(3)]
            out["fcp_slow3g_devtools"] = [
                round(first_paint(browser, room, "devtools")) for _ in range(2)
            ]
            browser.close()
    finally:
        server.stop()
    out["load"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    out["cpus"] = os.cpu_count()
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "browser_room.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(out) + "\n")
    print(json.dumps(out, indent=1))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
