"""Pydantic errors turned into French messages with their location; the vocabulary of
settings and payloads; what stored text may contain."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    model_validator,
)

from facilitator.errors import InvalidInput

_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_type": "vrai ou faux attendu",
    "bool_parsing": "vrai ou faux attendu",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "string_too_short": "texte trop court (au moins {min_length} caractère(s))",
    "string_too_long": "texte trop long ({max_length} caractères au plus)",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être inférieur à {lt}",
    "too_short": "au moins {min_length} élément(s) attendu(s)",
    "too_long": "au plus {max_length} élément(s)",
    "literal_error": "valeur non permise (attendu : {expected})",
    "enum": "valeur non permise (attendu : {expected})",
    "string_pattern_mismatch": "format invalide",
    "none_required": "aucune valeur attendue",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
}


def format_loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def french_errors(exc: ValidationError, prefix: Iterable[Any] = ()) -> list[tuple[str, str]]:
    """``[(location, message_fr), …]`` for every error of ``exc``."""
    problems = []
    for err in exc.errors(include_url=False):
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "value_error":
            message = str(ctx.get("error", err["msg"]))
        elif kind in _MESSAGES:
            try:
                message = _MESSAGES[kind].format(**ctx)
            except (KeyError, IndexError):
                message = _MESSAGES[kind].split(" (")[0]
        else:
            message = err["msg"]
        # pydantic puts the union member / function name in loc for some errors; keep only data.
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        problems.append((format_loc([*prefix, *loc]), message))
    return problems


def first_error_fr(exc: ValidationError) -> str:
    loc, message = french_errors(exc)[0]
    return f"{loc} : {message}" if loc else message


# --- the vocabulary of scripts' settings and of action payloads (docs/scripts.md) ---------

#: identifiers chosen in scripts (columns, sections, step ids…)
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
#: ids the browser generates for idempotent retries
CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"


class StrictModel(BaseModel):
    """Settings models refuse unknown keys, so a typo in a script is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", strict=True)


class VoteSettings(StrictModel):
    """Dot voting of a step: a budget per participant and a cap per item."""

    #: dots each participant may place in this step
    budget: int = Field(ge=1, le=50)
    #: dots one participant may place on one card
    max_per_card: int = Field(default=1, ge=1, le=50)

    @model_validator(mode="after")
    def _cap_within_budget(self) -> VoteSettings:
        if self.max_per_card > self.budget:
            raise ValueError("max_per_card ne peut pas dépasser budget")
        return self


class Payload(BaseModel):
    """An action's payload (``step_action`` ``data``): unknown keys and loose types refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Empty(Payload):
    """An action without data."""


#: a database id in a payload
Id = Field(ge=1, le=2**31 - 1)

#: the largest id (32-bit everywhere)
MAX_ID = 2**31 - 1


def form_id(raw: str | None) -> int | None:
    """An id typed in a form: ASCII digits within the id range, else None (``"²".isdigit()``
    is true, and a 25-digit number overflows the database driver: both once gave a 500)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def form_int(raw: str | None, default: int = 0) -> int:
    """A small non-negative integer typed in a form (months, minutes…), else ``default``."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else default


#: an optional database id (None: none)
OptionalId = Field(default=None, ge=1, le=2**31 - 1)
#: an optional long text (None: unchanged)
Text = Field(default=None, max_length=5000)


def _plus_or_minus_one(value: int) -> int:
    if value not in (1, -1):
        raise ValueError("1 ou -1 attendu")
    return value


#: a vote's step: the integer 1 or -1 (``Literal[1, -1]`` would take 1.0 and true as 1)
UnitDelta = Annotated[StrictInt, AfterValidator(_plus_or_minus_one)]


# --- stored text ---------------------------------------------------------------------------

#: characters no stored text keeps: C0/C1 controls but tab and line breaks, DEL, lone
#: surrogates and the non-characters U+FFFE/U+FFFF (none is valid in XML 1.0: a NUL in an
#: actor's name made the map's SVG unreadable)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: characters that draw nothing though they are not spaces for ``str.isspace``
_BLANKS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab, line feed and carriage return stay)."""
    return _CONTROLS.sub("", text)


def is_visually_empty(text: str) -> bool:
    """True when ``text`` would show nothing: only spaces, format characters (zero-width
    spaces and joiners, BOM, soft hyphen…), combining marks or blank fillers."""
    return all(
        ch.isspace() or ch in _BLANKS or unicodedata.category(ch) in ("Cf", "Mn", "Me", "Cc")
        for ch in text
    )


# --- dates ---------------------------------------------------------------------------------

#: dates of ateliers (and what is computed from them): within this many years of today
DATE_WINDOW_YEARS = 10


def date_window(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    day = min(today.day, 28)  # 29 February ten years on may not exist
    return (
        today.replace(year=today.year - DATE_WINDOW_YEARS, day=day),
        today.replace(year=today.year + DATE_WINDOW_YEARS, day=day),
    )


def check_date(day: date, what: str = "La date", today: date | None = None) -> date:
    """``day`` when it lies within ``DATE_WINDOW_YEARS`` years of today, else a French
    refusal (9999-12-31 once made a cycle's retention impossible to compute)."""
    first, last = date_window(today)
    if not first <= day <= last:
        raise InvalidInput(
            f"{what} doit être comprise entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y}.",
            code="date_out_of_range",
        )
    return day
