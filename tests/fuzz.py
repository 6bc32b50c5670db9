"""Hypothesis strategies of tests/test_fuzz_socket.py: the client → server events read from
docs/protocol.md, JSON of any shape, and payloads derived from a valid one or from a
pydantic schema (right types with wrong values, wrong types, missing and unknown keys)."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

PROTOCOL = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"


def documented_events() -> dict[str, tuple[str, ...]]:
    """Event → payload keys, from the table of docs/protocol.md §4."""
    text = PROTOCOL.read_text()
    section = text.split("## 4. Client → server", 1)[1].split("\n## ", 1)[0]
    events: dict[str, tuple[str, ...]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if not line.startswith("| `") or len(cells) < 2:
            continue
        payload = cells[1].strip("`").replace("\\|", "|").strip("{}")
        keys = tuple(
            part.split(":")[0].strip().rstrip("?") for part in payload.split(",") if part.strip()
        )
        for name in re.findall(r"`(\w+)`", cells[0]):
            events[name] = keys
    return events


HUGE = st.sampled_from([2**31, 2**31 - 1, 2**53 + 1, 2**63, 2**64 + 7, 10**30, -(2**63), -1, 0])
NUMBERS = st.one_of(
    st.integers(),
    HUGE,
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1.0, 0.5, -0.0, 1e308]),
)
TEXTS = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            "a" * 501,
            "é" * 20_001,
            "<script>alert(1)</script>",
            "\u202e\u200b\ufeff",
            "\x00\x1f",
            "start",
            "add",
            "a",
            "b",
            "vote",
            "validation",
            "partenariat",
            "abcdefgh",
            "../../etc/passwd",
            "' OR 1=1 --",
        ]
    ),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXTS)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
CLIENT_IDS = st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True)
MISSING = object()


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """``one_of`` with weights (``one_of`` draws its distinct branches evenly)."""
    slots = [strategy for weight, strategy in choices for _ in range(weight)]

    @st.composite
    def draw_one(draw: Any) -> Any:
        return draw(slots[draw(st.integers(0, len(slots) - 1))])

    return draw_one()


def ids(known: list[int]) -> st.SearchStrategy[int]:
    """Ids that exist somewhere (this atelier's, another's), small ones, absurd ones."""
    return weighted((3, st.sampled_from(known)), (3, st.integers(1, 8)), (1, HUGE))


def same_type(value: Any, known: list[int]) -> st.SearchStrategy[Any]:
    """Values of the type ``value`` has, right or wrong."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return ids(known)
    if isinstance(value, str) and value.startswith("fuzz-"):
        return st.one_of(CLIENT_IDS, st.just("seed-a-0001"), TEXTS)
    if isinstance(value, str):
        return TEXTS
    return JSON


def near(valid: dict[str, Any], known: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    """``valid`` with each field kept, changed within its type, dropped or replaced by
    anything: reaches the services, not only the schemas."""
    fields = {
        key: weighted(
            (6, st.just(value)), (2, same_type(value, known)), (1, st.just(MISSING)), (1, JSON)
        )
        for key, value in valid.items()
    }
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not MISSING}
    )


def keyed(keys: tuple[str, ...], known: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with these keys (some), any values, sometimes an unknown key."""
    value = st.one_of(ids(known), SCALARS, JSON, st.lists(ids(known), max_size=3))
    fixed = st.fixed_dictionaries({}, optional={k: value for k in keys})
    extra = st.dictionaries(st.sampled_from(["extra", "participant_id", "atelier_id"]), value)
    return st.one_of(fixed, st.builds(lambda a, b: {**a, **b}, fixed, extra))


def emit_args(one: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    """The arguments of one emit: usually one object, sometimes none, two or a list."""
    return weighted(
        (6, one.map(lambda p: (p,))),
        (1, st.just(())),
        (1, st.tuples(one, one)),
        (1, st.lists(SCALARS, max_size=3).map(lambda xs: (xs,))),
    )


# --- from a pydantic schema ------------------------------------------------------------------


def typed(annotation: Any, known: list[int], pattern: str | None = None) -> st.SearchStrategy:
    """Values of an annotation: mostly of its type (often out of range), sometimes not."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        right: st.SearchStrategy[Any] = st.sampled_from(args)
    elif origin in (typing.Union, types.UnionType):
        right = st.one_of(*(typed(a, known, pattern) for a in args))
    elif origin is list:
        right = st.lists(typed(args[0] if args else Any, known), max_size=4)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        right = model_payload(annotation, known)
    elif annotation is bool:
        right = st.booleans()
    elif annotation is int:
        right = ids(known)
    elif annotation is float:
        right = st.one_of(st.floats(-10, 2000), NUMBERS)
    elif annotation is str:
        right = weighted((6, CLIENT_IDS), (1, TEXTS)) if pattern else TEXTS
    elif annotation is type(None):
        right = st.none()
    else:
        right = JSON
    return weighted((15, right), (1, JSON))


def _pattern(field: Any) -> str | None:
    return next((m.pattern for m in field.metadata if getattr(m, "pattern", None)), None)


def model_payload(model: type[BaseModel], known: list[int]) -> st.SearchStrategy[dict]:
    """Objects for ``model``: each field present (usually) with a typed value."""
    fields = {
        name: weighted(
            (20, typed(f.annotation, known, _pattern(f))),
            (1 if f.is_required() else 6, st.just(MISSING)),
        )
        for name, f in model.model_fields.items()
    }
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not MISSING}
    )
