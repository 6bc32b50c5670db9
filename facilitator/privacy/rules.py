"""The rules of the personal-data detector: contacts (e-mail, phone, postal address, social
security number, date of birth) and the ways professionals name a child or a family —
a first name with an initial, an age or a class, a family tie (« le petit frère de
Bilal »), « la famille X », « chez les X », « Mme X », a first name that opens a sentence
about a situation. Each rule returns the excerpt it found, or None."""

from __future__ import annotations

import re
from collections.abc import Callable

from facilitator.privacy.vocabulary import (
    AGE,
    CIVILITY,
    CLASS,
    COMMON_CAPITALISED,
    INITIAL,
    KIN,
    LINK_WORDS,
    NAME,
    PLACE_NOUNS,
    SITUATION,
)

Rule = Callable[[str], "str | None"]

_SITUATION = re.compile(rf"\b{SITUATION}", re.IGNORECASE)
_PERSONAL_CUE = re.compile(
    rf"\b(?:{KIN}|domicile|perso|personnel|portable|habite|vit|vivent|hébergée?s?|logée?s?|"
    r"chez|l['’]enfant|le jeune|la jeune|l['’]élève)\b",
    re.IGNORECASE,
)
_INSTITUTION_CUE = re.compile(
    r"\b(?:permanence|maison|centre|mairie|siège|locaux|accueil|caf|association|service|"
    r"point|bureau|antenne|espace|école|collège|lycée|standard|structure|cité|pmi|ccas|"
    r"renseignements|contact|secrétariat|inscriptions?)\b",
    re.IGNORECASE,
)


def is_person_word(text: str, start: int, word: str) -> bool:
    """``word`` (at ``start`` in ``text``) may name a person: not a common capitalised word,
    not the name of a place or a structure (« collège Jean-Moulin »)."""
    if word.lower().strip(".") in COMMON_CAPITALISED:
        return False
    before = re.findall(r"[\wÀ-ÿ-]+", text[max(0, start - 60) : start])
    # back over small words and the other names of a list (« les écoles Jean-Zay et
    # Pasteur »), to the noun they depend on
    while before and (
        before[-1].lower() in LINK_WORDS or before[-1] == "et" or _is_capitalised(before[-1])
    ):
        before.pop()
    return not before or before[-1].lower() not in PLACE_NOUNS


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in COMMON_CAPITALISED


def _first_person(pattern: re.Pattern[str], text: str) -> str | None:
    for match in pattern.finditer(text):
        name = match.groupdict().get("name")
        if name is None or is_person_word(text, match.start("name"), name):
            return match.group(0).strip()
    return None


def _pattern_rule(pattern: str, flags: int = 0) -> Rule:
    compiled = re.compile(pattern, flags)
    return lambda text: _first_person(compiled, text)


# --- contacts ---------------------------------------------------------------------------

_EMAIL = re.compile(r"([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)")
_MAIL_PROVIDERS = re.compile(
    r"^(?:gmail|googlemail|hotmail|yahoo|outlook|live|msn|orange|wanadoo|free|sfr|neuf|"
    r"bbox|laposte|icloud|me|aol|protonmail|proton|gmx)\.",
    re.IGNORECASE,
)
_GENERIC_LOCAL = re.compile(
    r"^(?:animateur|animatrice|contact|accueil|info|infos|secretariat|secrétariat|direction|pre|jeunesse|mairie|"
    r"cite|educative|reussite|education|service|admin|inscriptions?|standard|ce|social|"
    r"familles?|parentalite|prevention|mediation|rh|communication|courrier|dpo|mission|"
    r"locale|caf|clas|paej|ime|cmp|pmi|ccas)$",
    re.IGNORECASE,
)


def email(text: str) -> str | None:
    """A personal address; not an institution's (``contact@…``, ``pre@mairie…``)."""
    for match in _EMAIL.finditer(text):
        local, domain = match.group(1), match.group(2)
        parts = [p for p in re.split(r"[._+-]", local) if p and not p.isdigit()]
        generic = any(_GENERIC_LOCAL.match(p) for p in parts)
        if _MAIL_PROVIDERS.match(domain) or not generic:
            return match.group(0)
    return None


_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)([1-9])(?:[\s.-]?\d{2}){4}(?!\d)")


def phone(text: str) -> str | None:
    """A mobile number always; a landline when the sentence is about a person (an
    institution's switchboard is not personal data)."""
    for match in _PHONE.finditer(text):
        if match.group(1) in "67" or _PERSONAL_CUE.search(text):
            return match.group(0)
    return None


_ADDRESS = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|allée|impasse|"
    r"chemin|place|route|cours|quai|square|résidence|cité)\s+\w",
    re.IGNORECASE,
)


def address(text: str) -> str | None:
    """A postal address, unless it is plainly a structure's (« permanence au 5 avenue… »)."""
    match = _ADDRESS.search(text)
    if match is None:
        return None
    if _PERSONAL_CUE.search(text) or not _INSTITUTION_CUE.search(text):
        return match.group(0)
    return None


