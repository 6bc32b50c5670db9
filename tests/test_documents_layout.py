"""The layout holds: every document kind of the demo cycle, rendered to PDF by LibreOffice
(from the DOCX, as users get it), read back word by word with poppler's ``pdftotext
-bbox-layout``. No word of the source text is split across two lines (« Contributeu|rs »),
and no page carries only its header, footer and the colophon (« généré automatiquement »)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from facilitator.demo import seed_demo
from facilitator.documents import kinds
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.rendering import docx as docx_renderer
from facilitator.rendering.convert import soffice
from facilitator.rendering.model import Document
from tests import layout_check

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice and poppler-utils (make system-deps)",
)


def _pdfs(docs: dict[str, Document], folder: Path) -> dict[str, Path]:
    """Every DOCX converted by one LibreOffice run (one start for all of them)."""
    for name, doc in docs.items():
        (folder / f"{name}.docx").write_bytes(docx_renderer.render(doc))
    binary = soffice()
    assert binary is not None
    profile = folder / "profile"
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(folder / f"{name}.docx") for name in docs),
        ],
        capture_output=True,
        timeout=300,
        check=True,
        env={**os.environ, "HOME": str(folder)},
    )
    return {name: folder / f"{name}.pdf" for name in docs}


def test_every_document_of_the_demo_cycle_holds_its_layout(app: Flask, tmp_path: Path) -> None:
    cycle_id = seed_demo()["cycle_id"]
    docs: dict[str, Document] = {}
    for atelier in db.session.query(Atelier).filter_by(cycle_id=cycle_id, state="clos"):
        docs[f"compte-rendu-{atelier.position}"] = kinds.get("compte-rendu").build(atelier.id)
    for kind in ("synthese", "repertoire", "charte", "feuille-de-route"):
        docs[kind] = kinds.get(kind).build(cycle_id)
    assert len(docs) >= 10  # six comptes rendus and the four cycle documents
    pdfs = _pdfs(docs, tmp_path)
    faults: list[str] = []
    figures = []
    for name, doc in docs.items():
        found, heights = layout_check.lines(pdfs[name])
        words = layout_check.source_words(doc)
        assert found and words, name
        faults += [f"{name}: {split}" for split in layout_check.split_words(found, words)]
        faults += [
            f"{name}: page {page} holds only the header, the footer and the colophon"
            for page in layout_check.empty_pages(found, heights, doc.colophon)
        ]
        figures.append(f"{name}: {len(heights)} p., {len(found)} lines")
    print("layout:", "; ".join(figures))
    assert not faults, "\n".join(faults)


def test_the_checker_sees_a_split_word_and_a_page_left_with_the_colophon() -> None:
    """The checks themselves can fail: a word cut in two, a last page with the colophon."""
    line = layout_check.Line
    found = [
        line(1, 1, 100, 110, ("Contributeu",)),
        line(1, 1, 110, 120, ("rs", "et")),
        line(1, 2, 130, 140, ("Val-de-",)),
        line(1, 2, 140, 150, ("Lys",)),
        line(2, 3, 100, 110, ("Document", "généré")),
        line(2, 4, 820, 830, ("Page", "2", "sur", "2")),
    ]
    words = {"Contributeurs", "et", "Val-de-Lys"}
    assert layout_check.split_words(found, words) == ["page 1: « Contributeu » / « rs »"]
    assert layout_check.empty_pages(found, [842.0, 842.0], "Document généré") == [2]
