"""Hostile text (tests/data/xss_payloads.txt) through every text field, by the product's
own doors — the animateur's and the join HTML forms, Socket.IO ``card_add``/``card_edit``,
the questions form — then read back: every server-rendered page (parsed: no injected
element or attribute, the text shown as typed), every socket answer, every document format
(Markdown rendered by a CommonMark parser, HTML, DOCX read back, CSV; ODT through one
LibreOffice conversion). The browser side is tests/test_browser_xss.py."""

from __future__ import annotations

import html as html_module
import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from facilitator import create_app
from facilitator.core import (
    accounts,
    deroules,  # the scripts a new atelier may start from
)
from facilitator.documents import compile_document, kinds
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Participant, Structure
from facilitator.realtime.presence import RateLimiter
from facilitator.realtime.state import state
from facilitator.rendering.model import plain
from facilitator.scripts import list_scripts
from tests.conftest import Sock, _config
from tests.test_documents_formats import need_soffice
from tests.xss import (
    TEXT_FIELDS,
    Page,
    Web,
    cells,
    check_page,
    contains_all,
    docx_relevant,
    docx_text,
    fit,
    flask_web,
    flat,
    join_link,
    payloads,
    read_link,
    socket_token,
)

TEXTS = payloads()
N = len(TEXTS)
SCRIPT_ID = "lancement-interconnaissance"


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory: pytest.TempPathFactory, migrated_db: Path) -> Iterator[Flask]:
    """One app and database for the module: the world is built once."""
    folder = tmp_path_factory.mktemp("xss")
    shutil.copy(migrated_db, folder / "test.db")
    app = create_app(_config(folder))
    scripts = list_scripts(app.config["SCRIPTS_DIR"])
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        # the cycle page and the atelier form parse every workshop script (pure-Python
        # YAML): read them once here, the world posts that form once per text
        patch.setattr(deroules, "list_scripts", lambda _folder: scripts)
        yield app
        db.session.remove()
        db.engine.dispose()


def card_text(i: int) -> str:
    return fit(TEXTS[i % N], "card.text")


def cluster(i: int) -> str:
    return fit(TEXTS[(i + 2) % N], "card.cluster")


@pytest.fixture(scope="module")
def world(xss_app: Flask) -> Iterator[dict[str, Any]]:
    """One cycle per text (title, theme, territoire, a structure, an atelier with its title
    and lieu); in the first atelier, one participant per text (display name, a new
    structure through the join form), two cards each (one added, one edited to the next
    text), a cluster label per card set by the animateur; a question per text."""
    app = xss_app
    current = state()
    current.per_connection = RateLimiter(rate=1e9, burst=1e9)
    current.per_participant = RateLimiter(rate=1e9, burst=1e9)
    accounts.create_animateur("xss@exemple.fr", "Animatrice", "mot-de-passe-solide")
    web = flask_web(app, follow=False)
    login = {"email": "xss@exemple.fr", "password": "mot-de-passe-solide"}
    assert web.post("/connexion", login)[0] == 302
    cycles, ateliers = [], []
    for text in TEXTS:
        status, _, path = web.post(
            "/animateur/cycles",
            {
                "title": fit(text, "cycle.title"),
                "theme": text,
                "territoire": fit(text, "cycle.territoire"),
            },
        )
        assert status == 302, path
        cycle_id = int(path.rstrip("/").rsplit("/", 1)[1])
        cycles.append(cycle_id)
        form = {
            "name": fit(text, "structure.name"),
            "type": "association",
            "territoire": fit(text, "structure.territoire"),
        }
        assert web.post(f"/animateur/cycles/{cycle_id}/structures", form)[0] == 302
        form = {
            "script_id": SCRIPT_ID,
            "title": fit(text, "atelier.title"),
            "lieu": fit(text, "atelier.lieu"),
            "mode": "presentiel",
        }
        assert web.post(f"/animateur/cycles/{cycle_id}/ateliers", form)[0] == 302
        ateliers.append(
            db.session.scalars(select(Atelier.id).where(Atelier.cycle_id == cycle_id)).one()
        )
        question = {"text": fit(text, "question.text")}
        assert web.post(f"/animateur/cycles/{cycle_id}/questions", question)[0] == 302
    main = ateliers[0]
    _, console, _ = web.get(f"/animateur/ateliers/{main}")
    anim = Sock(app, socket_token(console))
    assert anim.call("atelier_start", {})["ok"]
    step = anim.received()[0]["args"][0]["snapshot"]["steps"][0]
    link = join_link(console)
    people, cards = [], []
    for i, text in enumerate(TEXTS):
        person = flask_web(app)
        person.get(link)
        form = {
            "display_name": fit(text, "participant.display_name"),
            "new_structure": flat(text)[:140] + " (rejoint)",
            "new_structure_type": "association",
        }
        status, board, path = person.post(link, form)
        assert status == 200 and path.startswith("/atelier/"), (status, text)
        sock = Sock(app, socket_token(board))
        column = step["columns"][0]["id"]
        added = sock.call(
            "card_add",
            {
                "step_id": step["id"],
                "client_id": f"xss-{i:04d}-a",
                "text": card_text(i),
                "column": column,
                "confirm_personal": True,
            },
        )
        draft = sock.call(
            "card_add",
            {
                "step_id": step["id"],
                "client_id": f"xss-{i:04d}-b",
                "text": f"brouillon {i}",
                "column": column,
            },
        )
        edited = sock.call(
            "card_edit",
            {
                "card_id": draft["card"]["id"],
                "version": 1,
                "text": card_text(i + 1),
                "confirm_personal": True,
            },
        )
        clustered = anim.call(
            "card_edit",
            {"card_id": added["card"]["id"], "version": 1, "cluster": cluster(i)},
        )
        for ack in (added, draft, edited, clustered):
            assert ack["ok"], (text, ack)
        people.append((person, sock, board))
        cards += [added["card"], edited["card"], clustered["card"]]
    yield {
        "web": web,
        "cycles": cycles,
        "ateliers": ateliers,
        "main": main,
        "console": console,
        "link": link,
        "read": read_link(console),
        "people": people,
        "acks": cards,
        "anim": anim,
    }