nir = _pattern_rule(
    r"(?<!\d)[12]\s?\d{2}\s?(?:0[1-9]|1[0-2])\s?(?:\d{2}|2A|2B)\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?!\d)"
)
birth = _pattern_rule(
    r"\b(?:né|née|nés|nées|naissance|DDN)\b[^.;\n]{0,20}?"
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(?:er)?\s+\w+\s+\d{4}|en\s+\d{4})",
    re.IGNORECASE,
)

# --- people -------------------------------------------------------------------------------

_PERSON = rf"(?P<name>{NAME})(?:\s+{INITIAL})?"

name_age = _pattern_rule(
    rf"\b{_PERSON}\s*(?:,|\(|–|-)?\s*(?:(?:a|aura|avait|a eu|est âgée?\s+de|âgée?\s+de)\s+)?"
    rf"{AGE}"
)
name_class = _pattern_rule(rf"\b{_PERSON}\s*(?:,|\()\s*(?:en\s+|élève\s+(?:de|en)\s+)?{CLASS}")
name_initial = _pattern_rule(rf"\b(?P<name>{NAME})\s+{INITIAL}(?=[\s,;:()]|$)")
initial_alone = _pattern_rule(
    rf"\b(?i:le\s+jeune|la\s+jeune|l['’]enfant|l['’]élève|famille)\s+{INITIAL}"
)
named_child = _pattern_rule(
    r"\b(?i:l['’]enfant|l['’]élève|l['’]adolescente?|le\s+jeune|la\s+jeune|le\s+petit|"
    rf"la\s+petite|le\s+bébé|le\s+mineur|la\s+mineure)\s+(?P<name>{NAME})"
)
kin_of = _pattern_rule(
    rf"(?<![-\w])(?i:{KIN})(?:\s+[\wÀ-ÿ-]+){{0,2}}?\s+(?:de\s+|d['’]|des\s+)"
    rf"(?:(?i:la\s+famille)\s+)?(?:{CIVILITY}\s+(?:et\s+{CIVILITY}\s+)?)?(?P<name>{NAME})"
)
named_family = _pattern_rule(
    r"\b(?i:la\s+famille|la\s+fratrie|chez\s+les|les\s+enfants|les\s+jumeaux|"
    r"les\s+jumelles|les\s+(?:deux|trois|quatre|cinq|six)\s+enfants|les\s+parents)\s+"
    rf"(?P<name>{NAME})"
)
civility = _pattern_rule(rf"\b{CIVILITY}\s+(?P<name>{NAME})")

_POSSESSIVE_KIN = re.compile(rf"\b(?:son|sa|ses)\s+(?:\w+\s+)?{KIN}\b", re.IGNORECASE)
_NAME_WORD = re.compile(rf"\b(?P<name>{NAME})\b")


def name_with_family(text: str) -> str | None:
    """A first name and « son frère », « sa mère »… in the same sentence."""
    if not _POSSESSIVE_KIN.search(text):
        return None
    return _first_person(_NAME_WORD, text)


_SUBJECT = re.compile(
    rf"^\s*(?P<name>{NAME})(?:\s+et\s+{NAME})?\s+(?:n['’]|ne\s+)?"
    r"(?:a|est|vit|dort|porte|joue|pleure|passe|arrive|présente|souffre|consomme|veut|"
    r"garde|fréquente|trafique|raconte|avoue|refuse|reste|sort|mange|parle|sait|vient)\b"
)


def subject_in_situation(text: str) -> str | None:
    """A first name opening a sentence about someone's situation (« Yanis a un trouble
    autistique diagnostiqué »)."""
    match = _SUBJECT.match(text)
    if match is None or not _SITUATION.search(text):
        return None
    if not is_person_word(text, match.start("name"), match.group("name")):
        return None
    return match.group(0).strip()


RULES: list[tuple[str, str, Rule]] = [
    ("email", "une adresse électronique", email),
    ("phone", "un numéro de téléphone", phone),
    ("nir", "un numéro de sécurité sociale", nir),
    ("address", "une adresse postale", address),
    ("birth", "une date de naissance", birth),
    ("name_age", "un prénom avec un âge", name_age),
    ("name_class", "un prénom avec une classe", name_class),
    ("name_initial", "un prénom avec une initiale", name_initial),
    ("named_child", "un enfant ou un jeune désigné par son nom", initial_alone),
    ("named_child", "un enfant ou un jeune désigné par son nom", named_child),
    ("family_tie", "un lien de parenté avec une personne nommée", kin_of),
    ("named_family", "une famille désignée par son nom", named_family),
    ("civility", "une personne désignée par son nom", civility),
    ("family_tie", "un lien de parenté avec une personne nommée", name_with_family),
    ("named_situation", "une personne nommée et sa situation", subject_in_situation),
]

_INNER_NAME = re.compile(rf"(?<=[\w,;)] )(?P<name>{NAME})\b")  # not after « : » (a title)


def has_name_candidate(text: str) -> bool:
    """A capitalised word inside the sentence that may be a person's name: what is worth
    asking the model about (most cards have none, and the model then does not run)."""
    return any(
        is_person_word(text, m.start("name"), m.group("name")) for m in _INNER_NAME.finditer(text)
    )
