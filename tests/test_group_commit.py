"""Group commit of votes (facilitator/core/votes.py, core/group_commit.py):
concurrent votes written in shared transactions, every one stored, each answer given only
once its own vote is committed, a failing member not taking the others down. On SQLite
and, when installed, on PostgreSQL (tests/test_pg_board.py's throwaway server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from facilitator import create_app
from facilitator.core import cards as board
from facilitator.core import events, steering, votes
from facilitator.core.events import Viewer
from facilitator.core.group_commit import GroupCommit
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import Contribution, Event, Step, Vote
from tests.conftest import _config
from tests.test_pg_board import postgres  # noqa: F401  (the module's PostgreSQL server)

# --- GroupCommit alone ------------------------------------------------------------------


def test_each_caller_returns_after_its_own_batch_is_committed() -> None:
    committed: set[int] = set()
    batches: list[list[int]] = []

    def run(slots: list) -> None:
        time.sleep(0.02)  # a slow commit: the others queue up meanwhile
        items = [slot.item for slot in slots]
        committed.update(items)  # "commit"
        batches.append(items)
        for slot in slots:
            slot.value = slot.item * 10

    writer = GroupCommit(run)
    seen_committed: dict[int, bool] = {}

    def submit(i: int) -> None:
        assert writer.submit(i) == i * 10
        seen_committed[i] = i in committed  # the answer comes after the commit

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(i for batch in batches for i in batch) == list(range(40))
    assert all(seen_committed[i] for i in range(40))
    assert len(batches) < 40  # some were grouped
    assert not writer.leading and not writer.pending


def test_a_failing_run_fails_only_its_batch() -> None:
    def run(slots: list) -> None:
        for slot in slots:
            if slot.item == "bad":
                raise RuntimeError("boom")
            slot.value = slot.item

    writer = GroupCommit(run)
    with pytest.raises(RuntimeError):
        writer.submit("bad")
    assert writer.submit("good") == "good"  # the writer is not stuck
    assert not writer.leading


# --- votes on a real database --------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path, migrated_db: Path) -> Iterator[Flask]:
    """Here the app runs on SQLite (copied template) or PostgreSQL (a database from the
    migrated template); conftest's fixtures (make_atelier…) use it."""
    import shutil

    config = _config(tmp_path)
    if request.param == "postgresql":
        pg = request.getfixturevalue("postgres")
        pg["count"][0] += 1
        url = pg["server"].create_database(f"gc{pg['count'][0]}", "template_board")
        config["SQLALCHEMY_DATABASE_URI"] = url
    else:
        shutil.copy(migrated_db, tmp_path / "test.db")
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def voting(
    app: Flask, make_animateur: Any, make_atelier: Any, make_participant: Any
) -> dict[str, Any]:
    """A started atelier on its vote step (budget 3, ≤ 2 per card), 3 cards, 12 people."""
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    anim = Viewer("animateur", atelier.id, animateur_id=animateur.id)
    steering.start(anim)
    step = db.session.scalar(select(Step).filter_by(atelier_id=atelier.id, key="vote"))
    steering.goto_step(anim, step.id)
    steering.set_flags(anim, step.id, {"results_visible": True})
    cards = [
        board.add_card(anim, step.id, f"gc-{i}", f"Enjeu {i}", "a")["card"]["id"] for i in range(3)
    ]
    people = [make_participant(atelier, f"P{i}").id for i in range(12)]
    db.session.commit()
    return {"app": app, "atelier": atelier.id, "step": step.id, "cards": cards, "people": people}


