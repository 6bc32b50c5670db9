"""Documents read from a real database, in every format: DOCX read back with python-docx,
hostile text rendered literally everywhere, LibreOffice conversions (ODT, PDF)."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from flask import Flask

from facilitator.core import cycles, participants
from facilitator.documents import compile_document, sample
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier, Contribution, Vote
from facilitator.rendering import convert
from facilitator.scripts import load_script, load_script_text
from tests.conftest import SCRIPT

ROOT = Path(__file__).resolve().parent.parent

#: hostile or awkward text put in every field a document prints
INJECTIONS = {
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "markdown": "**gras** _ital_ [lien](javascript:alert(1)) `code`",
    "blocks": "# Titre\n- liste\n1. un\n> citation",
    "field": '{ HYPERLINK "http://exemple.fr" } { DDEAUTO cmd "/k calc" }',
    "formula": '=HYPERLINK("http://exemple.fr";"clic")',
    "long": "a" * 480,
}
#: what must never appear as structure in a rendering of those texts
FORBIDDEN_HTML = ("<script", "<img", "<a ", "<code", "<strong>gras", "<em>ital", "<h1>Titre")


def need_soffice() -> str:
    """The LibreOffice executable; skipped when absent locally, a failure in CI."""
    found = convert.soffice()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) est requis en CI : make system-deps l'installe.")
        pytest.skip("LibreOffice (soffice) n'est pas installé ici : conversions non vérifiées.")
    return found


def fill(atelier: Atelier, texts: list[str], *, cluster: str | None = None) -> None:
    """Cards on every step, votes on the voted step, from two participants."""
    alice, _ = participants.join(atelier, "Alice", structure_id=atelier.cycle.structures[0].id)
    bob, _ = participants.join(atelier, "Bob", structure_id=atelier.cycle.structures[1].id)
    for step in atelier.steps:
        column = step.settings["columns"][0]["id"]
        for i, text in enumerate(texts):
            card = Contribution(
                atelier_id=atelier.id,
                step_id=step.id,
                client_id=f"{step.id}-{i}",
                participant_id=(alice, bob)[i % 2].id,
                text=text,
                column=column,
                cluster=cluster,
                position=float(i),
            )
            db.session.add(card)
            db.session.flush()
            if step.settings.get("votes") and i < 2:
                db.session.add(
                    Vote(step_id=step.id, participant_id=alice.id, contribution_id=card.id)
                )
    db.session.commit()


@pytest.fixture
def hostile_atelier(make_animateur: Callable[..., Animateur], app: Flask) -> Atelier:
    """An atelier whose every printed field contains hostile text."""
    evil = INJECTIONS["html"] + " " + INJECTIONS["markdown"]
    cycle = cycles.create_cycle(make_animateur(), "Cycle " + evil, territoire=evil)
    cycles.add_structure(cycle.id, "Structure " + INJECTIONS["formula"], "association", evil)
    cycles.add_structure(cycle.id, "Collège " + INJECTIONS["field"], "education_nationale")
    db.session.commit()
    atelier = cycles.add_atelier(
        cycle, load_script_text(SCRIPT), title="Atelier " + evil, lieu=INJECTIONS["blocks"]
    )
    fill(atelier, list(INJECTIONS.values()), cluster=INJECTIONS["markdown"])
    return atelier


@pytest.fixture
def full_cycle(make_animateur: Callable[..., Animateur], app: Flask) -> Any:
    script = load_script(ROOT / "workshop_scripts" / "lancement-interconnaissance.yaml")
    return sample.populate(make_animateur(), script, ateliers=3, contributions=120, people=15)


# --- DOCX read back ----------------------------------------------------------------------


def read_docx(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def all_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_compte_rendu_docx_has_headings_texts_and_tables(full_cycle: Any) -> None:
    atelier = full_cycle.ateliers[0]
    out = compile_document("compte-rendu", atelier.id, "docx")
    assert out.filename.startswith("compte-rendu-atelier-1-") and out.filename.endswith(".docx")
    d = read_docx(out.content)
    styles = [p.style.name for p in d.paragraphs]
    assert styles[0] == "Title" and d.paragraphs[0].text == "Compte rendu d'atelier"
    headings = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Head")]
    assert [t for s, t in headings if s == "Heading 1"] == [
        "Participation",
        "Déroulé et productions",
        "Décisions et priorités",
        "Pour la suite",
    ]
    assert ("Heading 2", "1. Tour de table") in headings
    # heading levels never skip one (screen readers navigate by them)
    levels = [int(s.split()[-1]) for s, _t in headings]
    assert all(b <= a + 1 for a, b in zip([0, *levels], levels, strict=False))
    # French typography: no-break spaces before « : » and in dates (compared as spaces here)
    paragraphs = [_plain_spaces(p.text) for p in d.paragraphs]
    consignes = [_plain_spaces(p.text) for p in d.paragraphs if p.style.name == "Consigne"]
    assert consignes[0].startswith("Consigne : Présentez-vous en une carte")
    assert "Date : mardi 14 janvier 2025" in paragraphs
    assert "Date\u202f: mardi 14\u00a0janvier\u00a02025" in [p.text for p in d.paragraphs]
    assert sum(1 for s in styles if s == "List Bullet") > 20
    # tables: header row first, marked as header and repeated; caption as alt text
    presence = d.tables[0]
    assert [c.text for c in presence.rows[0].cells] == [
        "Type de structure",
        "Participants",
        "Structures",
    ]
    assert presence.rows[-1].cells[0].text == "Total"
    ranking = next(t for t in d.tables if t.rows[0].cells[0].text == "Rang")
    assert [c.text for c in ranking.rows[0].cells][-1] == "Votes"
    votes = [int(r.cells[-1].text) for r in ranking.rows[1:]]
    assert votes == sorted(votes, reverse=True)
    for table in d.tables:
        tbl = table._tbl
        assert tbl.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert tbl.tblPr.find(qn("w:tblCaption")) is not None
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_docx_is_french_and_its_chart_has_alt_text(full_cycle: Any) -> None:
    d = read_docx(compile_document("synthese", full_cycle.id, "docx").content)
    assert d.core_properties.language == "fr-FR"
    assert d.core_properties.title == "Synthèse du cycle — Prévenir le décrochage scolaire"
    lang = d.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert lang.find(qn("w:lang")).get(qn("w:val")) == "fr-FR"
    pictures = list(d.element.body.iter(qn("wp:docPr")))
    assert len(pictures) == 1
    alt = pictures[0].get("descr")
    assert alt.startswith("Diagramme en barres du nombre de participants présents par atelier")
    assert "atelier 3" in alt
    assert len(d.inline_shapes) == 1
    text = all_text(d)
    assert "jamais représenté" in text and "CAF" in text
    # the page setup and header of the reference document are kept
    assert d.sections[0].header.paragraphs[0].text == "Centre de ressources politique de la ville"


def test_repertoire_docx_lists_structures_by_territory(full_cycle: Any) -> None:
    d = read_docx(compile_document("repertoire", full_cycle.id, "docx").content)
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1[:4] == ["Agglomération", "Les Tilleuls", "Roseraie", "Val-de-Lys"]
    assert h1[-2:] == ["Territoire non précisé", "Par type de structure"]
    first = d.tables[0]
    assert [c.text for c in first.rows[0].cells] == [
        "Structure",
        "Type",
        "Champs d'intervention",
        "Personnes",
        "Ateliers suivis",
    ]
    names = [r.cells[0].text for t in d.tables[:-1] for r in t.rows[1:]]
    assert len(names) == len(sample.STRUCTURES)


def test_empty_cycle_documents_are_valid_and_say_what_is_missing(
    make_animateur: Callable[..., Animateur],
) -> None:
    cycle = cycles.create_cycle(make_animateur(), "Cycle sans atelier")
    for kind, expected in (
        ("synthese", "Aucun atelier n'a encore été programmé dans ce cycle."),
        ("repertoire", "Aucune structure n'est encore inscrite dans ce cycle"),
    ):
        d = read_docx(compile_document(kind, cycle.id, "docx").content)
        assert expected in all_text(d)
        assert expected in compile_document(kind, cycle.id, "md").content.decode()
        assert expected in html.unescape(compile_document(kind, cycle.id, "html").content.decode())


def test_an_atelier_without_cards_or_attendance(make_atelier: Callable[..., Atelier]) -> None:
    atelier = make_atelier()
    text = all_text(read_docx(compile_document("compte-rendu", atelier.id, "docx").content))
    assert "Aucune présence n'a été enregistrée pour cet atelier." in text
    assert "Aucune contribution à cette étape." in text
    assert "préparé (document provisoire)" in text


def test_masked_and_deleted_cards_never_reach_a_document(
    make_atelier: Callable[..., Atelier],
) -> None:
    atelier = make_atelier()
    fill(atelier, ["visible", "masquée 06 12 34 56 78", "supprimée"])
    for card in db.session.query(Contribution).filter(Contribution.text != "visible"):
        card.masked = card.text.startswith("masquée")
        card.deleted = card.text == "supprimée"
    db.session.commit()
    for fmt in ("md", "html"):
        text = compile_document("compte-rendu", atelier.id, fmt).content.decode()
        assert "visible" in text and "masquée" not in text and "supprimée" not in text


def test_anonymous_steps_print_no_names(make_atelier: Callable[..., Atelier]) -> None:
    atelier = make_atelier()
    fill(atelier, ["une idée"])
    atelier.steps[1].anonymous = True
    db.session.commit()
    text = compile_document("compte-rendu", atelier.id, "md").content.decode()
    named, rest = text.split("### 2. Vote")
    anonymous = rest.split("### 3.")[0]
    assert "Alice (Centre social)" in named
    assert "une idée" in anonymous and "Alice" not in anonymous


# --- hostile text in every format --------------------------------------------------------


def _texts_in(plain_text: str) -> None:
    for key, value in INJECTIONS.items():
        for line in value.split("\n"):
            assert line in plain_text, (key, line)


@pytest.mark.parametrize("kind", ["compte-rendu", "synthese", "repertoire"])
def test_hostile_text_is_literal_in_markdown(hostile_atelier: Atelier, kind: str) -> None:
    from markdown_it import MarkdownIt

    scope = hostile_atelier.id if kind == "compte-rendu" else hostile_atelier.cycle_id
    source = compile_document(kind, scope, "md").content.decode()
    rendered = MarkdownIt("commonmark").enable("table").render(source)
    for tag in FORBIDDEN_HTML:
        assert tag not in rendered, tag
    unescaped = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert INJECTIONS["html"] in unescaped
    if kind == "compte-rendu":
        _texts_in(unescaped)


@pytest.mark.parametrize("kind", ["compte-rendu", "synthese", "repertoire"])
def test_hostile_text_is_literal_in_html(hostile_atelier: Atelier, kind: str) -> None:
    scope = hostile_atelier.id if kind == "compte-rendu" else hostile_atelier.cycle_id
    page = compile_document(kind, scope, "html").content.decode()
    for tag in FORBIDDEN_HTML:
        assert tag not in page, tag
    unescaped = html.unescape(re.sub(r"<[^>]+>", "", page.replace("<br>\n", "\n")))
    assert INJECTIONS["html"] in unescaped
    if kind == "compte-rendu":
        _texts_in(unescaped)


def _no_docx_markup(document_xml: str) -> None:
    for element in ("w:fldChar", "w:instrText", "w:fldSimple", "w:hyperlink", "w:object"):
        assert f"<{element}" not in document_xml, element


@pytest.mark.parametrize("kind", ["compte-rendu", "synthese", "repertoire"])
def test_hostile_text_is_literal_in_docx(hostile_atelier: Atelier, kind: str) -> None:
    scope = hostile_atelier.id if kind == "compte-rendu" else hostile_atelier.cycle_id
    content = compile_document(kind, scope, "docx").content
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        _no_docx_markup(package.read("word/document.xml").decode())
    text = all_text(read_docx(content))
    assert INJECTIONS["html"] in text and INJECTIONS["field"] in text
    if kind == "compte-rendu":
        _texts_in(text)


@pytest.mark.parametrize("kind", ["synthese", "repertoire"])
def test_hostile_text_is_literal_in_csv(hostile_atelier: Atelier, kind: str) -> None:
    import csv as csv_module

    content = compile_document(kind, hostile_atelier.cycle_id, "csv").content.decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(content), delimiter=";"))
    cells = [c for row in rows for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    if kind == "repertoire":
        assert "Structure " + INJECTIONS["formula"] in cells
        assert f"'{INJECTIONS['html']} {INJECTIONS['markdown']}" not in cells
    else:
        assert any(INJECTIONS["html"] in c for c in cells)


def test_long_unbroken_text_keeps_tables_within_the_page(hostile_atelier: Atelier) -> None:
    d = read_docx(compile_document("compte-rendu", hostile_atelier.id, "docx").content)
    # a table too wide for a portrait page is printed in a landscape part, never wider
    width_twips = max((s.page_width - s.left_margin - s.right_margin) / 635 for s in d.sections)
    for table in d.tables:
        grid = table._tbl.find(qn("w:tblGrid"))
        total = sum(int(col.get(qn("w:w"))) for col in grid)
        assert total <= width_twips + 1
    css = compile_document("compte-rendu", hostile_atelier.id, "html").content.decode()
    # HTML: words are never cut letter by letter; a wide table scrolls in its region
    assert "overflow-wrap: break-word" in css and "anywhere" not in css
    assert 'class="table-scroll" role="region" tabindex="0"' in css


# --- LibreOffice -------------------------------------------------------------------------


def _pdf_text(pdf: bytes, tmp_path: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def test_libreoffice_converts_every_docx(
    full_cycle: Any, make_animateur: Callable[..., Animateur], tmp_path: Path
) -> None:
    need_soffice()
    empty = cycles.create_cycle(make_animateur(), "Cycle vide")
    cases = [
        ("compte-rendu", full_cycle.ateliers[0].id),
        ("synthese", full_cycle.id),
        ("repertoire", full_cycle.id),
        ("synthese", empty.id),
        ("repertoire", empty.id),
    ]
    for kind, scope in cases:
        pdf = compile_document(kind, scope, "pdf").content
        assert pdf.startswith(b"%PDF-"), (kind, scope)
        text = _pdf_text(pdf, tmp_path)
        if text is not None:
            assert "facilitator" in text  # the colophon, on the last page
    odt = compile_document("compte-rendu", full_cycle.ateliers[0].id, "odt").content
    with zipfile.ZipFile(io.BytesIO(odt)) as package:
        assert package.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = package.read("content.xml").decode()
        styles = package.read("styles.xml").decode()
    assert "Tour de table" in content
    assert 'fo:language="fr"' in styles and 'fo:country="FR"' in styles


def test_hostile_text_is_literal_in_odt_and_pdf(hostile_atelier: Atelier, tmp_path: Path) -> None:
    need_soffice()
    odt = compile_document("compte-rendu", hostile_atelier.id, "odt").content
    with zipfile.ZipFile(io.BytesIO(odt)) as package:
        content = package.read("content.xml").decode()
    for element in ("<text:a ", "<text:hidden", "<text:execute-macro", "<draw:object"):
        assert element not in content, element
    unescaped = html.unescape(re.sub(r"<[^>]+>", "", content))
    assert INJECTIONS["html"] in unescaped and INJECTIONS["field"] in unescaped
    pdf = compile_document("compte-rendu", hostile_atelier.id, "pdf").content
    text = _pdf_text(pdf, tmp_path)
    if text is not None:
        flat = " ".join(text.split())
        assert "<script>alert('x')</script>" in flat
        assert '{ HYPERLINK "http://exemple.fr" }' in flat


def test_conversion_without_libreoffice_says_so(app: Flask, full_cycle: Any) -> None:
    app.config["SOFFICE"] = "/nonexistent/soffice"
    with pytest.raises(convert.LibreOfficeMissing) as info:
        compile_document("synthese", full_cycle.id, "pdf")
    assert "LibreOffice n'est pas installé" in info.value.message_fr
    assert info.value.status == 503


def _plain_spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")
