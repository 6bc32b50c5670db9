"""Documents without a database, escaping: hostile text renders literally in Markdown
(CommonMark), is escaped everywhere in HTML (whose style holds under a strict CSP), and
control characters are removed."""

from __future__ import annotations

import pytest

from facilitator.documents import compte_rendu, repertoire
from facilitator.rendering import html as html_renderer
from facilitator.rendering import markdown as md_renderer
from facilitator.rendering.model import Document, Section, plain, table
from tests.document_contexts import atelier_context, cycle_context

MARKUP = [
    "<script>alert('x')</script>",
    "**gras** _italique_ `code` ~~barré~~",
    "[lien](javascript:alert(1)) ![image](http://exemple.fr/x.png) <http://exemple.fr>",
    "# titre\n- liste\n+ plus\n1. un\n2) deux\n> citation\n    code indenté\n---\n===",
    "| a | b |\n|---|---|",
    "&amp; &lt;b&gt; \\* \\",
    '{ HYPERLINK "http://exemple.fr" } { DDEAUTO c:\\\\windows\\\\cmd.exe "/k calc" }',
]


@pytest.mark.parametrize("text", MARKUP)
def test_markdown_text_renders_literally_under_commonmark(text: str) -> None:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    doc = Document(
        kind="test",
        title=text,
        subtitle=text,
        facts=(("Champ", text),),
        sections=(
            Section(
                text,
                (
                    compte_rendu.para(text),
                    compte_rendu.bullets([text]),
                    table("t", text, [text, "b"], [(text, "x")]),
                ),
            ),
        ),  # fmt: skip
        filename="test",
    )
    rendered = parser.render(md_renderer.render(doc).decode())
    for tag in ("<script", "<a ", "<img", "<code", "<del", "<ol", "<blockquote", "<hr",
                "<pre", "<h3", "<em>italique", "<strong>gras"):  # fmt: skip
        assert tag not in rendered, (tag, rendered)
    assert rendered.count("<table>") == 1
    # every line of the text is there, as text
    import html as html_module

    plain_text = html_module.unescape(rendered)
    for line in text.split("\n"):
        assert line.strip() in plain_text, line


def test_html_escapes_everything() -> None:
    doc = compte_rendu.compose(atelier_context())
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    doc = Document(
        kind=doc.kind, title=evil, subtitle=evil, facts=((evil, evil),),
        sections=(Section(evil, (compte_rendu.para(evil),
                                 table("t", evil, [evil], [(evil,)]))),),
        filename="x", colophon=evil,
    )  # fmt: skip
    out = html_renderer.render(doc).decode()
    assert "<script" not in out and "<img" not in out
    # every place, and the aria-label of each table's scroll region
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 13


def test_html_style_hash_matches_the_page() -> None:
    out = html_renderer.render(repertoire.compose(cycle_context()))
    assert html_renderer.style_hash(out).startswith("'sha256-")
    assert 'style="' not in out.decode()  # no style attribute: a strict CSP holds


def test_plain_removes_control_characters_keeps_newlines() -> None:
    assert plain(" a\x00b\x1bc\r\nd\te\x7f ") == "abc\nd\te"
