"""The « Guide de l'animateur » (docs/guide-animateur.md), served as a page: linked from the
console's help link. Its screenshots (docs/guide/*.png) are written by the browser tests
(tests/test_browser_guide.py), so they show what the app shows."""

from __future__ import annotations

from functools import cache

import nh3
from flask import Blueprint, Response, abort, render_template, send_from_directory
from markdown_it import MarkdownIt

from facilitator.config import ROOT

bp = Blueprint("guide", __name__)

DOCS = ROOT / "docs"
GUIDE = DOCS / "guide-animateur.md"
IMAGES = DOCS / "guide"


@cache
def _html(mtime: float) -> str:
    """The guide as HTML (sanitised: the file is ours, the rule is the same everywhere)."""
    del mtime  # the cache key: a changed file is read again
    text = GUIDE.read_text(encoding="utf-8")
    html = MarkdownIt("commonmark", {"typographer": False}).enable("table").render(text)
    # the Markdown's links to the images, relative to docs/, resolve under this page's URL
    return nh3.clean(html, link_rel="noopener")


@bp.get("/aide/guide-animateur")
def guide() -> str:
    if not GUIDE.exists():
        abort(404)
    return render_template("guide.html", html=_html(GUIDE.stat().st_mtime))


@bp.get("/aide/guide/<name>.png")
def image(name: str) -> Response:
    if not name.replace("-", "").isalnum():
        abort(404)
    return send_from_directory(IMAGES, f"{name}.png", max_age=3600)
