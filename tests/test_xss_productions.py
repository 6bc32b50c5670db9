"""Hostile text (tests/data/xss_payloads.txt) through the productions' text fields: the
cartographie's actors (name, territoire), their actions and the relations' comments, added
live with ``step_action``; read back on the pages, in the map's exports (SVG, CSV) and in
the documents. (Questions essentielles go through the questions form in tests/test_xss.py.)"""

from __future__ import annotations

from typing import Any

from flask import Flask
from markdown_it import MarkdownIt
from sqlalchemy import select

from facilitator.core import accounts
from facilitator.documents import compile_document
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.realtime.presence import RateLimiter
from facilitator.realtime.state import state
from tests.conftest import Sock
from tests.xss import (
    cells,
    check_page,
    contains_all,
    docx_text,
    fit,
    flask_web,
    flat,
    payloads,
    socket_token,
)

TEXTS = payloads()


def live_atelier_of(app: Flask, script_id: str) -> tuple[Any, int, int, Sock, dict[str, Any]]:
    """Logged-in animateur (web), a cycle titled with the first text, a started atelier of
    ``script_id``, the animateur's socket and the first snapshot."""
    state().per_connection = RateLimiter(rate=1e9, burst=1e9)
    accounts.create_animateur("prod@exemple.fr", "Animatrice", "mot-de-passe-solide")
    web = flask_web(app, follow=False)
    login = {"email": "prod@exemple.fr", "password": "mot-de-passe-solide"}
    assert web.post("/connexion", login)[0] == 302
    cycle = {"title": fit(TEXTS[0], "cycle.title"), "theme": TEXTS[1], "territoire": TEXTS[2]}
    status, _, path = web.post("/animateur/cycles", cycle)
    assert status == 302
    cycle_id = int(path.rstrip("/").rsplit("/", 1)[1])
    form = {"script_id": script_id, "title": "Atelier", "mode": "presentiel"}
    assert web.post(f"/animateur/cycles/{cycle_id}/ateliers", form)[0] == 302
    atelier = db.session.scalars(select(Atelier.id).where(Atelier.cycle_id == cycle_id)).one()
    _, console, _ = web.get(f"/animateur/ateliers/{atelier}")
    anim = Sock(app, socket_token(console))
    assert anim.call("atelier_start", {})["ok"]
    snapshot = next(m for m in anim.received() if m["name"] == "sync")["args"][0]["snapshot"]
    return web, cycle_id, atelier, anim, snapshot


def documents_show(kind: str, scope: int, texts: list[str]) -> None:
    """HTML, Markdown (rendered) and DOCX of a document: no injected structure, every text."""
    page = compile_document(kind, scope, "html").content.decode()
    html_text = check_page(page, allowed={"style", "svg"}, where=f"{kind} html").text
    md = compile_document(kind, scope, "md").content.decode()
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    md_text = check_page(rendered, where=f"{kind} md").text
    printed = docx_text(compile_document(kind, scope, "docx").content)
    for what, text in (("html", html_text), ("md", md_text), ("docx", printed)):
        contains_all(text, texts, f"{kind} {what}")


def test_question_proposals_are_literal_on_pages_and_documents(app: Flask) -> None:
    """Questions essentielles proposed live (``propose``), one per text, then validated."""
    web, cycle_id, atelier, anim, snapshot = live_atelier_of(app, "exploration-prospective")
    step = next(s["id"] for s in snapshot["steps"] if s["type"] == "questions_essentielles")
    assert anim.call("step_goto", {"step_id": step})["ok"]

    def act(action: str, data: dict[str, Any]) -> dict[str, Any]:
        ack = anim.call("step_action", {"step_id": step, "action": action, "data": data})
        assert ack["ok"], (action, data, ack)
        return ack

    texts = [flat(t)[:300] for t in TEXTS]
    ids = []
    for i, text in enumerate(texts):
        proposal = {"client_id": f"question-{i:04d}", "text": text, "enjeu": text[:400]}
        ids.append(act("propose", proposal)["proposal"]["id"])
    act("phase", {"phase": "validation"})
    for proposal in ids[:5]:
        act("validate", {"proposal_id": proposal})
    for path in (f"/animateur/ateliers/{atelier}", f"/animateur/cycles/{cycle_id}/questions"):
        status, page, _ = web.get(path)
        assert status == 200, path
        check_page(page, texts[:5] if "questions" in path else (), where=path)
    documents_show("compte-rendu", atelier, texts)
    documents_show("synthese", cycle_id, texts[:5])


