"""spaCy's French model (``fr_core_news_sm``), loaded once, on first use, with only what
named entities need (the parser, lemmatizer and morphologizer are left out)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from facilitator.privacy.rules import is_person_word

log = logging.getLogger(__name__)

MODEL = "fr_core_news_sm"
_lock = threading.Lock()
_nlp: Any = None
_unavailable = False


def model() -> Any:
    """The loaded pipeline, or None when spaCy or the model is not installed (the rules
    still run; the failure is logged once)."""
    global _nlp, _unavailable
    if _nlp is not None or _unavailable:
        return _nlp
    with _lock:
        if _nlp is None and not _unavailable:
            try:
                import spacy

                _nlp = spacy.load(
                    MODEL,
                    exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer", "senter"],
                )
            except (ImportError, OSError):
                _unavailable = True
                log.warning("spaCy model %s unavailable: personal-data rules only", MODEL)
    return _nlp


def person_name(text: str) -> str | None:
    """The first person's name the model finds that is not a place or a structure."""
    nlp = model()
    if nlp is None:
        return None
    for entity in nlp(text).ents:
        if entity.label_ != "PER":
            continue
        words = entity.text.split()
        # a person's name is one to three capitalised words; « Circonscription Éducation
        # nationale Val-de-Lys » is a structure the small model may call a person
        if len(words) > 3 or not all(w[:1].isupper() for w in words):
            continue
        if all(is_person_word(text, entity.start_char, w) for w in words):
            return str(entity.text)
    return None