def test_every_kind_lists_its_text_fields() -> None:
    for kind, fields in TEXT_FIELDS.items():
        assert fields, kind


def test_stored_as_typed_and_answered_as_typed(world: dict[str, Any]) -> None:
    names = {p.display_name for p in db.session.query(Participant)}
    assert {flat(fit(t, "participant.display_name")) for t in TEXTS} <= names
    structures = {s.name for s in db.session.query(Structure)}
    assert {flat(fit(t, "structure.name")) for t in TEXTS} <= structures
    stored = {c.client_id: c for c in db.session.query(Contribution)}
    for i in range(N):
        assert stored[f"xss-{i:04d}-a"].text == card_text(i)
        assert stored[f"xss-{i:04d}-a"].cluster == cluster(i)
        assert stored[f"xss-{i:04d}-b"].text == card_text(i + 1)
    # every socket answer and every live event carries the text as stored, untouched
    texts = {card_text(i) for i in range(N)}
    assert texts <= {card["text"] for card in world["acks"]}
    for _, sock, _ in world["people"][:3]:
        sync = sock.call("sync", {"last_seq": 0})
        assert texts <= {c["text"] for c in sync["snapshot"]["cards"]}


def test_every_page_escapes_every_text(world: dict[str, Any]) -> None:
    web: Web = world["web"]
    main, cycle0 = world["main"], world["cycles"][0]
    web.get("/")
    _, dashboard, _ = web.get("/animateur/")
    check_page(dashboard, [fit(t, "cycle.title") for t in TEXTS])
    for i, text in enumerate(TEXTS):
        cycle, atelier = world["cycles"][i], world["ateliers"][i]
        _, page, _ = web.get(f"/animateur/cycles/{cycle}")
        check_page(
            page,
            [
                fit(text, "cycle.title"),
                text,
                fit(text, "atelier.title"),
                fit(text, "structure.name"),
            ],
        )
        for path in (f"/animateur/ateliers/{atelier}", f"/animateur/ateliers/{atelier}/projection"):
            check_page(web.get(path)[1], [fit(text, "atelier.title")])
    for path in (
        f"/animateur/cycles/{cycle0}/tableau-de-bord",
        f"/animateur/cycles/{cycle0}/questions",
        f"/animateur/ateliers/{main}/presences",
        world["link"],
        world["read"],
    ):
        status, page, _ = web.get(path)
        assert status == 200, path
        shows = [fit(TEXTS[0], "atelier.title")] if "cycles" not in path else []
        shows += [fit(TEXTS[0], "question.text")] if path.endswith("questions") else []
        # the cycle's dashboard draws its charts in inline SVG
        check_page(page, shows, allowed={"svg"} if "tableau" in path else (), where=path)
    for person, _, _board in world["people"]:
        person.get(world["link"])  # "continue as …": the name in a sentence and a button
    # every page seen while building the world (flash messages included) and since
    pages = [p for w in [web] + [p[0] for p in world["people"]] for p in w.pages]
    assert len(pages) > 6 * N
    for path, page in pages:
        if page.lstrip().startswith("<!"):
            allowed = {"svg"} if "tableau-de-bord" in path else set()
            assert Page(page).problems(allowed=allowed) == [], path
    names = [fit(t, "participant.display_name") for t in TEXTS]
    check_page(web.get(f"/animateur/ateliers/{main}/presences")[1], names)
    for (_, _, board), name in zip(world["people"], names, strict=True):
        check_page(board, [name])


