"""Every block of the neutral document model is rendered by every renderer: a verbatim
(``Quote``) reaches Markdown, HTML and Word with its source, escaped, never dropped."""

from __future__ import annotations

import io

import docx

from facilitator.rendering import docx as docx_renderer
from facilitator.rendering import html as html_renderer
from facilitator.rendering import markdown as markdown_renderer
from facilitator.rendering.model import Document, Quote, Section, para

DOC = Document(
    kind="test",
    title="Verbatims",
    subtitle="",
    facts=(),
    sections=(
        Section(
            "Paroles",
            (
                para("Avant la citation."),
                Quote("On a besoin de <se parler> *avant* la rentrée", "Une CPE, collège"),
                Quote("Sans source"),
            ),
        ),
    ),
    filename="verbatims",
)


def test_markdown_prints_the_quote_as_a_blockquote_with_its_source() -> None:
    out = markdown_renderer.render(DOC).decode()
    assert "> *« On a besoin de \\<se parler\\> \\*avant\\* la rentrée »*" in out
    assert "> — Une CPE, collège" in out
    assert "> *« Sans source »*" in out


def test_html_prints_the_quote_escaped_with_its_source() -> None:
    out = html_renderer.render(DOC).decode()
    assert "<blockquote><p>« On a besoin de &lt;se parler&gt; *avant* la rentrée »</p>" in out
    assert "<footer>— Une CPE, collège</footer></blockquote>" in out
    assert "<blockquote><p>« Sans source »</p></blockquote>" in out


def test_word_prints_the_quote_in_the_quote_style() -> None:
    document = docx.Document(io.BytesIO(docx_renderer.render(DOC)))

    # French typography: narrow no-break spaces inside « » (compared as spaces here)
    def spaced(text: str) -> str:
        return text.replace("\u202f", " ").replace("\u00a0", " ")

    quotes = [p for p in document.paragraphs if spaced(p.text).startswith("« ")]
    assert [spaced(p.text) for p in quotes] == [
        "« On a besoin de <se parler> *avant* la rentrée » — Une CPE, collège",
        "« Sans source »",
    ]
    assert all(p.style.name == "Citation" for p in quotes)
    assert quotes[0].runs[0].italic
