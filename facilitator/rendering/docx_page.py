"""The page side of a DOCX: portrait or landscape sections, the colophon kept with the last
lines, the organiser in the page header (rendering/docx.py writes the body)."""

from __future__ import annotations

import io
from typing import Any

from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor

from facilitator.rendering import fr
from facilitator.rendering.model import Organiser, plain


def turn(sect_pr: Any, landscape: bool) -> None:
    """Set a ``w:sectPr``'s page to portrait or landscape (A4 either way)."""
    size = sect_pr.find(qn("w:pgSz"))
    if size is None:
        return
    w, h = int(size.get(qn("w:w"))), int(size.get(qn("w:h")))
    short, long_ = sorted((w, h))
    size.set(qn("w:w"), str(long_ if landscape else short))
    size.set(qn("w:h"), str(short if landscape else long_))
    if landscape:
        size.set(qn("w:orient"), "landscape")
    elif qn("w:orient") in size.attrib:
        del size.attrib[qn("w:orient")]


def keep_with_end(body: Any, last: Any) -> None:
    """The colophon never stands alone on the last page: the paragraphs before it, back to
    the start of the last section (its heading), at most a dozen, or the last rows of a
    table, keep with it."""
    node = last.getprevious()
    kept = 0
    while node is not None and kept < 12:
        if node.tag == qn("w:tbl"):
            for row in node.findall(qn("w:tr"))[-2:]:
                for paragraph in row.iter(qn("w:p")):
                    set_keep_next(paragraph)
            return
        if node.tag != qn("w:p"):
            return
        set_keep_next(node)
        kept += 1
        style = node.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val"), "").startswith("Heading"):
            return
        node = node.getprevious()


def set_keep_next(paragraph: Any) -> None:
    paragraph.get_or_add_pPr().keepNext_val = True


def identity(out: Any, who: Organiser) -> None:
    """The organiser in the page header (logo, name and co-organisers, address) in place of
    the reference's generic line, and its colour on the titles. A SVG logo cannot go into
    a Word header: the name alone is printed then."""
    for section in out.sections:
        header = section.header
        if header.is_linked_to_previous:
            continue
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        if who.logo and who.logo_type == "image/png":
            paragraph.add_run().add_picture(io.BytesIO(who.logo), height=Cm(1.1))
            paragraph.add_run("  ")
        paragraph.add_run(fr.typeset(plain(who.heading)))
        if who.address:
            run = paragraph.add_run()
            run.add_break()
            run.add_text(fr.typeset(" — ".join(plain(who.address).splitlines())))
    if who.colour:
        colour = RGBColor.from_string(who.colour.lstrip("#").upper())
        for name in ("Title", "Heading 1", "Heading 2"):
            if name in [s.name for s in out.styles]:
                out.styles[name].font.color.rgb = colour
