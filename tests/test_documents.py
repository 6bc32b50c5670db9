"""Documents without a database: composers (plain context → neutral model), Markdown golden
files, escaping, CSV, the chart, French wording, the registries."""

from __future__ import annotations

import os
import struct
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from facilitator import activities
from facilitator.documents import compte_rendu, kinds, repertoire, synthese
from facilitator.models import STRUCTURE_TYPES
from facilitator.rendering import chart, fr
from facilitator.rendering import csv as csv_renderer
from facilitator.rendering import html as html_renderer
from facilitator.rendering import markdown as md_renderer
from facilitator.rendering.context import (
    AtelierContext,
    AtelierData,
    AtelierInfo,
    CardData,
    ColumnData,
    CycleContext,
    CycleInfo,
    Presence,
    StepData,
    StructureData,
)
from facilitator.rendering.model import BarChart, Document, Section, Table, plain, table

GOLDEN = Path(__file__).parent / "golden_documents"
NOW = datetime(2025, 3, 11, 16, 30, tzinfo=UTC)
TYPES = tuple(STRUCTURE_TYPES.items())
CYCLE = CycleInfo(
    title="Prévenir le décrochage scolaire",
    theme="Construire une communauté d'action.",
    territoire="Val-de-Lys",
    animateurs=("Camille Martin", "Dominique Roux"),
)


def _presences(*specs: tuple[int, str, str]) -> tuple[Presence, ...]:
    return tuple(Presence(person, structure, type_) for person, structure, type_ in specs)


PEOPLE = _presences(
    (1, "Collège Jean-Moulin", "education_nationale"),
    (2, "Collège Jean-Moulin", "education_nationale"),
    (3, "Centre social Les Tilleuls", "association"),
    (4, "Service jeunesse", "collectivite"),
)


def _steps() -> tuple[StepData, ...]:
    idees = StepData(
        number=1,
        type="cartes",
        title="Vos attentes",
        consigne="Qu'attendez-vous du cycle ?\nUne idée par carte.",
        duration=30,
        columns=(
            ColumnData("attentes", "Ce que j'attends", "Une idée par carte"),
            ColumnData("apports", "Ce que j'apporte"),
        ),
        votes=None,
        anonymous=False,
        cards=(
            CardData("Mieux se connaître", "attentes", "Interconnaissance", "Alice (Collège)", 0),
            CardData(
                "Un annuaire partagé",
                "attentes",
                "Interconnaissance",
                "Bob (Centre social)",
                0,
                flags=frozenset({"carry_over"}),
            ),
            CardData("Des outils d'évaluation", "attentes", "", "Alice (Collège)", 0),
            CardData(
                "Qui pilote après le cycle ?",
                "apports",
                "",
                "",
                0,
                by_animateur=True,
                flags=frozenset({"open_question"}),
            ),
        ),
    )
    vote = StepData(
        number=2,
        type="cartes",
        title="Prioriser les enjeux",
        consigne="Répartissez vos 3 votes.",
        duration=None,
        columns=(ColumnData("enjeux", "Enjeux"),),
        votes=(3, 2),
        anonymous=True,
        cards=(
            CardData("Repérer plus tôt", "enjeux", "Repérage", "", 5),
            CardData("Associer les parents", "enjeux", "Parents", "", 7),
            CardData("Fiche de liaison", "enjeux", "Repérage", "", 5),
            CardData("Calendrier commun", "enjeux", "", "", 0, flags=frozenset({"decision"})),
        ),
    )
    empty = StepData(
        number=3,
        type="cartes",
        title="Pour la suite",
        consigne="Qui manque ?",
        duration=15,
        columns=(ColumnData("absents", "Qui manque ?"),),
        votes=None,
        anonymous=False,
        cards=(),
    )
    return (idees, vote, empty)


def atelier_info(number: int, **extra: object) -> AtelierInfo:
    values: dict = {
        "number": number,
        "title": f"Atelier de test {number}",
        "date": date(2025, number, 14 + number),
        "mode": "présentiel",
        "lieu": "Centre social Les Tilleuls",
        "state": "clos",
        "state_label": "clos",
        "closed_at": datetime(2025, number, 14 + number, 16, tzinfo=UTC),
        "presences": PEOPLE,
    }
    values.update(extra)
    return AtelierInfo(**values)


def atelier_context() -> AtelierContext:
    return AtelierContext(
        cycle=CYCLE,
        atelier=AtelierData(atelier_info(1, excused=1), _steps()),
        total_ateliers=3,
        next_atelier=atelier_info(2, state="prepare", state_label="préparé", presences=()),
        structure_types=TYPES,
        generated_at=NOW,
    )