def _value(page: Page, tag: str, name: str) -> str | None:
    for element, attrs in page.elements:
        if element == tag and attrs.get("name") == name:
            return attrs.get("value")
    return None


def test_forms_given_back_keep_the_text_in_their_fields(world: dict[str, Any], xss_app: Flask):
    """A refused form comes back with what was typed, inside value="…" or a textarea."""
    app = xss_app
    accounts.create_animateur("vide@exemple.fr", "Sans cycle", "mot-de-passe-solide")
    web = flask_web(app, follow=False)  # an animateur without cycles: a short dashboard
    assert (
        web.post("/connexion", {"email": "vide@exemple.fr", "password": "mot-de-passe-solide"})[0]
        == 302
    )
    stranger = flask_web(app)
    for text in TEXTS:
        status, page, _ = stranger.post(world["link"], {"display_name": text})  # no structure
        assert status == 400 and _value(check_page(page), "input", "display_name") == text
        status, page, _ = stranger.post("/rejoindre", {"code": text})
        assert _value(check_page(page), "input", "code") == text, status
        status, page, _ = web.post(
            "/animateur/cycles", {"title": "", "theme": text, "territoire": text}
        )
        assert status == 400
        parsed = check_page(page, [text])
        assert _value(parsed, "input", "territoire") == text
    status, page, _ = flask_web(app).post("/connexion", {"email": TEXTS[1], "password": "x"})
    assert status == 401 and _value(check_page(page), "input", "email") == TEXTS[1].strip().lower()


# --- documents --------------------------------------------------------------------------------


def test_every_document_format_prints_every_text_literally(world: dict[str, Any]) -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    main, cycle0 = world["main"], world["cycles"][0]
    card_texts = [card_text(i) for i in range(N)]
    expected = {
        ("compte-rendu", main): card_texts
        + [cluster(i) for i in range(N)]
        + [fit(t, "participant.display_name") for t in TEXTS]
        + [fit(TEXTS[0], "atelier.title"), fit(TEXTS[0], "atelier.lieu")],
        ("synthese", cycle0): [fit(TEXTS[0], "cycle.title"), TEXTS[0]],
        ("repertoire", cycle0): [fit(TEXTS[0], "structure.name")]
        + [flat(t)[:140] + " (rejoint)" for t in TEXTS],
    }
    for i, cycle in enumerate(world["cycles"][1:], start=1):
        expected[("synthese", cycle)] = [fit(TEXTS[i], "cycle.title"), TEXTS[i]]
        expected[("repertoire", cycle)] = [fit(TEXTS[i], "structure.name")]
    for (kind, scope), texts in expected.items():
        # Markdown and CSV, where a text's first characters matter, for every text in every
        # field; HTML and DOCX (one escaping for all) for the documents holding every text
        # and for the texts that could mean something to Word
        if kind == "compte-rendu" or scope == cycle0 or docx_relevant(texts[0]):
            page = compile_document(kind, scope, "html").content.decode()
            parsed = check_page(page, allowed={"style", "svg"}, where=f"{kind} {scope} html")
            contains_all(parsed.text, texts, f"{kind} {scope} html")
            printed = docx_text(compile_document(kind, scope, "docx").content)
            contains_all(printed, texts, f"{kind} {scope} docx")
        rendered = md.render(compile_document(kind, scope, "md").content.decode())
        parsed = check_page(rendered, where=f"{kind} {scope} md")
        assert not any(tag in ("a", "img") for tag, _ in parsed.elements), kind
        contains_all(parsed.text, texts, f"{kind} {scope} md")
        if kinds.get(kind).csv is not None:
            row_cells = cells(compile_document(kind, scope, "csv").content)
            assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row_cells)
            # the apostrophe put before a formula is not part of the text
            neutral = ("'=", "'+", "'-", "'@", "'\t", "'\r")
            joined = flat(" ".join(c[1:] if c.startswith(neutral) else c for c in row_cells))
            if kind == "repertoire":
                contains_all(joined, texts, f"{kind} {scope} csv")


def test_odt_through_libreoffice_prints_every_text_literally(world: dict[str, Any]) -> None:
    need_soffice()
    odt = compile_document("compte-rendu", world["main"], "odt").content
    with zipfile.ZipFile(io.BytesIO(odt)) as package:
        content = package.read("content.xml").decode()
    for element in (
        "<text:a ",
        "<text:execute-macro",
        "<draw:object",
        "<office:script ",  # (the empty <office:scripts/> is always there)
        "<script:",
        "<text:hidden",
    ):
        assert element not in content, element
    # text split by <text:s/>, <text:line-break/>, spans: compared without any whitespace
    text = re.sub(r"\s+", "", html_module.unescape(re.sub(r"<[^>]+>", "", content)))
    missing = [i for i in range(N) if re.sub(r"\s+", "", plain(card_text(i))) not in text]
    assert missing == [], [TEXTS[i] for i in missing]
