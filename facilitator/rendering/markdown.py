"""Markdown (CommonMark + GitHub tables). Every piece of user text is escaped, so that a
card reading ``**gras**``, ``<script>`` or ``[lien](http://…)`` is shown as typed."""

from __future__ import annotations

import re

from facilitator.rendering.model import (
    BarChart,
    BulletList,
    Document,
    Figure,
    Inline,
    Paragraph,
    Quote,
    Section,
    Span,
    Table,
)

#: characters that may start or end Markdown / HTML constructs anywhere in a line
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
#: what makes a block when it starts a line: headings, lists, quotes, rules, setext, fences
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")


def escape(text: str, *, line_start: bool = True) -> str:
    """Escape plain text (one line or more). ``line_start``: also escape what would open a
    block at the start of a line (not needed in a heading or a table cell)."""
    lines = []
    for line in text.split("\n"):
        line = _INLINE.sub(r"\\\1", line)
        if line_start:
            line = _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), line)
        lines.append(line)
    return "\n".join(lines)


def _escape_start(token: str) -> str:
    # "1." → "1\." ; "#" → "\#"
    return token + "\\" if token[0].isdigit() else "\\" + token


def _wrap(text: str, marker: str) -> str:
    """Emphasis around escaped text, with surrounding spaces kept outside the markers."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def inline(spans: Inline, newline: str) -> str:
    """Spans as Markdown; a newline in the text becomes ``newline`` (hard break, plus the
    indentation or quote marker of the block). Lines lose their leading spaces (four would
    make a code block) and trailing ones."""
    out = []
    for span in spans:
        lines = escape(span.text).split("\n")
        if span.bold:
            lines = [_wrap(line, "**") for line in lines]
        if span.italic:
            lines = [_wrap(line, "*") for line in lines]
        out.append("\n".join(lines))
    lines = [line.strip() for line in "".join(out).strip().split("\n")]
    return newline.join(lines)


def _line(text: str) -> str:
    """Escaped text on one line (titles, captions)."""
    return " ".join(w for w in re.split(r"[ \t\n]+", escape(text, line_start=False)) if w)


def _cell(text: str) -> str:
    lines = [line.strip() for line in escape(text, line_start=False).strip().split("\n")]
    return "<br>".join(lines) or " "


def _table(t: Table) -> str:
    align = ["---:" if i in t.numeric else ":---" for i in range(len(t.header))]
    lines = [
        f"*Tableau : {_line(t.caption)}*",
        "",
        "| " + " | ".join(_cell(h) for h in t.header) + " |",
        "|" + "|".join(align) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    return "\n".join(lines)


def _paragraph(p: Paragraph) -> str:
    if p.style == "consigne":
        return "> " + inline(p.spans, "\\\n> ")
    if p.style == "note":
        italic = tuple(Span(s.text, s.bold, True) for s in p.spans)
        return inline(italic, "\\\n")
    return inline(p.spans, "\\\n")


def _section(section: Section, depth: int, out: list[str]) -> None:
    out.append("#" * min(6, depth + 1) + " " + _line(section.title))
    for child in section.children:
        if isinstance(child, Section):
            _section(child, depth + 1, out)
        elif isinstance(child, Paragraph):
            out.append(_paragraph(child))
        elif isinstance(child, BulletList):
            out.append("\n".join("- " + inline(item, "\\\n  ") for item in child.items))
        elif isinstance(child, Quote):
            words = (Span(f"« {child.text} »", italic=True),)
            quote = "> " + inline(words, "\\\n> ")
            out.append(quote + (f"\\\n> — {_line(child.source)}" if child.source else ""))
        elif isinstance(child, Table):
            out.append(_table(child))
        elif isinstance(child, BarChart):
            out.append(f"**Figure : {_line(child.title)}**")
            out.append(_table(child.table))
        elif isinstance(child, Figure):
            out.append(f"**Figure : {_line(child.title)}** — {_line(child.alt)}")
            if child.table is not None:
                out.append(_table(child.table))
        else:  # pragma: no cover - every block type is handled above
            raise TypeError(f"unknown block {type(child).__name__}")


def render(doc: Document) -> bytes:
    out = [f"# {_line(doc.title)}"]
    if doc.subtitle:
        out.append(inline((Span(doc.subtitle, italic=True),), " "))
    if doc.facts:
        out.append(
            "\n".join(
                f"- **{_line(label)} :** " + inline((Span(value),), "\\\n  ")
                for label, value in doc.facts
            )
        )
    for section in doc.sections:
        _section(section, 1, out)
    if doc.colophon:
        out.append("---")
        out.append(inline((Span(doc.colophon, italic=True),), " "))
    return ("\n\n".join(out) + "\n").encode("utf-8")
