"""A logo upload, checked before anything is stored: a PNG (its signature and header read,
its size bounded) or an SVG parsed and written again without anything that could run or
fetch (scripts, event attributes, external links, foreign content, animations, entities).
Anything else is refused with a French message."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET

from facilitator.errors import InvalidInput

#: the largest logo accepted, in bytes
MAX_BYTES = 512 * 1024
#: the largest side of a PNG logo, in pixels
MAX_SIDE = 4000
PNG = "image/png"
SVG = "image/svg+xml"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: elements that run, embed or change other elements: never in a logo
_FORBIDDEN = {
    "script",
    "foreignobject",
    "iframe",
    "object",
    "embed",
    "handler",
    "listener",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "animatecolor",
}
_SAFE_HREF = re.compile(r"^(#|data:image/(png|jpeg|gif);base64,)", re.IGNORECASE)
_BAD_CSS = re.compile(r"(url\s*\(\s*['\"]?(?!#)|@import|expression\s*\(|javascript:)", re.I)


def _refused(message: str) -> InvalidInput:
    return InvalidInput(message, code="bad_logo")


def check(data: bytes) -> tuple[bytes, str]:
    """``(bytes to store, content type)`` for an uploaded logo, or ``InvalidInput``."""
    if not data:
        raise _refused("Le fichier du logo est vide.")
    if len(data) > MAX_BYTES:
        raise _refused(
            f"Le logo est trop lourd ({len(data) // 1024} Ko) : {MAX_BYTES // 1024} Ko au plus."
        )
    if data.startswith(_PNG_SIGNATURE):
        return _png(data), PNG
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        return _svg(data), SVG
    raise _refused("Le logo doit être une image PNG ou SVG.")


def _png(data: bytes) -> bytes:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise _refused("Ce fichier PNG est illisible.")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise _refused(f"Le logo doit mesurer au plus {MAX_SIDE} pixels de côté.")
    return data


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _svg(data: bytes) -> bytes:
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise _refused("Ce SVG déclare des entités ou un DOCTYPE : il est refusé.")
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise _refused("Ce fichier SVG est illisible.") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise _refused("Le logo doit être une image PNG ou SVG.")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag)
        if name in _FORBIDDEN:
            raise _refused(
                "Ce SVG contient un script ou un contenu actif (« " + name + " ») : il est refusé."
            )
        if name == "style" and _BAD_CSS.search(element.text or ""):
            raise _refused("Ce SVG charge des ressources externes : il est refusé.")
        for attribute, value in element.attrib.items():
            key = _local(attribute)
            if key.startswith("on"):
                raise _refused(f"Ce SVG contient un script (attribut « {key} ») : il est refusé.")
            if key == "href" and not _SAFE_HREF.match(value.strip()):
                raise _refused("Ce SVG pointe vers une adresse externe : il est refusé.")
            if key == "style" and _BAD_CSS.search(value):
                raise _refused("Ce SVG charge des ressources externes : il est refusé.")
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    # written again from the parsed tree: comments, processing instructions dropped
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)
