"""The personal-data detector on a corpus of ordinary and personal sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from facilitator.privacy import detect, warning_fr

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "privacy_corpus.yaml").read_text())


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


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Kevin, 12 ans, décroche", "name_age"),
        ("écrire à parent@exemple.fr", "email"),
        ("tel 0612345678", "phone"),
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
