"""The console's group grid in real Chromium (issue 18, docs/performance.md).

    .venv/bin/python -m bench.browser_groups [--groups 30] [--people 300] [--loads 5]

One embedded server (run.py: gevent, SQLite) with the demo cycle; an atelier of the
shipped script « Travail en sous-groupes » with ``--people`` participants (joined through
the join form) formed into ``--groups`` random groups, three cards per group posted by
their members. Measured in the console (1280 × 800, headless Chromium):

- *grid*: the snapshot (``sync``) received → the grid of every group painted (its cells,
  counts and members: ``renderConsole`` of static/js/groups.js), over ``--loads`` loads;
- *count*: a member's card posted → its frame received by the console → the group's count
  painted (the grid's live update), for ``--cards`` cards.

One JSON line appended to bench/results/browser_groups.jsonl, with the load average (the
machine may be shared). The target: the grid of 30 groups painted in ≤ 500 ms."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.browser_room import ARGS, CHROMIUM, summary
from tests.browser_helpers import Watched, login, new_atelier
from tests.live import LiveServer, Peer, console_token, join_participant, login_animateur

RESULTS = Path(__file__).resolve().parent / "results"

#: before the console's scripts: when `sync` arrives, when the grid is painted, when a
#: group's count changes and is painted
INIT = r"""(() => {
  window.__t = { counts: [] };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (typeof e.data !== "string") return;
        if (e.data.startsWith('42["sync"') && !window.__t.sync) window.__t.sync = performance.now();
        const m = e.data.match(/"type":\s*"card\.added"/);
        if (m) window.__t.frame = performance.now();
      });
    }
  };
  const paint = (fn) => requestAnimationFrame(() => setTimeout(() => fn(performance.now()), 0));
  let last = "";
  new MutationObserver(() => {
    const cells = document.querySelectorAll(".groups-cell");
    if (!window.__t.grid && cells.length >= window.__groups) {
      window.__t.dom = performance.now();
      paint((t) => { window.__t.grid = t; });
    }
    const counts = [...document.querySelectorAll(".groups-cell__count strong")]
      .map((s) => s.textContent).join(",");
    if (window.__t.grid && counts !== last && window.__t.frame) {
      const frame = window.__t.frame;
      window.__t.frame = null;
      paint((t) => window.__t.counts.push([frame, t]));
    }
    last = counts;
  }).observe(document, { childList: true, subtree: true, characterData: true });
})();"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--groups", type=int, default=30)
    p.add_argument("--people", type=int, default=300)
    p.add_argument("--loads", type=int, default=5)
    p.add_argument("--cards", type=int, default=10)
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-groups-"))
    server = LiveServer(folder / "instance", SEED_DEMO_MINIMAL="0")
    load_before = os.getloadavg()
    out: dict[str, Any] = {"groups": args.groups, "people": args.people,
                           "time": time.strftime("%Y-%m-%d %H:%M")}  # fmt: skip
    server.start(timeout=120)
    peers: list[Peer] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            laptop = login(browser, server)
            new_atelier(laptop, server, "Travail en sous-groupes")
            page = laptop.page
            page.get_by_role("button", name="Démarrer l'atelier").click()
            atelier_id = int(re.search(r"/ateliers/(\d+)", page.url).group(1))
            link = page.locator("#participant-link").input_value()
            tokens = [
                join_participant(server, link, f"Personne {i}", 1 + i % 3)
                for i in range(args.people)
            ]
            anim = Peer(server.url, console_token(login_animateur(server), server, atelier_id))
            anim.connect()
            peers.append(anim)
            step = anim.syncs[0]["snapshot"]["steps"][0]["id"]
            plan = {"formation": "aleatoire", "count": args.groups}
            assert anim.call("groups_configure", {"step_id": step, "plan": plan})["ok"]
            assert anim.call("groups_form", {"step_id": step})["ok"]
            state = anim.call("sync", {"last_seq": 0})["snapshot"]["groups"][str(step)]
            by_pid = {m["id"]: g["id"] for g in state["groups"] for m in g["members"]}
            # three members of each group post a card
            posters: dict[int, list[str]] = {}
            for token in tokens:
                peer = Peer(server.url, token).connect()
                pid = peer.syncs[0]["snapshot"]["me"]["id"]
                if len(posters.setdefault(by_pid[pid], [])) < 3:
                    posters[by_pid[pid]].append(token)
                    peers.append(peer)
                    n = len(peers)
                    card = {"step_id": step, "client_id": f"bg{n:010d}", "text": f"Piste {n}"}
                    ack = peer.call("card_add", {**card, "column": "pistes"})
                    assert ack["ok"], ack
                else:
                    peer.disconnect()
            grid, dom = [], []
            for _ in range(args.loads):
                console = Watched(browser, 1280, 800, context=laptop.context)
                console.page.add_init_script(INIT.replace("window.__groups", str(args.groups)))
                console.page.goto(f"{server.url}/animateur/ateliers/{atelier_id}")
                try:
                    console.page.wait_for_function("() => window.__t.grid", timeout=30000)
                except Exception:
                    console.page.screenshot(path=str(folder / "fail.png"))
                    print(
                        folder,
                        console.page.evaluate(
                            "() => [document.querySelectorAll('.groups-cell').length, window.__t]"
                        ),
                    )
                    raise
                t = console.page.evaluate("() => window.__t")
                grid.append(t["grid"] - t["sync"])
                dom.append(t["dom"] - t["sync"])
                console.close()
            out["grid_ms"] = summary(grid)
            out["grid_dom_ms"] = summary(dom)
            console = Watched(browser, 1280, 800, context=laptop.context)
            console.page.add_init_script(INIT.replace("window.__groups", str(args.groups)))
            console.page.goto(f"{server.url}/animateur/ateliers/{atelier_id}")
            console.page.wait_for_function("() => window.__t.grid", timeout=30000)
            for n in range(args.cards):
                peer = peers[1 + n % (len(peers) - 1)]
                card = {"step_id": step, "client_id": f"bc{n:010d}", "text": f"Encore {n}"}
                ack = peer.call("card_add", {**card, "column": "pistes"})
                assert ack["ok"], ack
                console.page.wait_for_function(f"() => window.__t.counts.length > {n}")
            counts = console.page.evaluate("() => window.__t.counts")
            out["count_ms"] = summary([t - frame for frame, t in counts])
            console.page.screenshot(path=str(folder / "grid.png"))
            out["screenshot"] = str(folder / "grid.png")
            console.close()
            browser.close()
    finally:
        for peer in peers:
            peer.disconnect()
        server.stop()
    out["load"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    out["cpus"] = os.cpu_count()
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "browser_groups.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(out) + "\n")
    print(json.dumps(out, indent=1))
    shutil.rmtree(folder / "instance", ignore_errors=True)


if __name__ == "__main__":
    main()
