"""French wording for documents: dates (Babel), numbers, plurals, lists."""

from __future__ import annotations

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
