"""The demo cycle of ``make run`` (facilitator/demo/): the model cycle « Prévenir le
décrochage scolaire », six ateliers held, the seventh ready to run live."""

from __future__ import annotations

import html
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from facilitator.activities.cartographie.models import Actor, Relation
from facilitator.activities.charte.models import CharteAmendment, CharteVersion
from facilitator.documents import storage
from facilitator.extensions import db
from facilitator.models import Atelier, Attendance, Contribution, Cycle, Event, Participant
from facilitator.models.questions import QuestionEssentielle
from facilitator.seed import DEMO_TITLE, demo_atelier, seed_demo
from tests import browser_helpers
from tests.browser_helpers import (
    CODE_OF_EDUCATION,
    axe_violations,
    horizontal_overflow,
    join_by_code,
    login,
)
from tests.live import LiveServer

browser = browser_helpers.browser  # module-scoped Chromium


@pytest.fixture
def demo(app: Flask) -> dict[str, Any]:
    return seed_demo()


def _ateliers(cycle_id: int) -> list[Atelier]:
    return list(
        db.session.scalars(
            select(Atelier).where(Atelier.cycle_id == cycle_id).order_by(Atelier.position)
        )
    )


def _count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count(model.id)).where(*where)) or 0


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(page))


def test_the_demo_cycle_tells_the_whole_story(demo: dict[str, Any]) -> None:
    assert demo["created"] is True
    cycle = db.session.get(Cycle, demo["cycle_id"])
    assert cycle is not None and cycle.title == DEMO_TITLE
    ateliers = _ateliers(cycle.id)
    # the ten ateliers of the template impact-collectif
    assert [a.script_id for a in ateliers] == [
        "lancement-interconnaissance",
        "exploration-prospective",
        "cartographie-acteurs",
        "cooperation-inter-acteurs",
        "charte-du-projet",
        "consolidation-charte-evaluation",
        "chaine-de-valeur",
        "ecosysteme-adoption-charte",
        "feuille-de-route",
        "restitution-publique",
    ]
    held, coming = ateliers[:6], ateliers[6:]
    assert all(a.state == "clos" for a in held) and all(a.state == "prepare" for a in coming)
    today = date.today()
    assert all(a.date is not None and a.date < today for a in held)
    assert all(a.date is not None and a.date > today for a in coming)
    assert all(a.closed_at is not None and a.closed_at.date() == a.date for a in held)
    # attendance falls over the cycle
    present = [_count(Attendance, Attendance.atelier_id == a.id) for a in ateliers]
    assert present == [33, 26, 21, 17, 14, 12, 0, 0, 0, 0]
    per_person = Counter(
        db.session.scalars(
            select(Attendance.participant_id).join(Atelier).where(Atelier.cycle_id == cycle.id)
        )
    )
    assert len(per_person) == 35 == _count(Participant, Participant.cycle_id == cycle.id)
    core = sum(1 for n in per_person.values() if n >= 3)
    assert 12 <= core < 35
    # cards in every atelier held, some marked, some regrouped, votes
    for atelier in held:
        assert _count(Contribution, Contribution.atelier_id == atelier.id) > 0
    cards = db.session.scalars(
        select(Contribution).join(Atelier).where(Atelier.cycle_id == cycle.id)
    ).all()
    assert sum(1 for c in cards if (c.data or {}).get("decision")) >= 4
    assert sum(1 for c in cards if (c.data or {}).get("carry_over")) >= 4
    assert sum(1 for c in cards if c.cluster) >= 8
    # productions
    questions = db.session.scalars(
        select(QuestionEssentielle).where(QuestionEssentielle.cycle_id == cycle.id)
    ).all()
    assert len(questions) == 4 and all(q.status == "validee" for q in questions)
    assert _count(Actor, Actor.cycle_id == cycle.id) == 15
    actors = db.session.scalars(select(Actor).where(Actor.cycle_id == cycle.id)).all()
    assert sum(1 for a in actors if a.structure_id is None) == 3
    assert _count(Relation, Relation.cycle_id == cycle.id) == 20
    versions = db.session.scalars(
        select(CharteVersion)
        .where(CharteVersion.cycle_id == cycle.id)
        .order_by(CharteVersion.number)
    ).all()
    assert [(v.number, v.status) for v in versions] == [(1, "remplacee"), (2, "gelee")]
    assert versions[0].atelier_id == held[4].id and versions[1].atelier_id == held[5].id
    assert versions[1].vote_state in ("", None)  # adoption left for atelier 8
    statuses = Counter(
        db.session.scalars(
            select(CharteAmendment.status).where(
                CharteAmendment.version_id.in_([v.id for v in versions])
            )
        )
    )
    assert statuses == {"integree": 3, "rejetee": 1}
    # every event log is gap-free and matches the atelier's seq
    for atelier in ateliers:
        seqs = list(
            db.session.scalars(
                select(Event.seq).where(Event.atelier_id == atelier.id).order_by(Event.seq)
            )
        )
        assert seqs == list(range(1, atelier.seq + 1))
    # the compte rendu of each atelier held is written
    for atelier in held:
        stored = storage.manifest(atelier.id)
        assert stored is not None and stored["formats"] == ["docx", "md", "html"]
    assert storage.manifest(coming[0].id) is None
    # the next atelier is the one run.py prints
    next_one = demo_atelier()
    assert next_one is not None and next_one.id == coming[0].id
    assert next_one.join_code and next_one.link_token


