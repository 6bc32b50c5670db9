"""Time per card of the personal-data check (facilitator/privacy), on the labelled corpus
(tests/data/privacy_corpus_fr.yaml): the rules alone, then rules + spaCy model as the app
runs it (the model only when the rules found nothing and a capitalised word may be a
name). Prints the model's load time, p50/p95/p99/max per card and how often the model ran.

    .venv/bin/python bench/privacy_check.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from facilitator import privacy
from facilitator.privacy import ner, rules

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy_corpus_fr.yaml"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (
        f"mean {statistics.fmean(samples) * 1000:.3f} ms, p50 {at(0.5):.3f}, "
        f"p95 {at(0.95):.3f}, p99 {at(0.99):.3f}, max {ordered[-1] * 1000:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    corpus = yaml.safe_load(CORPUS.read_text())
    texts = [t for texts in corpus.values() for t in texts]
    started = time.perf_counter()
    ner.model()
    print(f"model load (once per process): {time.perf_counter() - started:.2f} s")
    for label, use_model in (("rules only", False), ("rules + model", True)):
        samples = []
        for _ in range(args.rounds):
            for text in texts:
                t0 = time.perf_counter()
                privacy.detect(text, use_model=use_model)
                samples.append(time.perf_counter() - t0)
        print(f"{label:14} {len(texts)} cards × {args.rounds}: {percentiles(samples)}")
    ran = [t for t in texts if not privacy.detect(t, use_model=False)]
    ran = [t for t in ran if rules.has_name_candidate(t)]
    samples = []
    for _ in range(args.rounds):
        for text in ran:
            t0 = time.perf_counter()
            ner.person_name(text)
            samples.append(time.perf_counter() - t0)
    print(f"model ran on {len(ran)}/{len(texts)} cards; model call alone: {percentiles(samples)}")


if __name__ == "__main__":
    main()