def _stored(app: Flask, pid: int) -> int:
    """This participant's points as another connection sees them: committed only."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT COALESCE(SUM(weight), 0) FROM vote WHERE participant_id = :p"),
                {"p": pid},
            ).scalar_one()
    finally:
        engine.dispose()


def test_concurrent_votes_all_stored_each_answer_after_its_commit(voting: dict[str, Any]) -> None:
    app, cards = voting["app"], voting["cards"]
    writer = votes.vote_writer()
    answers: dict[int, list[dict]] = {}
    committed_when_answered: dict[int, list[int]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(voting["people"]))

    def cast(pid: int) -> None:
        try:
            with app.app_context():
                viewer = Viewer("participant", voting["atelier"], participant_id=pid)
                barrier.wait(10)
                for card in (cards[0], cards[1], cards[pid % 3]):  # 3 points, ≤ 2 per card
                    ack = votes.vote(viewer, card, 1)
                    answers.setdefault(pid, []).append(ack)
                    committed_when_answered.setdefault(pid, []).append(_stored(app, pid))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=cast, args=(pid,)) for pid in voting["people"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    n = len(voting["people"])
    # every vote answered and stored, each one committed when its answer came back
    assert all(len(answers[pid]) == 3 for pid in voting["people"])
    assert all(committed_when_answered[pid] == [1, 2, 3] for pid in voting["people"])
    assert all([a["remaining"] for a in answers[pid]] == [2, 1, 0] for pid in voting["people"])
    db.session.expire_all()
    assert db.session.scalar(select(func.sum(Vote.weight))) == 3 * n
    assert writer.batches < writer.items  # some votes shared a transaction
    # one event per vote, seq without holes, the last tally of each card is the stored one
    seqs = db.session.scalars(
        select(Event.seq).where(Event.atelier_id == voting["atelier"]).order_by(Event.seq)
    ).all()
    assert seqs == list(range(1, len(seqs) + 1))
    changes = db.session.scalars(
        select(Event).where(Event.type == "vote.changed").order_by(Event.seq)
    ).all()
    assert len(changes) == 3 * n
    last = {e.payload["card_id"]: e.payload["total"] for e in changes}
    for card in cards:
        stored = db.session.scalar(
            select(func.sum(Vote.weight)).where(Vote.contribution_id == card)
        )
        assert last[card] == stored
    assert all(ack["seq"] in seqs for acks in answers.values() for ack in acks)


class _Slot:
    def __init__(self, item: Any) -> None:
        self.item, self.value, self.error = item, None, None


def test_a_failing_member_does_not_lose_the_others(
    voting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    atelier, cards = voting["atelier"], voting["cards"]
    p1, p2, p3 = voting["people"][:3]
    original = votes._one_vote

    def flaky(viewer: Viewer, card_id: int, *args: Any) -> dict:
        if viewer.participant_id == p2:
            raise RuntimeError("database hiccup")  # unexpected: not a refusal
        return original(viewer, card_id, *args)

    monkeypatch.setattr(votes, "_one_vote", flaky)
    published: list[int] = []

    def listen(_: int, event: Event) -> None:
        published.append(event.seq)

    slots = [
        _Slot((Viewer("participant", atelier, participant_id=p1), cards[0], 1)),
        _Slot((Viewer("participant", atelier, participant_id=p2), cards[0], 1)),
        _Slot((Viewer("participant", atelier, participant_id=p3), cards[0], 1)),
        _Slot((Viewer("participant", atelier, participant_id=p3), cards[0], -1)),
        _Slot((Viewer("participant", atelier, participant_id=p1), cards[2], -1)),  # refused
    ]
    with events.board_event.connected_to(listen):
        votes._vote_batch(slots)
    assert isinstance(slots[1].error, RuntimeError)
    assert isinstance(slots[4].error, DomainError) and slots[4].error.code == "no_vote_here"
    assert slots[0].value["total"] == 1 and slots[0].value["weight"] == 1
    assert slots[2].value["weight"] == 1 and slots[3].value["weight"] == 0
    db.session.expire_all()
    rows = db.session.execute(select(Vote.participant_id, Vote.weight)).all()
    assert rows == [(p1, 1)]
    seqs = db.session.scalars(
        select(Event.seq).where(Event.atelier_id == atelier).order_by(Event.seq)
    ).all()
    assert seqs == list(range(1, len(seqs) + 1))  # the failed attempt left no hole
    assert published == sorted(published) and len(published) == 3


def test_batch_checks_see_earlier_votes_of_the_batch(voting: dict[str, Any]) -> None:
    atelier, cards = voting["atelier"], voting["cards"]
    pid = voting["people"][0]
    viewer = Viewer("participant", atelier, participant_id=pid)
    slots = [_Slot((viewer, card, 1)) for card in (cards[0], cards[0], cards[0], cards[1])]
    slots.append(_Slot((viewer, cards[2], 1)))
    votes._vote_batch(slots)
    assert [s.value["weight"] if s.value else s.error.code for s in slots] == [
        1,
        2,
        "cap",
        1,
        "budget",
    ]
    db.session.expire_all()
    assert db.session.scalar(select(func.sum(Vote.weight))) == 3
    # a deleted card: refused, the rest of the batch written
    db.session.get(Contribution, cards[2]).deleted = True
    db.session.commit()
    other = Viewer("participant", atelier, participant_id=voting["people"][1])
    slots = [_Slot((other, cards[2], 1)), _Slot((other, cards[1], 1))]
    votes._vote_batch(slots)
    assert slots[0].error.code == "not_found" and slots[1].value["total"] == 2


def test_a_batch_refused_on_the_sqlite_lock_is_retried_by_each_handler(
    voting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds SQLite's write lock: nothing of the batch is stored and every
    member gets the lock error at once (facilitator.dblock then runs each vote again after
    a cooperative pause), instead of N more attempts that would each wait for the lock."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from facilitator import dblock

    atelier, cards = voting["atelier"], voting["cards"]
    calls: list[int] = []

    def locked(items: list) -> list:
        calls.append(len(items))
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(votes, "_apply_votes", locked)
    slots = [
        _Slot((Viewer("participant", atelier, participant_id=pid), cards[0], 1))
        for pid in voting["people"][:4]
    ]
    votes._vote_batch(slots)
    assert calls == [4]
    assert all(dblock.is_lock_error(slot.error) and slot.value is None for slot in slots)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Vote.id))) == 0