def test_seeding_twice_changes_nothing(demo: dict[str, Any]) -> None:
    def snapshot() -> tuple[int, ...]:
        return (
            _count(Cycle),
            _count(Atelier),
            _count(Participant),
            _count(Contribution),
            _count(Event),
            _count(CharteVersion),
        )

    before = snapshot()
    again = seed_demo()
    assert again["created"] is False
    assert again["cycle_id"] == demo["cycle_id"] and again["password"] == demo["password"]
    assert snapshot() == before


def test_a_failed_seeding_leaves_no_half_built_cycle(app: Flask, monkeypatch: Any) -> None:
    from facilitator.demo import build

    def broken(self: Any, ateliers: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build.Demo, "_between_ateliers", broken)
    with pytest.raises(RuntimeError):
        seed_demo()
    assert _count(Cycle) == 0 and _count(Atelier) == 0
    monkeypatch.undo()
    again = seed_demo()
    assert again["created"] is True and _count(Atelier) == 10


def test_the_dashboard_of_the_demo_cycle(client: Any, demo: dict[str, Any]) -> None:
    r = client.post("/connexion", data={"email": demo["email"], "password": demo["password"]})
    assert r.status_code == 302
    cycle = demo["cycle_id"]
    page = _text(client.get(f"/animateur/cycles/{cycle}/tableau-de-bord"))
    assert "35 personnes ont participé à au moins un atelier" in page
    assert "moyenne de 20,5 présents par atelier tenu" in page
    assert re.search(r"Noyau stable : \d+ personnes", page)
    assert "atelier 1, 33 participants; atelier 2, 26 participants" in page
    assert "atelier 6, 12 participants" in page
    assert "Questions essentielles : 4 validées." in page
    assert "Charte : pas encore adoptée ; dernière version 2 (gelée)." in page
    assert "Propositions en attente de validation : 3" in page
    # the other pages of the cycle show it too
    assert "Dispositif d'évaluation par la chaîne de valeur" in _text(
        client.get(f"/animateur/cycles/{cycle}")
    )
    evaluation = _text(client.get(f"/animateur/cycles/{cycle}/evaluation"))
    assert "Jeunes de 16 à 18 ans sans solution" in evaluation
    assert client.get(f"/animateur/cycles/{cycle}/restitution").status_code == 200
    first = _ateliers(cycle)[0]
    r = client.get(f"/animateur/ateliers/{first.id}/documents/compte-rendu.md")
    assert r.status_code == 200
    report = r.get_data(as_text=True)
    assert "Lancement et interconnaissance" in report and "Repérer plus tôt" in report
    r = client.get(f"/animateur/cycles/{cycle}/documents/synthese.html")
    assert r.status_code == 200 and "Questions essentielles" in r.get_data(as_text=True)


# --- the whole demo in a real server and Chromium -------------------------------------------


