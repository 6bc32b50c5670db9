"""French wording for documents: dates (Babel), numbers, plurals, lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal

LOCALE = "fr_FR"
TIMEZONE = ZoneInfo("Europe/Paris")


def date_long(value: date | None, missing: str = "date à préciser") -> str:
    """``mardi 14 janvier 2025``."""
    return format_date(value, "full", locale=LOCALE) if value else missing


def date_medium(value: date | None, missing: str = "à préciser") -> str:
    """``14 janvier 2025``."""
    return format_date(value, "d MMMM y", locale=LOCALE) if value else missing


def datetime_long(value: datetime | None) -> str:
    """``14 janvier 2025 à 17h30``, in metropolitan French time."""
    if value is None:
        return ""
    return format_datetime(value, "d MMMM y 'à' HH'h'mm", tzinfo=TIMEZONE, locale=LOCALE)


def number(value: int | float) -> str:
    """``3 000`` (narrow no-break space as thousands separator), ``2,5``."""
    if isinstance(value, int):  # fast path, same result as Babel's for fr_FR
        return f"{value:,}".replace(",", "\u202f")
    return format_decimal(value, locale=LOCALE)


def count(value: int, singular: str, plural: str | None = None) -> str:
    """``0 participant``, ``1 participant``, ``2 participants`` (French: 0 and 1 are singular)."""
    word = singular if value < 2 else (plural or singular + "s")
    return f"{number(value)} {word}"


def join(items: Iterable[str]) -> str:
    """``A, B et C``."""
    items = [i for i in items if i]
    return format_list(items, locale=LOCALE) if items else ""


def quoted(text: str) -> str:
    """French quotation marks with no-break spaces."""
    return f"«\u00a0{text}\u00a0»"


NBSP = "\u00a0"
NNBSP = "\u202f"
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_BEFORE_PUNCT = re.compile(r"[ \u00a0]+([:;!?])")
_AFTER_OPEN = re.compile(r"«[ \u00a0]*")
_BEFORE_CLOSE = re.compile(r"[ \u00a0]*»")
_NUMBER_WORD = re.compile(r"(\d) (?=[^\W_])")
_MONTH_YEAR = re.compile(rf"\b({_MONTHS}) (?=\d)", re.IGNORECASE)
_NUMERO = re.compile(r"\b(n°|N°|p\.|art\.) (?=\d)")


def typeset(text: str) -> str:
    """French typography for printed text: a narrow no-break space before « : ; ! ? » and
    inside « », a no-break space between a number and what it counts (« 12 cartes »,
    « 14 janvier 2025 ») and after « n° ». Only spaces already there are changed (a colon
    in « https://… » or « 11:30 » stays as it is); line breaks are kept."""
    if not text:
        return text
    text = _BEFORE_PUNCT.sub(NNBSP + r"\1", text)
    text = _AFTER_OPEN.sub("«" + NNBSP, text)
    text = _BEFORE_CLOSE.sub(NNBSP + "»", text)
    text = _NUMBER_WORD.sub(r"\1" + NBSP, text)
    text = _MONTH_YEAR.sub(r"\1" + NBSP, text)
    return _NUMERO.sub(r"\1" + NBSP, text)
