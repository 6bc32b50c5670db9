"""Detector of likely personal data in free text (RGPD, secret professionnel).

The board is for professional, non-nominative content. Before a card is posted, the text
is checked for what usually identifies a child or a family: a first name with an age or a
date of birth, "l'enfant X", "la famille Y", phone numbers, e-mail addresses, postal
addresses, social security numbers. A finding does not block: the author is asked to
rephrase or to confirm (docs/security.md). The rules favour precision on ordinary
professional sentences (structures, dispositifs, places and dates of meetings); the
measured rates are in docs/security.md and tests/test_privacy.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME = r"[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ][a-zàâäçéèêëîïôöùûüÿ]+(?:-[A-ZÀÂÇÉÈÊÎÏÔÙÛ][a-zàâäçéèêëîïôöùûüÿ]+)?"
INITIAL = r"[A-ZÀÂÇÉÈÊÎÏÔÙÛ]\."
PERSON = rf"(?:{NAME}|{INITIAL})"

#: capitalised words that are not first names when they stand before an age or after
#: "famille" (structures, places, dispositifs, months…)
NOT_NAMES = {
    "accueil",
    "ans",
    "caf",
    "cité",
    "collège",
    "école",
    "lycée",
    "mairie",
    "maison",
    "pre",
    "qpv",
    "rep",
    "ville",
    "quartier",
    "centre",
    "service",
    "association",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "les",
    "des",
    "une",
    "un",
    "la",
    "le",
    "entre",
    "enfants",
    "jeunes",
    "familles",
    "parents",
    "élèves",
    "cp",
    "ce1",
    "ce2",
    "cm1",
    "cm2",
    "sixième",
    "cinquième",
    "quatrième",
    "troisième",
    "seconde",
    "terminale",
    "total",
    "environ",
    "moins",
    "plus",
    "dès",
    "vers",
    "avant",
    "après",
    "depuis",
    "nord",
    "sud",
    "d'accueil",
    "monoparentale",
    "monoparentales",
    "nombreuse",
    "nombreuses",
    "relais",
    "pendant",
    "durant",
    "dans",
    "sur",
    "pour",
    "avec",
    "sans",
    "il",
    "elle",
    "ils",
    "elles",
    "on",
    "nous",
    "vous",
    "ces",
    "ses",
    "leurs",
    "tous",
    "toutes",
    "chaque",
    "près",
    "jusqu'à",
    "jusqu'aux",
    "à",
    "de",
    "du",
    "en",
    "et",
    "ou",
    "mais",
    "donc",
    "car",
    "dont",
}

_RULES: list[tuple[str, str, re.Pattern[str]]] = [
    (
        "email",
        "une adresse électronique",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ),
    (
        "phone",
        "un numéro de téléphone",
        re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"),
    ),
    (
        "nir",
        "un numéro de sécurité sociale",
        re.compile(
            r"(?<!\d)[12]\s?\d{2}\s?(?:0[1-9]|1[0-2])\s?\d{2}\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?!\d)"
        ),
    ),
    (
        "address",
        "une adresse postale",
        re.compile(
            r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|allée|impasse|"
            r"chemin|place|route|cours|quai|square|résidence|cité)\s+\w",
            re.IGNORECASE,
        ),
    ),
    (
        "birth",
        "une date de naissance",
        re.compile(
            r"\b(?:né|née|nés|nées|naissance|DDN)\b[^.;\n]{0,20}?"
            r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(?:er)?\s+\w+\s+\d{4}|en\s+\d{4})",
            re.IGNORECASE,
        ),
    ),
    (
        "name_age",
        "un prénom avec un âge",
        re.compile(rf"\b(?P<name>{NAME})\s*(?:,|\(|–|-)?\s*(?:âgée?\s+de\s+)?\d{{1,2}}\s*ans\b"),
    ),
    (
        "named_child",
        "un enfant ou un jeune désigné par son nom",
        re.compile(
            r"\b(?i:l['’]enfant|l['’]élève|l['’]adolescente?|le\s+jeune|la\s+jeune|le\s+petit|"
            r"la\s+petite|le\s+fils|la\s+fille|le\s+frère|la\s+sœur|le\s+bébé|le\s+mineur|"
            rf"la\s+mineure)\s+(?i:de\s+)?(?P<name>{PERSON})"
        ),
    ),
    (
        "named_family",
        "une famille désignée par son nom",
        re.compile(
            rf"\b(?i:la\s+famille|les\s+parents|la\s+mère|le\s+père|chez)\s+(?i:de\s+|d['’])?"
            rf"(?:M\.|Mme|Monsieur|Madame)?\s*(?P<name>{PERSON})"
        ),
    ),
    (
        "civility",
        "une personne désignée par son nom",
        re.compile(rf"\b(?:M\.|Mme|Mlle|Monsieur|Madame)\s+(?P<name>{NAME})"),
    ),
]


@dataclass(frozen=True)
class Finding:
    kind: str
    label_fr: str
    excerpt: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "label_fr": self.label_fr, "excerpt": self.excerpt}


def detect(text: str) -> list[Finding]:
    """Likely personal data in ``text``, at most one finding per kind."""
    findings: list[Finding] = []
    for kind, label, pattern in _RULES:
        for match in pattern.finditer(text):
            name = match.groupdict().get("name")
            if name is not None and name.lower() in NOT_NAMES:
                continue
            findings.append(Finding(kind, label, match.group(0).strip()[:60]))
            break
    return findings


def warning_fr(findings: list[Finding]) -> str:
    kinds = ", ".join(dict.fromkeys(f.label_fr for f in findings))
    return (
        f"Ce texte semble contenir des données personnelles ({kinds}). Le tableau est réservé "
        "aux contenus professionnels non nominatifs : reformulez sans nommer d'enfant ni de "
        "famille, ou confirmez l'envoi si ce n'en est pas."
    )
