"""How wide text prints, to give table columns the width their content needs.

Widths are DejaVu Sans Bold's advance widths (1/1000 em), the widest of the fonts
LibreOffice may print Arial with (Arial, Liberation Sans, DejaVu Sans): a column wide
enough for a word in that font is wide enough in the others. Characters not listed count as
wide as an « M »."""

from __future__ import annotations

from collections.abc import Iterable

_CHARS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz"
    "{|}~ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿœŒ’«»—–…"
)
_WIDTHS = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
    830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
    774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652,
    582, 712, 365, 712, 838, 774, 774, 774, 774, 774, 774, 1085, 734, 683, 683, 683, 683, 372,
    372, 372, 372, 838, 837, 850, 850, 850, 850, 850, 838, 850, 812, 812, 812, 812, 724, 738,
    719, 675, 675, 675, 675, 675, 675, 1048, 593, 678, 678, 678, 678, 343, 343, 343, 343, 687,
    712, 687, 687, 687, 687, 687, 838, 687, 712, 712, 712, 712, 652, 716, 652, 1094, 1167,
    380, 646, 646, 1000, 500, 1000,
)  # fmt: skip
WIDTHS: dict[str, int] = dict(zip(_CHARS, _WIDTHS, strict=True))
WIDTHS.update({"\u00a0": 348, "\u202f": 200})
DEFAULT = 995  # « M »
#: breakable spaces: a line may end there (no-break spaces glue a word to its neighbour)
_BREAKABLE = (" ", "\n", "\t")


#: room for rounding, kerning and cell borders
SAFETY = 1.04


def em(text: str) -> float:
    """Width of ``text`` on one line, in em (with a little room to spare)."""
    return sum(WIDTHS.get(ch, DEFAULT) for ch in text) * SAFETY / 1000


def words(text: str) -> list[str]:
    """What a line may never split: the text between breakable spaces."""
    out = [text]
    for sep in _BREAKABLE:
        out = [part for chunk in out for part in chunk.split(sep)]
    return [w for w in out if w]


def longest_word(texts: Iterable[str]) -> float:
    """Width of the widest unbreakable word of ``texts``, in em."""
    return max((em(w) for t in texts for w in words(t)), default=0.0)


def longest_line(texts: Iterable[str]) -> float:
    """Width of the widest line of ``texts`` printed without wrapping, in em."""
    return max((em(line) for t in texts for line in t.split("\n")), default=0.0)


def column_widths(
    columns: list[list[str]], available: float, *, padding: float
) -> list[float] | None:
    """Widths (same unit as ``available`` and ``padding``, for text 1 em = 1 unit) so that
    no word of any cell is broken: each column gets its longest word, then the room left is
    shared by how much more each column's text would like. None when the longest words alone
    do not fit (print the table wider: landscape)."""
    cap = available * 0.5  # one absurdly long token (a URL) may break rather than take it all
    need = [min(longest_word(col), cap) + padding for col in columns]
    want = [max(longest_line(col) + padding, n) for col, n in zip(columns, need, strict=True)]
    if sum(need) > available:
        return None
    if sum(want) <= available:
        scale = available / sum(want)
        return [w * scale for w in want]
    room = available - sum(need)
    extra = [w - n for w, n in zip(want, need, strict=True)]
    total = sum(extra) or 1
    return [n + room * e / total for n, e in zip(need, extra, strict=True)]
