"""Detector of likely personal data in free text (RGPD, secret professionnel).

The board is for professional, non-nominative content. Before a card is posted, its text
is checked for what usually identifies a child, a young person or a family, written the
way professionals write it: a first name with an initial, an age (« 12 ans », « douze
ans ») or a class, a family tie (« le petit frère de Bilal », « le fils de Mme Y »),
« la famille X », « chez les X », a first name opening a sentence about a health, justice
or placement situation; and personal contacts: mobile numbers, personal e-mail addresses,
home addresses, social security numbers, dates of birth. Where the rules run out, a French
named-entity model (spaCy ``fr_core_news_sm``, ``privacy/ner.py``) looks for a person's
name in sentences that speak of someone's situation. A finding does not block: the author
is asked to rephrase or to confirm (docs/security.md, where the measured rates are)."""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.privacy import ner
from facilitator.privacy.rules import RULES, has_name_candidate


@dataclass(frozen=True)
class Finding:
    kind: str
    label_fr: str
    excerpt: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "label_fr": self.label_fr, "excerpt": self.excerpt}


def detect(text: str, *, use_model: bool = True) -> list[Finding]:
    """Likely personal data in ``text``, at most one finding per kind. The model runs
    only when the rules found nothing and a capitalised word could be a person's name."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for kind, label, rule in RULES:
        if kind in seen:
            continue
        excerpt = rule(text)
        if excerpt:
            seen.add(kind)
            findings.append(Finding(kind, label, excerpt[:60]))
    if not findings and use_model and has_name_candidate(text):
        name = ner.person_name(text)
        if name:
            findings.append(Finding("person", "un nom de personne", name[:60]))
    return findings


def warning_fr(findings: list[Finding]) -> str:
    kinds = ", ".join(dict.fromkeys(f.label_fr for f in findings))
    return (
        f"Ce texte semble contenir des données personnelles ({kinds}). Le tableau est réservé "
        "aux contenus professionnels non nominatifs : reformulez sans nommer d'enfant ni de "
        "famille, ou confirmez l'envoi si ce n'en est pas."
    )


__all__ = ["Finding", "detect", "warning_fr"]
