"""Medians of bench/results/results.jsonl as Markdown tables (docs/performance.md).

.venv/bin/python -m bench.report [--tag matrix]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from collections import defaultdict

from bench.harness import RESULTS

COLUMNS = {
    "room": [("p50", "p50 ms"), ("p95", "p95 ms"), ("p99", "p99 ms"), ("max", "max ms"),
             ("all_p99", "all-received p99 ms"), ("ack_p99", "ack p99 ms"), ("lost", "lost"),
             ("dup", "dup"), ("server_cpu", "server CPU %"), ("kb_per_client", "KB/client"),
             ("gen_cpu", "clients CPU %"), ("gen_lag_p99", "clients loop lag p99 ms"),
             ("others_cpu", "others CPU %")],
    "votes": [("final_after_last_ms", "final tallies after last vote ms"),
              ("votes_ok", "votes acked"), ("votes_stored", "votes stored"),
              ("clients_wrong", "clients wrong"), ("ack_p99", "ack p99 ms"),
              ("server_cpu", "server CPU %")],
    "join": [("join_s", "all joined s"), ("synced", "synced"), ("server_cpu_s", "server CPU s"),
             ("kb_per_client", "KB/client")],
    "restart": [("down_s", "restart s"), ("all_after_up_s", "all resynced after up s"),
                ("p50_after_up_s", "p50 after up s"), ("all_after_kill_s", "all after kill s"),
                ("resynced", "resynced")],
}  # fmt: skip
COLUMNS["multi"] = COLUMNS["room"]


def fmt(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--tag", default=None)
    args = p.parse_args()
    rows = [json.loads(line) for line in (RESULTS / "results.jsonl").read_text().splitlines()]
    if args.tag:
        rows = [r for r in rows if r.get("tag") == args.tag]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["scenario"], r["setup"], r["n"], r["ateliers"])].append(r)
    for scenario, columns in COLUMNS.items():
        keys = [k for k in groups if k[0] == scenario]
        if not keys:
            continue
        print(f"\n### {scenario}\n")
        print("| setup | ateliers × N | runs | " + " | ".join(c[1] for c in columns) + " |")
        print("|---|---|---|" + "---|" * len(columns))
        for key in sorted(keys, key=lambda k: (k[1], k[3], k[2])):
            runs = groups[key]
            cells = []
            for field, _ in columns:
                values = [r[field] for r in runs if r.get(field) is not None]
                cells.append(fmt(statistics.median(values)) if values else "—")
            size = f"{key[3]} × {key[2]}"
            print(f"| {key[1]} | {size} | {len(runs)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
