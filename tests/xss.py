"""Helpers of tests/test_xss.py and tests/test_browser_xss.py: the corpus of hostile texts,
the text fields they go through, an HTML scanner, and the same world built through the
product's own doors (HTML forms, Socket.IO events) in-process or against a live server."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx

from facilitator.rendering.model import plain

CORPUS = Path(__file__).resolve().parent / "data" / "xss_payloads.txt"
#: long strings (each field keeps what its limit allows: see LIMITS)
LONG = ["<b>" * 400 + "long", "A" * 499 + "<script>", "é<i>" * 1500]

#: the text fields of every kind of object that the corpus goes through (and how).
#: every kind of object with free text lists its fields here and pushes the corpus through
#: them (tests/test_xss_productions.py, tests/test_feuille_de_route.py).
#: feuille de route: step_action propose / edit
FEUILLE_FIELDS = (
    "intitule",
    "moyens",
    "indicateurs_effectivite",
    "indicateurs_resultat",
    "charte_ref",
)
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "cycle": ("title", "theme", "territoire"),  # animateur form
    "atelier": ("title", "lieu"),  # animateur form
    "structure": ("name", "territoire"),  # animateur form; name also by the join form
    "participant": ("display_name",),  # join form
    "card": ("text", "cluster"),  # card_add, card_edit
    "question": ("text",),  # questions form (cycle page)
    "proposal": ("text", "enjeu"),  # questions_essentielles: step_action propose
    "actor": ("name", "territoire"),  # cartographie: step_action actor_add
    "actor_action": ("text",),  # cartographie: step_action action_add
    "relation": ("comment",),  # cartographie: step_action relation_add
    "charte_clause": ("text",),  # charte: step_action clause_add (tests/test_xss_productions.py)
    "amendment": ("text", "reason", "decision_reason"),  # amendment_propose, amendment_decide
    "feuille_de_route_action": FEUILLE_FIELDS,  # tests/test_feuille_de_route.py
}
#: longest text each field keeps (the service refuses or cuts beyond)
LIMITS = {
    "cycle.title": 200,
    "cycle.territoire": 200,
    "atelier.title": 200,
    "atelier.lieu": 200,
    "structure.name": 160,
    "structure.territoire": 160,
    "participant.display_name": 80,
    "card.text": 500,
    "card.cluster": 120,
    "question.text": 300,
}


def payloads() -> list[str]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("##"):
            continue
        out.append(line.replace("\\n", "\n").replace("\\t", "\t"))
    return out + LONG


def fit(text: str, key: str) -> str:
    """What the field keeps of ``text`` (trimmed, within its limit)."""
    limit = LIMITS.get(key)
    return text.strip()[:limit].strip() if limit else text.strip()


def flat(text: str) -> str:
    """Whitespace collapsed: how a name is stored, how HTML shows any text."""
    return " ".join(text.split())


# --- HTML ------------------------------------------------------------------------------------

#: elements no page or document of ours contains: if one appears, it came from user text
FORBIDDEN_TAGS = {"iframe", "object", "embed", "math", "mglyph", "mtext", "base", "frame"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}


class Page(HTMLParser):
    """Elements, attributes and text of an HTML page, as an HTML parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.svg_depth = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # an SVG's <title> is its accessible name, not the page's
        self.elements.append(
            (f"svg:{tag}" if self.svg_depth and tag != "svg" else tag, dict(attrs))
        )
        self.svg_depth += tag == "svg"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.svg_depth -= tag == "svg"

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return flat(" ".join(self.chunks))

    def values(self) -> list[str]:
        return [v for _, attrs in self.elements for v in attrs.values() if v is not None]

    def problems(self, *, allowed: Iterable[str] = ()) -> list[str]:
        """Injected structure: event handlers, scripts not served by us, foreign elements,
        javascript:/data: URLs, a second body or title."""
        allowed = set(allowed)
        found = []
        for tag, attrs in self.elements:
            if tag in FORBIDDEN_TAGS - allowed or (tag in ("svg", "style") and tag not in allowed):
                found.append(f"<{tag}>")
            if tag in ("script", "svg:script") and not (attrs.get("src") or "").startswith(
                "/static/"
            ):
                found.append(f"<script {attrs}>")
            for name, value in attrs.items():
                if name.startswith("on"):
                    found.append(f"<{tag} {name}=…>")
                lowered = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower()
                empty_icon = tag == "link" and value == "data:,"  # base.html: no favicon
                if (
                    name in URL_ATTRIBUTES
                    and not empty_icon
                    and lowered.startswith(("javascript:", "data:", "//"))
                ):
                    found.append(f"<{tag} {name}={value!r}>")
        for tag in ("body", "title", "head"):
            if sum(t == tag for t, _ in self.elements) > 1:
                found.append(f"two <{tag}>")
        return found