STRUCTURES = (
    StructureData("Collège Jean-Moulin", "education_nationale", "Éducation nationale",
                  ("éducation–jeunesse",), "Val-de-Lys", 2, 2, 4),
    StructureData("Centre social Les Tilleuls", "association", "Association",
                  ("action sociale", "animation socio-culturelle"), "Les Tilleuls", 1, 2, 2),
    StructureData("Service jeunesse", "collectivite", "Collectivité territoriale",
                  (), "Val-de-Lys", 1, 1, 1),
    StructureData("Ludothèque", "association", "Association", (), "", 0, 0, 0),
)  # fmt: skip


def cycle_context() -> CycleContext:
    return CycleContext(
        cycle=CYCLE,
        ateliers=(
            AtelierData(atelier_info(1), _steps()),
            AtelierData(atelier_info(2, presences=PEOPLE[:3]), _steps()[:1]),
            AtelierData(
                atelier_info(3, state="prepare", state_label="préparé", presences=(), date=None),
                (),
            ),
        ),
        structures=STRUCTURES,
        structure_types=TYPES,
        generated_at=NOW,
    )


def empty_cycle_context() -> CycleContext:
    return CycleContext(
        cycle=CycleInfo("Cycle vide", "", "", ()),
        ateliers=(),
        structures=(),
        structure_types=TYPES,
        generated_at=NOW,
    )


CASES = {
    "compte-rendu": lambda: compte_rendu.compose(atelier_context()),
    "synthese": lambda: synthese.compose(cycle_context()),
    "repertoire": lambda: repertoire.compose(cycle_context()),
    "synthese-vide": lambda: synthese.compose(empty_cycle_context()),
    "repertoire-vide": lambda: repertoire.compose(empty_cycle_context()),
}


# --- golden Markdown ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_matches_golden_file(name: str) -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the files after a deliberate change (then read the diff)."""
    out = md_renderer.render(CASES[name]()).decode()
    path = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8")


# --- what the documents say --------------------------------------------------------------


def _text(doc: Document) -> str:
    return md_renderer.render(doc).decode()


def test_compte_rendu_has_every_part() -> None:
    doc = compte_rendu.compose(atelier_context())
    titles = [s.title for s in doc.sections]
    assert titles == ["Participation", "Déroulé et productions", "Décisions et priorités",
                      "Pour la suite"]  # fmt: skip
    facts = dict(doc.facts)
    assert facts["Date"] == "mercredi 15 janvier 2025"
    assert facts["Animateurs"] == "Camille Martin et Dominique Roux"
    assert facts["État"] == "clos le 15 janvier 2025 à 17h00"  # Paris time
    text = _text(doc)
    assert "4 participants, 3 structures représentées. 1 personne excusée." in text
    # ranked by votes, ties share their rank; the anonymous step shows no author
    vote_table = next(t for t in doc.all_tables() if t.caption.startswith("Cartes classées"))
    assert [r[:2] for r in vote_table.rows] == [
        ("1", "Associer les parents"),
        ("2", "Repérer plus tôt"),
        ("2", "Fiche de liaison"),
        ("4", "Calendrier commun"),
    ]
    assert "Proposée par" not in vote_table.header
    # decisions: the flagged card and the top-ranked ones; carry-over and next atelier
    assert "Calendrier commun" in text.split("## Décisions et priorités")[1]
    suite = text.split("## Pour la suite")[1]
    assert "Atelier 2 — Atelier de test 2 (16 février 2025)" in suite
    assert "Un annuaire partagé" in suite and "Associer les parents" in suite


def test_compte_rendu_names_authors_only_where_the_board_does() -> None:
    text = _text(compte_rendu.compose(atelier_context()))
    first, second = text.split("### 2. Prioriser")
    assert "Alice (Collège)" in first
    assert "Étape anonyme" in second
    assert "(Collège)" not in second.split("## Décisions")[0]


def test_synthese_counts_representativity_with_absent_types() -> None:
    doc = synthese.compose(cycle_context())
    rep = next(t for t in doc.all_tables() if t.key == "representativite")
    rows = {r[0]: r for r in rep.rows}
    assert set(rows) == set(STRUCTURE_TYPES.values())
    assert rows["CAF"][1:] == ("0", "0", "0", "jamais représenté")
    assert rows["Éducation nationale"][1:] == ("1", "2", "4", "2 sur 2")  # held only
    chart_block = next(node for _d, node in doc.walk() if isinstance(node, BarChart))
    assert chart_block.values == (4, 3)  # the 3rd atelier is to come
    assert "atelier 1, 4 participants" in chart_block.alt
    text = _text(doc)
    # the core group: present at half of the ateliers held or more (1 of 2 here)
    assert "Noyau stable : 4 personnes présentes à la moitié au moins" in text
    assert "(1 sur 2 ou plus)" in text
    assert "Qui pilote après le cycle ?" in text.split("## L'après")[1]
    assert "La participation est passée de 4 à l'atelier 1 à 3 à l'atelier 2." in text


