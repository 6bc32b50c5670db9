"""The word-level diff shown between a clause and the one it continues, and between a
clause and an amendment's new wording. Pure: no database."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[list[str]]:
    """``[[op, text], …]`` with op ``eq`` / ``ins`` / ``del``, word by word (spaces kept).
    Changes separated by a single space are shown as one change: easier to read."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[tuple[bool, str, str]] = []  # (changed, old text, new text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    opcodes = matcher.get_opcodes()
    for i, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        between = 0 < i < len(opcodes) - 1 and runs and runs[-1][0]
        if tag == "equal" and not (between and old_part.isspace()):
            runs.append((False, old_part, new_part))
        elif runs and runs[-1][0]:
            _, old_run, new_run = runs[-1]
            runs[-1] = (True, old_run + old_part, new_run + new_part)
        else:
            runs.append((True, old_part, new_part))
    out: list[list[str]] = []
    for changed, old_part, new_part in runs:
        if not changed:
            out.append(["eq", old_part])
            continue
        if old_part:
            out.append(["del", old_part])
        if new_part:
            out.append(["ins", new_part])
    return out
