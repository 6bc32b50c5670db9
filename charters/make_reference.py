"""Generate ``charters/reference.docx``, the reference document of compiled DOCX files.

    .venv/bin/python charters/make_reference.py [OUTPUT]

The DOCX renderer takes from this file its styles (fonts, colours, spacing), page setup,
header and footer, and replaces its body with the document. A CRPV restyles its documents
by editing a copy in Word or LibreOffice (logo in the header, fonts, colours of the styles
listed in the sample page) and pointing ``DOCUMENTS_CHARTER`` at it: no code to touch.
Keep the style names: Title, Subtitle, Heading 1–6, List Bullet, Caption, Normal,
Chapeau, Consigne, Citation, Remarque, Texte de tableau and the table style Tableau CRPV.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from facilitator.rendering import ooxml

FONT = "Arial"  # LibreOffice uses the metric-compatible Liberation Sans where Arial is absent
INK = RGBColor(0x26, 0x26, 0x26)
NAVY = RGBColor(0x1F, 0x3B, 0x5C)
BLUE = RGBColor(0x2F, 0x5D, 0x8A)
GREY = RGBColor(0x4D, 0x4D, 0x4D)


def _font(style, size: float, *, bold=None, italic=None, colour=INK) -> None:  # type: ignore[no-untyped-def]
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = colour
    rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    if rfonts is not None:  # theme fonts would win over the explicit name
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
        rfonts.set(qn("w:cs"), FONT)


def _spacing(style, before: float, after: float, *, keep_next: bool = False) -> None:  # type: ignore[no-untyped-def]
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.keep_with_next = keep_next


def _border(style, side: str, colour: str, size: int = 12, space: int = 4) -> None:  # type: ignore[no-untyped-def]
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # w:pBdr comes after w:keepNext … w:pageBreakBefore etc.; before w:shd / w:spacing
        spacing = ppr.find(qn("w:spacing"))
        if spacing is not None:
            spacing.addprevious(borders)
        else:
            ppr.append(borders)
    el = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space))):
        el.set(qn(f"w:{key}"), value)
    el.set(qn("w:color"), colour)
    borders.append(el)


def _shading(style, fill: str) -> None:  # type: ignore[no-untyped-def]
    ppr = style.element.get_or_add_pPr()
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    spacing = ppr.find(qn("w:spacing"))
    if spacing is not None:
        spacing.addprevious(shd)
    else:
        ppr.append(shd)


TABLE_STYLE = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="TableauCRPV">
  <w:name w:val="Tableau CRPV"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>
  <w:tblPr>
    <w:tblBorders>
      <w:top w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>
      <w:left w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>
      <w:right w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>
      <w:insideV w:val="single" w:sz="4" w:space="0" w:color="8C8C8C"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="40" w:type="dxa"/><w:left w:w="90" w:type="dxa"/>
      <w:bottom w:w="40" w:type="dxa"/><w:right w:w="90" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/><w:color w:val="1F3B5C"/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="DBE5F1"/></w:tcPr>
  </w:tblStylePr>
</w:style>
"""