def test_empty_cycle_gives_a_document_that_says_what_is_missing() -> None:
    text = _text(synthese.compose(empty_cycle_context()))
    assert "Aucun atelier n'a encore été programmé dans ce cycle." in text
    assert "Pas encore d'atelier" in text
    assert "jamais représenté" in text
    rep = _text(repertoire.compose(empty_cycle_context()))
    assert "Aucune structure n'est encore inscrite dans ce cycle" in rep


def test_repertoire_is_organised_by_territory() -> None:
    doc = repertoire.compose(cycle_context())
    assert [s.title for s in doc.sections] == [
        "Les Tilleuls",
        "Val-de-Lys",
        "Territoire non précisé",
        "Par type de structure",
    ]
    val = doc.sections[1]
    acteurs = next(c for c in val.children if isinstance(c, Table))
    assert [r[0] for r in acteurs.rows] == ["Collège Jean-Moulin", "Service jeunesse"]
    assert acteurs.rows[0][4] == "2 sur 2"  # of the ateliers held


def test_unknown_activity_types_fall_back_to_the_generic_card_section() -> None:
    step = _steps()[0]
    unknown = StepData(**{**step.__dict__, "type": "questions_essentielles_futur"})
    part = activities.documents_for(unknown.type).step_section(unknown)
    assert part.summary == "4 contributions et 1 regroupement"


def test_every_activity_type_and_document_kind_is_registered_once() -> None:
    assert all(entry.documents is not None for entry in activities.REGISTRY.values())
    with pytest.raises(RuntimeError):
        activities.register(activities.REGISTRY["cartes"])
    with pytest.raises(RuntimeError):
        kinds.register(kinds.KINDS["synthese"])
    assert set(kinds.KINDS) == {"compte-rendu", "synthese", "repertoire", "charte",
                                "feuille-de-route"}  # fmt: skip
    assert all(kind.available for kind in kinds.KINDS.values())
    assert [f.id for f in kinds.KINDS["compte-rendu"].formats()] == [
        "docx", "odt", "pdf", "html", "md"]  # fmt: skip
    assert "csv" in [f.id for f in kinds.KINDS["repertoire"].formats()]


# --- escaping ----------------------------------------------------------------------------


MARKUP = [
    "<script>alert('x')</script>",
    "**gras** _italique_ `code` ~~barré~~",
    "[lien](javascript:alert(1)) ![image](http://exemple.fr/x.png) <http://exemple.fr>",
    "# titre\n- liste\n+ plus\n1. un\n2) deux\n> citation\n    code indenté\n---\n===",
    "| a | b |\n|---|---|",
    "&amp; &lt;b&gt; \\* \\",
    '{ HYPERLINK "http://exemple.fr" } { DDEAUTO c:\\\\windows\\\\cmd.exe "/k calc" }',
]


@pytest.mark.parametrize("text", MARKUP)
def test_markdown_text_renders_literally_under_commonmark(text: str) -> None:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    doc = Document(
        kind="test",
        title=text,
        subtitle=text,
        facts=(("Champ", text),),
        sections=(
            Section(
                text,
                (
                    compte_rendu.para(text),
                    compte_rendu.bullets([text]),
                    table("t", text, [text, "b"], [(text, "x")]),
                ),
            ),
        ),  # fmt: skip
        filename="test",
    )
    rendered = parser.render(md_renderer.render(doc).decode())
    for tag in ("<script", "<a ", "<img", "<code", "<del", "<ol", "<blockquote", "<hr",
                "<pre", "<h3", "<em>italique", "<strong>gras"):  # fmt: skip
        assert tag not in rendered, (tag, rendered)
    assert rendered.count("<table>") == 1
    # every line of the text is there, as text
    import html as html_module

    plain_text = html_module.unescape(rendered)
    for line in text.split("\n"):
        assert line.strip() in plain_text, line


def test_html_escapes_everything() -> None:
    doc = compte_rendu.compose(atelier_context())
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    doc = Document(
        kind=doc.kind, title=evil, subtitle=evil, facts=((evil, evil),),
        sections=(Section(evil, (compte_rendu.para(evil),
                                 table("t", evil, [evil], [(evil,)]))),),
        filename="x", colophon=evil,
    )  # fmt: skip
    out = html_renderer.render(doc).decode()
    assert "<script" not in out and "<img" not in out
    # every place, and the aria-label of each table's scroll region
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 13


def test_html_style_hash_matches_the_page() -> None:
    out = html_renderer.render(repertoire.compose(cycle_context()))
    assert html_renderer.style_hash(out).startswith("'sha256-")
    assert 'style="' not in out.decode()  # no style attribute: a strict CSP holds


