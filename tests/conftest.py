"""Fixtures: an app on a fresh SQLite file, factories for the domain, Socket.IO test clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from facilitator import create_app, db_migrate
from facilitator.core import accounts, cycles, participants, tokens
from facilitator.extensions import db, socketio
from facilitator.models import Animateur, Atelier, Cycle, Participant
from facilitator.scripts import load_script_text

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
format: 1
id: test-board
title: Atelier de test
steps:
  - id: idees
    type: cartes
    title: Idées
    consigne: Une idée par carte.
    settings:
      columns:
        - {id: a, label: Colonne A}
        - {id: b, label: Colonne B}
  - id: vote
    type: cartes
    title: Vote
    consigne: Votez.
    settings:
      columns: [{id: a, label: A}]
      votes: {budget: 3, max_per_card: 2}
  - id: secret
    type: cartes
    title: Cartes retournées
    consigne: Écrivez seul.
    settings:
      hidden: true
      columns: [{id: a, label: A}]
"""


def _config(folder: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'test.db'}",
        "SOCKETIO_ASYNC_MODE": "threading",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SCRIPTS_DIR": str(ROOT / "workshop_scripts"),
    }


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated by Alembic, copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    app = create_app(_config(folder))
    with app.app_context():
        db_migrate.upgrade()
        db.engine.dispose()
    return folder / "test.db"


@pytest.fixture
def app(tmp_path: Path, migrated_db: Path) -> Iterator[Flask]:
    shutil.copy(migrated_db, tmp_path / "test.db")
    app = create_app(_config(tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def make_animateur(app: Flask) -> Callable[..., Animateur]:
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, password: str = "mot-de-passe-solide") -> Animateur:
        return accounts.create_animateur(
            email or f"anim{next(counter)}@exemple.fr", "Camille Animatrice", password
        )

    return make


@pytest.fixture
def make_atelier(make_animateur: Callable[..., Animateur]) -> Callable[..., Atelier]:
    def make(animateur: Animateur | None = None, script: str = SCRIPT) -> Atelier:
        animateur = animateur or make_animateur()
        cycle = cycles.create_cycle(animateur, "Prévenir le décrochage", territoire="Val-de-Lys")
        cycles.add_structure(cycle.id, "Collège Jean-Moulin", "education_nationale")
        cycles.add_structure(cycle.id, "Centre social", "association")
        db.session.commit()
        return cycles.add_atelier(cycle, load_script_text(script))

    return make


@pytest.fixture
def make_participant() -> Callable[..., Participant]:
    def make(atelier: Atelier, name: str = "Dominique") -> Participant:
        structure = atelier.cycle.structures[0]
        participant, _token = participants.join(atelier, name, structure_id=structure.id)
        return participant

    return make


def socket_token(role: str, atelier: Atelier, who: Any = None) -> str:
    data: dict[str, Any] = {"r": role, "a": atelier.id}
    if role == "animateur":
        data["u"] = who.id
    elif role == "participant":
        data = tokens.participant_claims(atelier.id, who.id, who.token_hash)
    else:
        data["k"] = atelier.read_token[:12]
    return tokens.sign_socket_token(data)


class Sock:
    """A Socket.IO test client with helpers: ``call`` returns the ack, ``events`` the
    envelopes received since the last call."""

    def __init__(self, app: Flask, token: str, last_seq: int = 0) -> None:
        self.client = socketio.test_client(app, auth={"token": token, "last_seq": last_seq})

    @property
    def connected(self) -> bool:
        return self.client.is_connected()

    def call(self, event: str, *args: Any) -> Any:
        return self.client.emit(event, *args, callback=True)

    def received(self) -> list[dict[str, Any]]:
        return self.client.get_received()

    def events(self) -> list[dict[str, Any]]:
        return [m["args"][0] for m in self.received() if m["name"] == "event"]

    def disconnect(self) -> None:
        if self.connected:
            self.client.disconnect()


@pytest.fixture
def connect(app: Flask) -> Iterator[Callable[..., Sock]]:
    opened: list[Sock] = []

    def open_(role: str, atelier: Atelier, who: Any = None, last_seq: int = 0) -> Sock:
        sock = Sock(app, socket_token(role, atelier, who), last_seq)
        opened.append(sock)
        return sock

    yield open_
    for sock in opened:
        sock.disconnect()


@pytest.fixture
def live_atelier(
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    connect: Callable[..., Sock],
) -> dict[str, Any]:
    """A started atelier with an animateur and two participants connected (received
    messages cleared)."""
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    alice = make_participant(atelier, "Alice")
    bob = make_participant(atelier, "Bob")
    anim = connect("animateur", atelier, animateur)
    assert anim.call("atelier_start", {})["ok"]
    a = connect("participant", atelier, alice)
    b = connect("participant", atelier, bob)
    for sock in (anim, a, b):
        sock.received()
    steps = {s.key: s.id for s in atelier.steps}
    return {
        "atelier": atelier,
        "animateur": animateur,
        "alice": alice,
        "bob": bob,
        "anim": anim,
        "a": a,
        "b": b,
        "steps": steps,
    }


@pytest.fixture
def make_room(
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Participant],
    connect: Callable[..., Sock],
) -> Callable[..., dict[str, Any]]:
    """A started atelier of ``script`` whose cycle has the given questions essentielles
    validated, with the animateur, Alice and Bob (participants) and a read-only viewer
    connected (received messages cleared); ``step`` is the first step's id."""

    def make(script: str, questions: tuple[str, ...] = ()) -> dict[str, Any]:
        from facilitator.core import questions as productions

        animateur = make_animateur()
        atelier = make_atelier(animateur, script)
        made = [productions.create_question(atelier.cycle_id, text) for text in questions]
        db.session.commit()
        alice = make_participant(atelier, "Alice")
        bob = make_participant(atelier, "Bob")
        anim = connect("animateur", atelier, animateur)
        assert anim.call("atelier_start", {})["ok"]
        a = connect("participant", atelier, alice)
        b = connect("participant", atelier, bob)
        viewer = connect("viewer", atelier)
        for sock in (anim, a, b, viewer):
            sock.received()
        return {
            "atelier": atelier,
            "animateur": animateur,
            "anim": anim,
            "a": a,
            "b": b,
            "viewer": viewer,
            "step": atelier.steps[0].id,
            **{f"q{i}": q.id for i, q in enumerate(made, 1)},
            "structures": {s.name: s.id for s in atelier.cycle.structures},
        }

    return make


@pytest.fixture
def cycle_of(app: Flask) -> Callable[[Atelier], Cycle]:
    return lambda atelier: atelier.cycle