def test_cartographie_texts_are_literal_on_pages_exports_and_documents(app: Flask) -> None:
    """Actors (name, territoire), their actions and relation comments, added live by the
    animateur (``step_action``) on a cartographie atelier."""
    web, cycle0, atelier, anim, snapshot = live_atelier_of(app, "cartographie-acteurs")
    step = snapshot["steps"][0]["id"]
    names, previous = [], None

    def act(action: str, data: dict[str, Any]) -> dict[str, Any]:
        ack = anim.call("step_action", {"step_id": step, "action": action, "data": data})
        assert ack["ok"], (action, data, ack)
        return ack

    for i, text in enumerate(TEXTS):
        name = flat(text)[:150] + f" {i}"  # names must differ once reduced to letters
        names.append(name)
        data = {"client_id": f"actor-{i:04d}", "name": name, "territoire": text[:1000]}
        actor = act("actor_add", {**data, "confirm_duplicate": True})["actor"]["id"]
        action = {"actor_id": actor, "client_id": f"action-{i:04d}", "text": flat(text)[:300]}
        act("action_add", {**action, "confirm_personal": True})
        if previous is not None:
            relation = {"client_id": f"rel-{i:04d}", "source_id": previous, "target_id": actor}
            act("relation_add", {**relation, "comment": flat(text)[:300], "confirm_personal": True})
        previous = actor
    texts = [flat(t)[:300] for t in TEXTS]  # actions, relation comments
    for path in (f"/animateur/cycles/{cycle0}/cartographie", f"/animateur/ateliers/{atelier}"):
        status, page, _ = web.get(path)
        assert status == 200, path
        check_page(page, allowed={"svg"}, where=path)
    status, svg, _ = web.get(f"/animateur/cycles/{cycle0}/cartographie/carte.svg")
    assert status == 200
    # (labels are cut on the map: the names are checked in the CSV and the documents)
    parsed = check_page(svg, [fit(TEXTS[0], "cycle.title")], allowed={"svg"}, where="svg")
    assert not any("foreignobject" in tag for tag, _ in parsed.elements)
    for file, expected in (("acteurs.csv", names), ("relations.csv", texts[1:])):
        status, body, _ = web.get(f"/animateur/cycles/{cycle0}/cartographie/{file}")
        assert status == 200, file
        row_cells = cells(body.encode())
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row_cells), file
        neutral = ("'=", "'+", "'-", "'@")
        contains_all(
            flat(" ".join(c[1:] if c.startswith(neutral) else c for c in row_cells)), expected, file
        )
    documents_show("compte-rendu", atelier, names + texts)
    documents_show("synthese", cycle0, names)


def test_charte_texts_are_literal_in_answers_and_documents(app: Flask) -> None:
    """Clauses (the animateur's drafting), amendments (new wording, reason) and rejection
    reasons: stored and answered as typed, and literal in the charte document."""
    _web, cycle_id, _atelier, anim, snapshot = live_atelier_of(app, "charte-du-projet")
    step = next(s["id"] for s in snapshot["steps"] if s["type"] == "charte")

    def act(action: str, **data: Any) -> dict[str, Any]:
        ack = anim.call("step_action", {"step_id": step, "action": action, "data": data})
        assert ack["ok"], (action, data, ack)
        return ack

    assert anim.call("step_goto", {"step_id": step})["ok"]
    act("phase", phase="redaction")
    act("version_start", empty=True)
    texts = [flat(t)[:300] for t in TEXTS]
    clauses = [
        act(
            "clause_add",
            client_id=f"clause-{i:04d}",
            section="valeurs",
            text=text,
            confirm_personal=True,
        )["clause"]
        for i, text in enumerate(texts)
    ]
    assert [c["text"] for c in clauses] == texts
    act("phase", phase="amendements")
    for i, (clause, text) in enumerate(zip(clauses, texts, strict=True)):
        amendment = act(
            "amendment_propose",
            client_id=f"amendment-{i:04d}",
            kind="modification",
            clause_id=clause["id"],
            text=text + " (amendé)",
            reason=text,
            confirm_personal=True,
        )["amendment"]
        assert (amendment["text"], amendment["reason"]) == (text + " (amendé)", text)
        if i % 2:
            rejected = act(
                "amendment_decide",
                amendment_id=amendment["id"],
                decision="rejeter",
                reason=text[:200],
            )["amendment"]
            assert rejected["decision_reason"] == " ".join(text[:200].split())
    documents_show("charte", cycle_id, texts)
