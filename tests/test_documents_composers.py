"""Documents without a database, what they say: composers (plain context → neutral model)
against the golden Markdown files, the parts of the compte rendu, the synthèse and the
répertoire, French wording, and the registries of activity types and document kinds."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest

from facilitator import activities
from facilitator.documents import compte_rendu, kinds, repertoire, synthese
from facilitator.models import STRUCTURE_TYPES
from facilitator.rendering import fr
from facilitator.rendering import markdown as md_renderer
from facilitator.rendering.context import CardData, StepData
from facilitator.rendering.model import BarChart, Document, Table
from tests.document_contexts import (
    CASES,
    GOLDEN,
    _steps,
    atelier_context,
    cycle_context,
    empty_cycle_context,
)

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
    # « à reprendre » holds the marked cards only, never the decisions again
    assert "Un annuaire partagé" in suite and "Associer les parents" not in suite


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
