"""Documents without a database, CSV and the chart: formulas neutralised for French
spreadsheets, the header of an empty cycle's CSV, and the attendance chart as PNG and SVG."""

from __future__ import annotations

import struct
import zlib

import pytest

from facilitator.documents import kinds
from facilitator.rendering import chart
from facilitator.rendering import csv as csv_renderer
from facilitator.rendering.model import BarChart, Document, Section, table
from tests.document_contexts import CASES

# --- CSV ---------------------------------------------------------------------------------


def test_csv_neutralises_formulas_and_suits_french_spreadsheets() -> None:
    doc = Document(
        kind="t",
        title="t",
        subtitle="",
        facts=(),
        sections=(
            Section(
                "s",
                (
                    table(
                        "acteurs",
                        "c",
                        ["Structure", "Note"],
                        [('=HYPERLINK("http://x")', "+1"), ("Trait; d'Union", "-2")],
                        context="Nord",
                    ),
                    table(
                        "acteurs", "c", ["Structure", "Note"], [("@SUM(A1)", "ok")], context="Sud"
                    ),
                ),
            ),
        ),  # fmt: skip
        filename="t",
    )
    out = csv_renderer.render(doc, "acteurs", "Territoire")
    assert out.startswith("\ufeff".encode())
    lines = out.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Territoire;Structure;Note"
    assert lines[1] == 'Nord;"\'=HYPERLINK(""http://x"")";\'+1'
    assert lines[2] == "Nord;\"Trait; d'Union\";'-2"
    assert lines[3] == "Sud;'@SUM(A1);ok"


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("repertoire", "Territoire;Structure;Type;Champs d'intervention;Personnes;Ateliers suivis"),
        ("synthese", "N°;Atelier;Date;Mode;Lieu;Présents;État"),
    ],
)
def test_csv_of_an_empty_cycle_has_its_header(kind: str, header: str) -> None:
    doc = CASES[f"{kind}-vide"]()
    spec = kinds.KINDS[kind].csv
    assert spec is not None
    out = csv_renderer.render(doc, spec.table, spec.context_label, spec.empty_header)
    assert out.decode("utf-8-sig") == header + "\r\n"


# --- chart -------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("values", [(33, 24, 24, 15, 9, 13, 7), (0,), tuple(range(40))])
def test_chart_png_and_svg(values: tuple[int, ...]) -> None:
    data = table("p", "c", ["a"], [(str(v),) for v in values])
    bar = BarChart("p", "Présents", "alt <texte>", tuple(f"A{i + 1}" for i in values), values, data)
    png = chart.png(bar)
    assert _png_size(png) == (1200, 520)
    # the image data decompresses to one filter byte + one palette index per pixel
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    assert len(zlib.decompress(idat)) == 520 * 1201
    svg = chart.svg(bar, "c1")
    assert 'role="img"' in svg and '<desc id="c1-desc">alt &lt;texte&gt;</desc>' in svg
    assert svg.count("<rect") == len(values)