@pytest.fixture(scope="module")
def full_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """run.py with the whole demo cycle (the other live tests seed a blank one)."""
    live = LiveServer(tmp_path_factory.mktemp("demo") / "instance", SEED_DEMO_MINIMAL="0")
    yield live.start(timeout=60)
    live.stop()


def _cut_selects(page: Any) -> list[str]:
    """Names of the selects narrower than they would be at their natural width."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main select')].filter((s) => {
            const c = s.cloneNode(true);
            c.style.width = 'auto'; c.style.minWidth = '0'; c.style.maxWidth = 'none';
            c.style.display = 'inline-block'; c.style.position = 'absolute';
            document.body.appendChild(c);
            const need = c.getBoundingClientRect().width;
            c.remove();
            return s.getBoundingClientRect().width + 1 < need;
        }).map((s) => s.name)"""
    )


def _scrolling_tables(page: Any) -> list[str]:
    """The captions of the tables wider than their scroll region."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')]
            .filter((d) => d.scrollWidth > d.clientWidth + 1)
            .map((d) => d.getAttribute('aria-label'))"""
    )


@pytest.mark.browser
def test_the_demo_in_chromium(browser: Any, full_demo: LiveServer) -> None:
    from playwright.sync_api import expect

    cycle = full_demo.demo["cycle_id"]
    base = f"{full_demo.url}/animateur/cycles/{cycle}"
    pages = (
        ("tableau-de-bord", "/tableau-de-bord", "Noyau stable"),
        ("cycle", "", "Dispositif d'évaluation par la chaîne de valeur"),
        ("entre-ateliers", "/entre-ateliers", "Feuille de route"),
        ("questions", "/questions", "Comment repérer ensemble"),
        ("cartographie", "/cartographie", "Clubs sportifs du quartier"),
        ("evaluation", "/evaluation", "Jeunes de 16 à 18 ans sans solution"),
        ("feuille-de-route", "/feuille-de-route", "Cellule de veille partagée"),
        ("restitution-apercu", "/restitution/apercu", "Aperçu — non publiée"),
        ("synthese-html", "/documents/synthese.html", "Synthèse du cycle"),
    )
    # two of the three proposed actions validated: the restitution shows them, not the third
    with sqlite3.connect(full_demo.instance / "facilitator.db") as con:
        con.execute("UPDATE roadmap_action SET status = 'validee' WHERE id IN (1, 2)")
    problems = []
    for width, height in ((1280, 800), (390, 844)):
        laptop = login(browser, full_demo, width, height)
        for name, path, expected in pages:
            laptop.page.goto(base + path)
            expect(laptop.page.locator("main")).to_contain_text(expected)
            found = axe_violations(laptop.page)
            problems += [f"{name} {width}: {v}" for v in found]
            if horizontal_overflow(laptop.page) > 0:
                problems.append(f"{name} {width}: wider than the screen")
            if name == "evaluation":  # no level dropdown narrower than « émergente »
                cut = _cut_selects(laptop.page)
                problems += [f"{name} {width}: select {n} cut off" for n in cut]
            if name == "restitution-apercu":
                shown = laptop.page.locator("#feuille-de-route").inner_text()
                assert "Cellule de veille partagée" in shown and "Accueil des collégiens" in shown
                assert "Relais systématique vers la Mission locale" not in shown
            if name == "restitution-apercu" and width == 1280:
                # on a laptop the feuille de route fits: nothing cut off on the right
                problems += [f"{name} {width}: {c} scrolls" for c in _scrolling_tables(laptop.page)]
            laptop.shot(f"seed-demo-{name}-{width}")
        laptop.close()
    assert problems == [], "\n".join(problems)
    # the atelier run.py prints is the 7th, ready to be run live
    printed = full_demo.log.read_text()
    code = re.search(r"ou code ([A-Z0-9]{6})", printed)
    assert code is not None, printed[-2000:]
    phone = join_by_code(browser, full_demo, code.group(1), "Alice", CODE_OF_EDUCATION)
    expect(phone.page.locator("#state-message")).to_contain_text("pas encore commencé")
    expect(phone.page.locator("h1").first).to_contain_text("chaîne de valeur")
    phone.shot("seed-demo-participant-390")
    phone.close()