def build() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)

    styles = doc.styles
    normal = styles["Normal"]
    _font(normal, 10.5)
    _spacing(normal, 0, 6)
    normal.paragraph_format.line_spacing = 1.15

    title = styles["Title"]
    _font(title, 24, bold=True, colour=NAVY)
    _spacing(title, 0, 4)
    title.element.get_or_add_pPr().remove_all("w:pBdr")
    subtitle = styles["Subtitle"]
    _font(subtitle, 14, italic=False, colour=GREY)
    _spacing(subtitle, 0, 14)
    for level, size, colour in (
        (1, 16, NAVY),
        (2, 13, NAVY),
        (3, 11.5, BLUE),
        (4, 10.5, BLUE),
        (5, 10.5, GREY),
        (6, 10.5, GREY),
    ):
        heading = styles[f"Heading {level}"]
        _font(heading, size, bold=True, italic=False, colour=colour)
        _spacing(heading, 18 if level == 1 else 12, 4, keep_next=True)
    _border(styles["Heading 1"], "bottom", "1F3B5C", size=8, space=2)
    caption = styles["Caption"]
    _font(caption, 9.5, bold=True, italic=False, colour=GREY)
    _spacing(caption, 6, 3, keep_next=True)
    _font(styles["List Bullet"], 10.5)
    _spacing(styles["List Bullet"], 0, 3)

    chapeau = styles.add_style("Chapeau", WD_STYLE_TYPE.PARAGRAPH)
    chapeau.base_style = normal
    _font(chapeau, 11)
    _spacing(chapeau, 2, 6)
    consigne = styles.add_style("Consigne", WD_STYLE_TYPE.PARAGRAPH)
    consigne.base_style = normal
    _font(consigne, 10.5, colour=INK)
    _spacing(consigne, 4, 8)
    consigne.paragraph_format.left_indent = Cm(0.3)
    _border(consigne, "left", "2F5D8A", size=24, space=6)
    _shading(consigne, "EEF3F8")
    remarque = styles.add_style("Remarque", WD_STYLE_TYPE.PARAGRAPH)
    remarque.base_style = normal
    _font(remarque, 9.5, italic=True, colour=GREY)
    citation = styles.add_style("Citation", WD_STYLE_TYPE.PARAGRAPH)
    citation.base_style = normal
    _font(citation, 10.5, italic=True, colour=INK)
    _spacing(citation, 4, 8)
    citation.paragraph_format.left_indent = Cm(0.6)
    _border(citation, "left", "9AA5B1", size=12, space=6)
    cell = styles.add_style("Texte de tableau", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    _font(cell, 9.5)
    _spacing(cell, 0, 0)
    cell.paragraph_format.line_spacing = 1.0
    for name in ("Chapeau", "Consigne", "Citation", "Remarque", "Texte de tableau"):
        styles[name].quick_style = True
    styles.element.append(parse_xml(TABLE_STYLE))

    header = section.header.paragraphs[0]
    header.text = "Centre de ressources politique de la ville"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(styles["Header"], 8.5, colour=GREY)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(styles["Footer"], 8.5, colour=GREY)
    footer.add_run("Page ")
    ooxml.field(footer, "PAGE")
    footer.add_run(" sur ")
    ooxml.field(footer, "NUMPAGES")

    ooxml.set_language(doc, "fr-FR")
    props = doc.core_properties
    props.title = "Modèle des documents facilitator"
    props.author = "facilitator"
    props.last_modified_by = "facilitator"
    props.comments = ""
    props.created = props.modified = datetime(2025, 1, 1, tzinfo=UTC)
    props.revision = 1

    # sample page (ignored by the renderer): shows every style to restyle
    doc.add_paragraph("Modèle de document", style="Title")
    doc.add_paragraph("Styles des documents compilés par facilitator", style="Subtitle")
    doc.add_paragraph(
        "Ce fichier sert de modèle : son contenu est remplacé par le document, ses styles, "
        "ses marges, son en-tête et son pied de page sont conservés. Modifiez les styles "
        "ci-dessous (police, taille, couleur), placez le logo du centre de ressources dans "
        "l'en-tête, enregistrez, puis indiquez ce fichier dans DOCUMENTS_CHARTER.",
        style="Chapeau",
    )
    doc.add_paragraph("Titre 1 (Heading 1)", style="Heading 1")
    doc.add_paragraph("Texte courant (Normal).", style="Normal")
    doc.add_paragraph("Consigne d'une étape (Consigne).", style="Consigne")
    doc.add_paragraph("Titre 2 (Heading 2)", style="Heading 2")
    doc.add_paragraph("Élément de liste (List Bullet).", style="List Bullet")
    doc.add_paragraph("Titre 3 (Heading 3)", style="Heading 3")
    doc.add_paragraph("« Les paroles d'un participant » — sa structure (Citation).", style="Citation")
    doc.add_paragraph("Remarque, information manquante (Remarque).", style="Remarque")
    doc.add_paragraph("Tableau : légende (Caption)", style="Caption")
    table = doc.add_table(rows=2, cols=2)
    table.style = "Tableau CRPV"
    for cell_, text in zip(
        table._cells, ("En-tête", "Tableau CRPV", "Texte de tableau", "Cellule"), strict=True
    ):
        cell_.paragraphs[0].style = "Texte de tableau"
        cell_.paragraphs[0].add_run(text)
    ooxml.repeat_header(table.rows[0])
    return doc


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("reference.docx")
    build().save(str(out))
    print(f"Écrit : {out}")


if __name__ == "__main__":
    main()