def check_page(
    html: str, shows: Iterable[str] = (), *, allowed: Iterable[str] = (), where: str = ""
) -> Page:
    """No injected structure; each text of ``shows`` is in the page's text, as typed."""
    page = Page(html)
    assert page.problems(allowed=allowed) == [], (where, page.problems(allowed=allowed))
    text = page.text
    missing = [s for s in shows if flat(s) and flat(s) not in text]
    assert missing == [], (where, missing)
    return page


# --- documents --------------------------------------------------------------------------------


def cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return [cell for row in rows for cell in row]


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("word/document.xml").decode()
    for element in ("w:fldChar", "w:instrText", "w:fldSimple", "w:hyperlink", "w:object"):
        assert f"<{element}" not in xml, element
    return flat(" ".join(parts))


def docx_relevant(text: str) -> bool:
    """Field codes and formulas: the texts that could mean something to Word."""
    return "{" in text or text.lstrip().startswith(("=", "+", "-", "@"))


def contains_all(text: str, expected: list[str], what: str) -> None:
    missing = [e for e in expected if flat(plain(e)) not in text]
    assert missing == [], (what, missing[:3])


# --- one world, through the product's doors ---------------------------------------------------


@dataclass
class Web:
    """``get``/``post`` returning (status, html, final path), redirects followed; ``pages``
    keeps every HTML page seen, to be scanned. ``csrf`` gives the form token (None when
    CSRF is off)."""

    get_: Callable[[str], tuple[int, str, str]]
    post_: Callable[[str, dict[str, str]], tuple[int, str, str]]
    csrf: Callable[[], str | None] = lambda: None
    pages: list[tuple[str, str]] = field(default_factory=list)

    def get(self, path: str) -> tuple[int, str, str]:
        status, html, final = self.get_(path)
        self.pages.append((path, html))
        return status, html, final

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        token = self.csrf()
        status, html, final = self.post_(path, {**data, **({"csrf_token": token} if token else {})})
        self.pages.append((f"POST {path}", html))
        return status, html, final


def flask_web(app: Any, *, follow: bool = True) -> Web:
    """``follow=False``: a POST answers with the redirect's target as its path."""
    client = app.test_client()

    def answer(response: Any) -> tuple[int, str, str]:
        location = response.headers.get("Location")
        path = location if location and not follow else response.request.path
        return response.status_code, response.get_data(as_text=True), path

    return Web(
        lambda path: answer(client.get(path, follow_redirects=True)),
        lambda path, data: answer(client.post(path, data=data, follow_redirects=follow)),
    )


def socket_token(html: str) -> str:
    match = re.search(r'data-socket-token="([^"]+)"', html)
    assert match, "no socket token in the page"
    return match.group(1)


def join_link(console_html: str) -> str:
    match = re.search(r"(/rejoindre/[A-Za-z0-9_-]{20,})", console_html)
    assert match, "no participant link in the console"
    return match.group(1)


def read_link(console_html: str) -> str:
    match = re.search(r"(/lecture/[A-Za-z0-9_-]{20,})", console_html)
    assert match, "no read-only link in the console"
    return match.group(1)
