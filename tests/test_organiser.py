"""The organiser's identity: set on the animateur's settings page (name, address, colour,
logo) and per cycle (co-organisers), printed in every document's header and facts and on
the public restitution; a bad logo is refused in French and nothing is stored."""

from __future__ import annotations

import html
import io
import struct
import zlib
from collections.abc import Callable
from typing import Any

import docx
import pytest

from facilitator.core import logo, organiser
from facilitator.documents import compile_document, restitution
from facilitator.errors import DomainError
from facilitator.models import Animateur, Atelier
from tests.test_documents_web import login


def png(width: int = 4, height: int = 2) -> bytes:
    """A real, tiny PNG (one grey scanline per row)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


SVG_OK = (
    b'<?xml version="1.0"?><!-- made by hand --><svg xmlns="http://www.w3.org/2000/svg" '
    b'viewBox="0 0 10 10"><rect width="10" height="10" fill="#1f3b5c"/></svg>'
)
BAD = {
    "not an image": (b"%PDF-1.4 not a logo", "doit être une image PNG ou SVG"),
    "script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "script",
    ),
    "event attribute": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        "onload",
    ),
    "external link": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="https://tracker.example/x.png"/></svg>',
        "adresse externe",
    ),
    "entities": (
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        "entités",
    ),
    "foreign content": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>',
        "contenu actif",
    ),
    "huge png": (png(5000, 1), "4000 pixels"),
}


@pytest.fixture
def logged(client: Any, make_animateur: Callable[..., Animateur]) -> Any:
    client.animateur = make_animateur()
    login(client, client.animateur)
    return client


def _post(client: Any, data: bytes | None, **fields: str) -> Any:
    form: dict[str, Any] = {"name": "", "address": "", "colour": "", **fields}
    if data is not None:
        form["logo"] = (io.BytesIO(data), "logo.bin")
    return client.post("/animateur/structure", data=form, content_type="multipart/form-data")


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_logo_is_refused_and_nothing_is_stored(logged: Any, case: str) -> None:
    data, message = BAD[case]
    answer = _post(logged, data, name="CRPV Hauts-de-Lys")
    assert answer.status_code == 400
    page = html.unescape(answer.get_data(as_text=True))
    assert message in page and "Rien n'a été enregistré" in page
    assert organiser.identity() == {
        "name": "",
        "address": "",
        "colour": "",
        "logo": None,
        "logo_type": "",
    }


def test_a_logo_too_large_is_refused(app: Any) -> None:
    # (through the service: the test client leaves its spooled upload file open)
    heavy = png() + b"\x00" * logo.MAX_BYTES
    with pytest.raises(DomainError, match="trop lourd"):
        organiser.save(name="CRPV", address="", colour="", logo_data=heavy)
    assert organiser.identity()["name"] == ""


def test_a_bad_colour_is_refused(logged: Any) -> None:
    answer = _post(logged, None, name="CRPV", colour="red; }")
    assert answer.status_code == 400 and organiser.identity()["name"] == ""


def test_a_clean_svg_is_kept_without_its_comments(logged: Any) -> None:
    assert _post(logged, SVG_OK, name="CRPV Hauts-de-Lys").status_code == 302
    found = organiser.identity()
    assert found["logo_type"] == "image/svg+xml" and b"made by hand" not in found["logo"]
    served = logged.get("/organisateur/logo")
    assert served.mimetype == "image/svg+xml" and b"<rect" in served.data
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]


def test_the_identity_heads_every_document(
    logged: Any, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier(logged.animateur)
    assert logged.get("/animateur/structure").status_code == 200
    saved = _post(
        logged,
        png(),
        name="CRPV Hauts-de-Lys",
        address="12 rue des Écoles\n59000 Lille",
        colour="#7A1F3D",
    )
    assert saved.status_code == 302
    answer = logged.post(
        f"/animateur/cycles/{atelier.cycle_id}/co-organisateurs",
        data={"names": "Ville de Val-de-Lys\n\nVille de Val-de-Lys\nCAF du Nord"},
    )
    assert answer.status_code == 302
    assert organiser.co_organisers(atelier.cycle_id) == ["Ville de Val-de-Lys", "CAF du Nord"]
    md = compile_document("compte-rendu", atelier.id, "md").content.decode()
    assert "CRPV Hauts-de-Lys, avec Ville de Val-de-Lys et CAF du Nord" in md
    page = compile_document("synthese", atelier.cycle_id, "html").content.decode()
    assert 'class="organiser"><img src="data:image/png;base64,' in page
    assert "h1, h2 { color: #7a1f3d; }" in page
    word = docx.Document(io.BytesIO(compile_document("charte", atelier.cycle_id, "docx").content))
    header = word.sections[0].header
    assert "CRPV Hauts-de-Lys" in header.paragraphs[0].text
    assert "Centre de ressources politique de la ville" not in header.paragraphs[0].text
    assert header.part.package.image_parts  # the logo is in the header
    cycle_page = html.unescape(logged.get(f"/animateur/cycles/{atelier.cycle_id}").get_data(True))
    assert "Ville de Val-de-Lys\nCAF du Nord" in cycle_page
    # the public restitution opens with the organisers and the logo
    row = restitution.publish(atelier.cycle, True)
    public = html.unescape(logged.get(f"/restitution/{row.public_token}").get_data(True))
    assert "CRPV Hauts-de-Lys, avec Ville de Val-de-Lys et CAF du Nord" in public
    assert 'src="/organisateur/logo"' in public
