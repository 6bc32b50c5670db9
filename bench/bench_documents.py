"""Benchmark: compile every document for a 9-atelier cycle with 3,000 contributions.

    .venv/bin/python bench/bench_documents.py [--ateliers 9] [--contributions 3000]
        [--runs 5] [--no-libreoffice]

Builds a throwaway SQLite database in a temporary folder (nothing else is touched), fills it
with ``facilitator.documents.sample`` (40 people, 17 structures, clusters, votes), then times
each document in each format: the whole compilation (read the database → neutral model →
bytes), best and median of ``--runs``. ODT and PDF add a LibreOffice conversion (a separate
process), timed once. Prints a Markdown table (docs/documents.md keeps the figures).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator import create_app, db_migrate  # noqa: E402
from facilitator.core import accounts  # noqa: E402
from facilitator.documents import Settings, compile_document, kinds, sample, storage  # noqa: E402
from facilitator.extensions import db  # noqa: E402
from facilitator.rendering import convert  # noqa: E402
from facilitator.scripts import load_script  # noqa: E402

FAST = ("docx", "md", "html", "csv")


def _time(fn, runs: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ateliers", type=int, default=9)
    parser.add_argument("--contributions", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    with app.app_context():
        db_migrate.upgrade()
        owner = accounts.create_animateur(
            "bench@exemple.fr", "Camille Martin", "mot-de-passe-bench"
        )
        script = load_script(ROOT / "workshop_scripts" / "lancement-interconnaissance.yaml")
        start = time.perf_counter()
        cycle = sample.populate(
            owner, script, ateliers=args.ateliers, contributions=args.contributions
        )
        filled = time.perf_counter() - start
        atelier = cycle.ateliers[len(cycle.ateliers) // 2]
        db.session.expire_all()
        print(
            f"Cycle : {args.ateliers} ateliers, {args.contributions} contributions "
            f"(remplissage {filled:.1f} s) — Python {platform.python_version()}, "
            f"{platform.machine()}, {runs_label(args.runs)}\n"
        )
        print("| document | format | meilleur | médiane | taille |")
        print("|---|---|---:|---:|---:|")
        for kind in kinds.KINDS.values():
            if not kind.available:
                continue
            scope = atelier.id if kind.scope == "atelier" else cycle.id
            for fmt in kind.formats():
                if fmt.id not in FAST:
                    continue
                best, median, size = _time(
                    lambda k=kind.id, s=scope, f=fmt.id: compile_document(k, s, f).content,
                    args.runs,
                )
                print(f"| {kind.id} | {fmt.id} | {ms(best)} | {ms(median)} | {kb(size)} |")
        best, median, _ = _time(lambda: storage.store_compte_rendu(atelier.id), args.runs)
        print(
            f"| compte-rendu à la clôture (docx + md + html) | — | {ms(best)} | {ms(median)} | — |"
        )
        if args.no_libreoffice or convert.soffice(Settings.from_app().soffice) is None:
            print("\nLibreOffice : non mesuré (absent ou --no-libreoffice).")
            return
        print("\n| document | format | durée (1 conversion, LibreOffice) |")
        print("|---|---|---:|")
        # the first conversion creates the LibreOffice profile: warm it up
        compile_document("repertoire", cycle.id, "pdf")
        for kind_id, scope in (
            ("compte-rendu", atelier.id),
            ("synthese", cycle.id),
            ("repertoire", cycle.id),
        ):
            for fmt in ("odt", "pdf"):
                best, _median, _size = _time(
                    lambda k=kind_id, s=scope, f=fmt: compile_document(k, s, f).content, 1
                )
                print(f"| {kind_id} | {fmt} | {ms(best)} |")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def kb(size: int) -> str:
    return f"{size / 1024:.0f} Ko"


def runs_label(runs: int) -> str:
    return f"{runs} mesures par ligne"


if __name__ == "__main__":
    main()
