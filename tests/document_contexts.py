"""Plain document contexts for the tests of the documents without a database
(tests/test_documents_*.py): a cycle of three ateliers (two held, one to come), its
structures and steps, an empty cycle, and the composed documents checked against the golden
Markdown files (``CASES``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from facilitator.documents import compte_rendu, repertoire, synthese
from facilitator.models import STRUCTURE_TYPES
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
