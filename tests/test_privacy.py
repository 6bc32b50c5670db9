"""The personal-data detector on a corpus of ordinary and personal sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from facilitator.privacy import detect, warning_fr

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "privacy_corpus.yaml").read_text())
#: issue 20's corpus: sentences about children and families as professionals write them
CORPUS_FR = yaml.safe_load((Path(__file__).parent / "data" / "privacy_corpus_fr.yaml").read_text())


def rates() -> tuple[float, float, list[str], list[str]]:
    false_positives = [s for s in CORPUS["ordinary"] if detect(s)]
    misses = [s for s in CORPUS["personal"] if not detect(s)]
    fp_rate = len(false_positives) / len(CORPUS["ordinary"])
    recall = 1 - len(misses) / len(CORPUS["personal"])
    return fp_rate, recall, false_positives, misses


def test_false_positive_rate_and_recall() -> None:
    fp_rate, recall, false_positives, misses = rates()
    assert fp_rate <= 0.05, false_positives
    assert recall >= 0.9, misses


@pytest.mark.parametrize("part", ["", "heldout_"])
def test_recall_and_false_positives_on_the_professionals_corpus(part: str) -> None:
    """Recall ≥ 90 % and false positives ≤ 5 % (figures in docs/security.md)."""
    personal, ordinary = CORPUS_FR[part + "personal"], CORPUS_FR[part + "ordinary"]
    assert len(personal) >= (100 if not part else 40) and len(ordinary) >= len(personal) - 10
    misses = [s for s in personal if not detect(s)]
    false_positives = [s for s in ordinary if detect(s)]
    assert len(misses) / len(personal) <= 0.10, misses
    assert len(false_positives) / len(ordinary) <= 0.05, false_positives


@pytest.mark.parametrize(
    "text",
    [
        "Kevin D., 12 ans, suivi par l'ASE",
        "Enzo D. (12 ans)",
        "Mehdi, douze ans",
        "le petit frère de Bilal",
        "la fratrie Bensaïd",
        "le fils de Mme Traoré",
    ],
)
def test_the_probes_misses_are_caught(text: str) -> None:
    assert detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "Évry-Courcouronnes, 12 ans d'expérience du PRE",
        "Accueil du PRE : 01 60 91 23 45",
        "Écrire à contact@maisondesfamilles-evry.fr",
        "Les écoles Jean-Zay et Pasteur partagent un psychologue.",
    ],
)
def test_institutional_contacts_and_places_are_not_flagged(text: str) -> None:
    assert detect(text) == []


def test_the_model_finds_a_name_the_rules_miss() -> None:
    text = "Les éducateurs ont parlé avec Ryan du vol de vendredi."
    assert detect(text, use_model=False) == []
    assert [f.kind for f in detect(text)] == ["person"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Kevin, 12 ans, décroche", "name_age"),
        ("écrire à sabrina.lopez75@gmail.com", "email"),
        ("le père : 06 12 34 56 78", "phone"),
        ("écrire à parent@exemple.fr", "email"),
        ("tel 0612345678", "phone"),
        ("la mère au 01 60 12 34 56", "phone"),
        ("la famille Dupont", "named_family"),
        ("l'enfant Paul", "named_child"),
        ("5 rue Victor-Hugo", "address"),
        ("née le 01/02/2012", "birth"),
    ],
)
def test_each_kind(text: str, kind: str) -> None:
    assert kind in {f.kind for f in detect(text)}


def test_warning_lists_what_was_found() -> None:
    message = warning_fr(detect("Kevin, 12 ans : appeler le 06 12 34 56 78"))
    assert "un prénom avec un âge" in message and "un numéro de téléphone" in message
    assert "reformulez" in message