def test_plain_removes_control_characters_keeps_newlines() -> None:
    assert plain(" a\x00b\x1bc\r\nd\te\x7f ") == "abc\nd\te"


# --- CSV ---------------------------------------------------------------------------------


def test_csv_neutralises_formulas_and_suits_french_spreadsheets() -> None:
    doc = Document(
        kind="t",
        title="t",
        subtitle="",
        facts=(),
        sections=(
            Section(
                "s",
                (
                    table(
                        "acteurs",
                        "c",
                        ["Structure", "Note"],
                        [('=HYPERLINK("http://x")', "+1"), ("Trait; d'Union", "-2")],
                        context="Nord",
                    ),
                    table(
                        "acteurs", "c", ["Structure", "Note"], [("@SUM(A1)", "ok")], context="Sud"
                    ),
                ),
            ),
        ),  # fmt: skip
        filename="t",
    )
    out = csv_renderer.render(doc, "acteurs", "Territoire")
    assert out.startswith("\ufeff".encode())
    lines = out.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Territoire;Structure;Note"
    assert lines[1] == 'Nord;"\'=HYPERLINK(""http://x"")";\'+1'
    assert lines[2] == "Nord;\"Trait; d'Union\";'-2"
    assert lines[3] == "Sud;'@SUM(A1);ok"


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("repertoire", "Territoire;Structure;Type;Champs d'intervention;Personnes;Ateliers suivis"),
        ("synthese", "N°;Atelier;Date;Mode;Lieu;Présents;État"),
    ],
)
def test_csv_of_an_empty_cycle_has_its_header(kind: str, header: str) -> None:
    doc = CASES[f"{kind}-vide"]()
    spec = kinds.KINDS[kind].csv
    assert spec is not None
    out = csv_renderer.render(doc, spec.table, spec.context_label, spec.empty_header)
    assert out.decode("utf-8-sig") == header + "\r\n"


# --- chart, French wording ---------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("values", [(33, 24, 24, 15, 9, 13, 7), (0,), tuple(range(40))])
def test_chart_png_and_svg(values: tuple[int, ...]) -> None:
    data = table("p", "c", ["a"], [(str(v),) for v in values])
    bar = BarChart("p", "Présents", "alt <texte>", tuple(f"A{i + 1}" for i in values), values, data)
    png = chart.png(bar)
    assert _png_size(png) == (1200, 520)
    # the image data decompresses to one filter byte + one palette index per pixel
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    assert len(zlib.decompress(idat)) == 520 * 1201
    svg = chart.svg(bar, "c1")
    assert 'role="img"' in svg and '<desc id="c1-desc">alt &lt;texte&gt;</desc>' in svg
    assert svg.count("<rect") == len(values)


def test_french_wording() -> None:
    assert fr.date_long(date(2025, 1, 14)) == "mardi 14 janvier 2025"
    assert fr.date_long(None) == "date à préciser"
    assert fr.number(3000) == "3\u202f000"
    assert fr.count(0, "vote") == "0 vote" and fr.count(2, "vote") == "2 votes"
    assert fr.join(["a", "b", "c"]) == "a, b et c"
    assert fr.datetime_long(datetime(2025, 7, 1, 12, tzinfo=UTC)) == "1 juillet 2025 à 14h00"


def test_ateliers_to_come_count_in_no_figure() -> None:
    """Held = en cours or clos: the 3rd atelier (préparé) is listed « à venir », and nowhere in
    the attendance, representativity or production figures."""
    md = md_renderer.render(synthese.compose(cycle_context())).decode()
    assert "| Centre social Les Tilleuls | — | à venir |" in md
    assert "Atelier 3 — Atelier de test 3 | à préciser | 0" not in md
    assert "sur 3" not in md and "2 sur 2" in md
    assert "| Type de structure | A1 | A2 |\n" in md
    assert "Atelier 3 — Atelier de test 3 | 0 | 0" not in md
    assert "À venir, non compté ici : atelier 3." in md
    assert "sur 3" not in md_renderer.render(repertoire.compose(cycle_context())).decode()


def test_a_decision_among_the_most_voted_is_listed_once_with_its_votes() -> None:
    vote = _steps()[1]
    cards = tuple(
        CardData(c.text, c.column, c.cluster, c.author, c.votes, flags=frozenset({"decision"}))
        if c.text == "Associer les parents"
        else c
        for c in vote.cards
    )
    part = activities.documents_for("cartes").step_section(
        StepData(**{**vote.__dict__, "cards": cards})
    )
    texts = ["".join(span.text for span in item) for item in part.decisions]
    parents = [t for t in texts if "Associer les parents" in t]
    assert len(parents) == 1 and "7 votes" in parents[0]
    assert any("Calendrier commun" in t for t in texts)  # a décision without votes stays
