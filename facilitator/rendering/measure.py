"""How wide text prints, to give table columns the width their content needs.

Widths are DejaVu Sans Bold's advance widths (1/1000 em), the widest of the fonts
LibreOffice may print Arial with (Arial, Liberation Sans, DejaVu Sans): a column wide
enough for a word in that font is wide enough in the others. Characters not listed count as
wide as an « M »."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

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
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838, 684, 684, 684, 684, 684, 684, 974, 698, 632, 632, 632, 632, 295,
    295, 295, 295, 775, 748, 787, 787, 787, 787, 787, 838, 787, 732, 732, 732, 732, 611, 605,
    630, 613, 613, 613, 613, 613, 613, 982, 550, 615, 615, 615, 615, 278, 278, 278, 278, 612,
    634, 612, 612, 612, 612, 612, 838, 612, 634, 634, 634, 634, 592, 635, 592, 1023, 1070, 318,
    612, 612, 1000, 500, 1000,
)  # fmt: skip
#: bold (headers) and regular (cells) advance widths
WIDTHS: dict[str, int] = dict(zip(_CHARS, _WIDTHS, strict=True))
WIDTHS.update({"\u00a0": 348, "\u202f": 200})
REGULAR: dict[str, int] = dict(zip(_CHARS, _REGULAR, strict=True))
REGULAR.update({"\u00a0": 318, "\u202f": 180})
DEFAULT = 995  # « M »
#: breakable spaces: a line may end there (no-break spaces glue a word to its neighbour)
_BREAKABLE = (" ", "\n", "\t")


#: room for rounding, kerning and cell borders
SAFETY = 1.04


def em(text: str, *, bold: bool = True) -> float:
    """Width of ``text`` on one line, in em (with a little room to spare)."""
    widths = WIDTHS if bold else REGULAR
    return sum(widths.get(ch, DEFAULT) for ch in text) * SAFETY / 1000


_HYPHEN = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")


def words(text: str) -> list[str]:
    """What a line may never split: the text between breakable spaces, and the parts of a
    hyphenated word (« médico-|psychologique »: a line may end after its hyphen)."""
    out = [text]
    for sep in _BREAKABLE:
        out = [part for chunk in out for part in chunk.split(sep)]
    return [p for w in out if w for p in _HYPHEN.split(w) if p]


def longest_word(texts: Iterable[str], *, bold: bool = True) -> float:
    """Width of the widest unbreakable word of ``texts``, in em."""
    return max((em(w, bold=bold) for t in texts for w in words(t)), default=0.0)


def longest_line(texts: Iterable[str], *, bold: bool = True) -> float:
    """Width of the widest line of ``texts`` printed without wrapping, in em."""
    return max((em(line, bold=bold) for t in texts for line in t.split("\n")), default=0.0)


def column_widths(
    columns: list[list[str]], available: float, *, padding: float
) -> list[float] | None:
    """Widths (same unit as ``available`` and ``padding``, for text 1 em = 1 unit) so that
    no word of any cell is broken: each column (its first text is the bold header, the
    others regular cells) gets its longest word, then the room left is shared by how much
    more each column's text would like. None when the longest words alone do not fit (print
    the table wider: landscape)."""
    cap = available * 0.5  # one absurdly long token (a URL) may break rather than take it all

    def widest(col: list[str], measure: Callable[..., float]) -> float:
        return max(measure(col[:1], bold=True), measure(col[1:], bold=False))

    need = [min(widest(col, longest_word), cap) + padding for col in columns]
    want = [
        max(widest(col, longest_line) + padding, n) for col, n in zip(columns, need, strict=True)
    ]
    if sum(need) > available:
        return None
    if sum(want) <= available:
        scale = available / sum(want)
        return [w * scale for w in want]
    room = available - sum(need)
    extra = [w - n for w, n in zip(want, need, strict=True)]
    total = sum(extra) or 1
    return [n + room * e / total for n, e in zip(need, extra, strict=True)]
