"""Small WordprocessingML helpers python-docx has no API for (language, table header rows,
fields). Shared by the renderer and charters/make_reference.py.
Element order follows the OOXML schema: Word refuses files with misplaced children."""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

#: children of w:rPr in schema order (enough of them to insert w:lang at the right place)
_RPR_ORDER = [
    *("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike"),
    *("outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden"),
    *("color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect"),
    *("bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout"),
    *("specVanish", "oMath"),
]


def _insert_in_order(parent: Any, child: Any, order: list[str]) -> None:
    name = child.tag.split("}")[1]
    later = order[order.index(name) + 1 :]
    for existing in parent:
        if existing.tag.split("}")[-1] in later:
            existing.addprevious(child)
            return
    parent.append(child)


def set_language(document: Any, lang: str = "fr-FR") -> None:
    """Default language of every run (docDefaults), core property, and the language of the
    document's theme fonts (settings)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        _insert_in_order(rpr, lang_el, _RPR_ORDER)
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), lang)
    lang_el.set(qn("w:bidi"), "ar-SA")
    # styles may carry their own language (a charter made in another locale)
    for style_lang in styles.iter(qn("w:lang")):
        if style_lang is not lang_el:
            style_lang.set(qn("w:val"), lang)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), lang)
    document.core_properties.language = lang


def repeat_header(row: Any) -> None:
    """Mark a table row as a header row repeated at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES…) at the end of ``paragraph``."""

    def fld_char(kind: str) -> Any:
        run = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run.append(char)
        return run

    paragraph._p.append(fld_char("begin"))
    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    paragraph._p.append(instr_run)
    paragraph._p.append(fld_char("separate"))
    text_run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    text_run.append(text)
    paragraph._p.append(text_run)
    paragraph._p.append(fld_char("end"))
