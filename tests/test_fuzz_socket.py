"""Fuzzing every client → server event of docs/protocol.md §4, and every action an activity
declares for ``step_action``, with generated payloads: JSON of any shape and well-typed but
wrong objects (huge or negative ids, another atelier's ids, nested lists, unicode, long
strings). Every answer must be an ack in French, no exception may reach the logs, the event
log keeps one event per seq, and the server keeps serving everyone."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from facilitator import activities
from facilitator.extensions import db, socketio
from facilitator.models import Atelier, Contribution, Event
from facilitator.realtime.presence import RateLimiter
from facilitator.realtime.state import state
from facilitator.scripts import load_script_text
from tests.conftest import SCRIPT, Sock
from tests.fuzz import JSON, documented_events, emit_args, keyed, model_payload, near, weighted

EVENTS = documented_events()
#: examples per event or action (the whole file stays well under a minute)
EXAMPLES = 100
ACTION_EXAMPLES = 30
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: steps of every activity type that declares actions, after the board's own steps
ACTIVITY_STEPS = """
  - id: questions
    type: questions_essentielles
    title: Questions
    consigne: Proposez.
  - id: carte
    type: cartographie
    title: Carte
    consigne: Ajoutez les acteurs.
  - id: chaines
    type: chaine_de_valeur
    title: Chaînes
    consigne: Décrivez.
  - id: feuille
    type: feuille_de_route
    title: Feuille de route
    consigne: Proposez des actions.
  - id: charte
    type: charte
    title: Charte
    consigne: Écrivons la charte.
  - id: evaluation
    type: evaluation
    title: Évaluation
    consigne: Comment était cet atelier ?
    settings:
      conditions: true
"""
ACTIONS = sorted(
    (type_id, name)
    for type_id, activity in activities.REGISTRY.items()
    for name in activity.actions
)


def valid(event: str, world: dict[str, Any]) -> dict[str, Any]:
    """A payload this event accepts from some sender (the start of ``near``)."""
    step, card = world["steps"]["idees"], world["cards"][0]
    return {
        "sync": {"last_seq": 1},
        "card_add": {"step_id": step, "client_id": "fuzz-0001", "text": "Idée", "column": "a"},
        "card_edit": {"card_id": card, "version": 1, "text": "Autre idée", "cluster": "g"},
        "card_delete": {"card_id": card},
        "card_mask": {"card_id": card, "masked": True},
        "card_mark": {"card_id": card, "mark": "decision", "on": True},
        "card_accept": {"card_id": card, "version": 1},
        "card_reject": {"card_id": card, "reason": "hors sujet", "version": 1},
        "card_accept_all": {"step_id": step},
        "card_cluster": {"card_ids": [card], "cluster": "g"},
        "vote": {"card_id": world.get("vote_card", card), "delta": 1},
        "step_goto": {"step_id": world["steps"]["vote"]},
        "step_flags": {"step_id": step, "locked": True},
        "timer": {"action": "start", "seconds": 60},
        "atelier_start": {},
        "atelier_close": {},
        "step_action": {"step_id": world["steps"]["questions"], "action": "refresh", "data": {}},
    }.get(event, {})


@pytest.fixture
def world(
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Atelier],
    make_participant: Callable[..., Any],
    connect: Callable[..., Sock],
) -> dict[str, Any]:
    """A started atelier (the board's steps and one step per activity type with actions),
    two participants and the animateur connected, cards on the board; a second atelier
    running beside it, whose client must keep being served; rate limits lifted (a fuzzer
    is a flood)."""
    current = state()
    current.per_connection = RateLimiter(rate=1e9, burst=1e9)
    current.per_participant = RateLimiter(rate=1e9, burst=1e9)
    current.per_animateur = RateLimiter(rate=1e9, burst=1e9)
    owner = make_animateur()
    atelier = make_atelier(owner, SCRIPT + ACTIVITY_STEPS)
    sockets = {"anim": connect("animateur", atelier, owner)}
    assert sockets["anim"].call("atelier_start", {})["ok"]
    for key, name in (("a", "Alice"), ("b", "Bob")):
        sockets[key] = connect("participant", atelier, make_participant(atelier, name))
    steps = {s.key: s.id for s in atelier.steps}
    cards = [
        sockets[who].call(
            "card_add",
            {
                "step_id": steps["idees"],
                "client_id": f"seed-{who}-0001",
                "text": who,
                "column": "a",
            },
        )["card"]["id"]
        for who in ("a", "b", "anim")
    ]
    neighbour_owner = make_animateur()
    neighbour = make_atelier(neighbour_owner)
    assert connect("animateur", neighbour, neighbour_owner).call("atelier_start", {})["ok"]
    known = sorted({*steps.values(), *cards, *(s.id for s in neighbour.steps)})
    return {
        **sockets,
        "atelier": atelier,
        "steps": steps,
        "cards": cards,
        "known": known + [0, -1, 2**31 - 1],
        "neighbour": neighbour,
        "bystander": connect("participant", neighbour, make_participant(neighbour, "Témoin")),
    }


def check_ack(ack: Any) -> str:
    """An ack of the protocol's shape; returns "ok" or the error code."""
    assert isinstance(ack, dict), ack
    if ack.get("ok") is True:
        return "ok"
    assert ack.get("ok") is False, ack
    error = ack["error"]
    assert isinstance(error["code"], str) and error["code"], ack
    assert isinstance(error["message_fr"], str) and error["message_fr"].strip(), ack
    assert error["code"] != "server_error", ack
    return error["code"]


def consistent(atelier: Atelier) -> None:
    """One event per seq from 1 to the atelier's seq (a refused action takes no number);
    every card announced exists."""
    db.session.rollback()
    seq = db.session.scalar(select(Atelier.seq).where(Atelier.id == atelier.id))
    stored = db.session.scalars(select(Event.seq).where(Event.atelier_id == atelier.id)).all()
    assert sorted(stored) == list(range(1, seq + 1))
    cards = set(db.session.scalars(select(Contribution.id)).all())
    added = db.session.scalars(
        select(Event).where(Event.atelier_id == atelier.id, Event.type == "card.added")
    ).all()
    assert {e.payload["card"]["id"] for e in added} <= cards


def still_serving(world: dict[str, Any], tag: str) -> None:
    """The other atelier's participant can write; this atelier's clients can read; its
    animateur can still add a card (unless the fuzzer closed the atelier)."""
    world["after"] = world.get("after", 0) + 1
    client_id = f"after-{world['after']:04d}"
    bystander: Sock = world["bystander"]
    step = world["neighbour"].steps[0].id
    card = {"step_id": step, "client_id": client_id, "text": f"après {tag}", "column": "a"}
    ack = bystander.call("card_add", card)
    assert ack["ok"] is True, ack
    for who in ("a", "b", "anim"):
        sock: Sock = world[who]
        assert sock.connected
        sync = sock.call("sync", {"last_seq": 0})
        assert sync["ok"] is True and sync["mode"] == "snapshot", sync
    if sync["snapshot"]["atelier"]["state"] != "clos":
        card = {**card, "step_id": world["steps"]["idees"]}
        ack = world["anim"].call("card_add", card)
        assert ack["ok"] is True and not ack.get("duplicate"), ack


def run_fuzz(
    world: dict[str, Any],
    event: str,
    args: st.SearchStrategy[tuple[Any, ...]],
    examples: int,
    caplog: pytest.LogCaptureFixture,
) -> Counter[str]:
    caplog.set_level(logging.WARNING)
    senders = [world["a"], world["b"], world["anim"]]
    outcomes: Counter[str] = Counter()

    @settings(FUZZ, max_examples=examples)
    @given(who=st.sampled_from(range(len(senders))), args=args)
    def fuzz(who: int, args: tuple[Any, ...]) -> None:
        ack = senders[who].call(event, *args)
        try:
            outcomes[check_ack(ack)] += 1
        except AssertionError as exc:
            raise AssertionError(f"{event} {args!r} → {ack!r}") from exc
        for sock in senders:
            sock.received()  # keep the test clients' queues short

    fuzz()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    still_serving(world, event)
    consistent(world["atelier"])
    return outcomes


def test_every_registered_event_is_documented_and_fuzzed(app: Any) -> None:
    registered = set(socketio.server.handlers["/"]) - {"connect", "disconnect", "*"}
    assert registered == set(EVENTS)


def test_generated_payloads_get_an_ack_and_break_nothing(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Each event in turn on the same board (what one event changed, the next one meets);
    ``atelier_close`` last."""
    for event in sorted(EVENTS, key=lambda e: (e == "atelier_close", e)):
        if event == "vote":  # on the voting step, with a card to vote for
            vote_step = world["steps"]["vote"]
            assert world["anim"].call("step_goto", {"step_id": vote_step})["ok"]
            world["vote_card"] = world["anim"].call(
                "card_add",
                {"step_id": vote_step, "client_id": "vote-card", "text": "v", "column": "a"},
            )["card"]["id"]
        one = weighted(
            (3, near(valid(event, world), world["known"])),
            (1, keyed(EVENTS[event], world["known"])),
            (1, JSON),
        )
        outcomes = run_fuzz(world, event, emit_args(one), EXAMPLES, caplog)
        print(event, dict(outcomes))
        assert set(outcomes) - {"ok"}, f"{event}: every payload accepted, nothing fuzzed"


@pytest.mark.parametrize("type_id", sorted({t for t, _ in ACTIONS}))
def test_generated_activity_actions_get_an_ack(
    world: dict[str, Any], type_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Every action of the activity in turn, on its step (made current), then all of them
    mixed: an action meets what the others created."""
    step = next(s for s in world["atelier"].steps if s.type == type_id)
    assert world["anim"].call("step_goto", {"step_id": step.id})["ok"]
    specs = activities.get(type_id).actions

    def payload(action: str) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {
                "step_id": weighted((8, st.just(step.id)), (1, st.sampled_from(world["known"]))),
                "action": weighted((8, st.just(action)), (1, st.text(max_size=70))),
                "data": weighted(
                    (6, model_payload(specs[action].schema, world["known"])), (1, JSON)
                ),
            }
        )

    for action in sorted(specs):
        outcomes = run_fuzz(
            world, "step_action", emit_args(payload(action)), ACTION_EXAMPLES, caplog
        )
        print(type_id, action, dict(outcomes))
    mixed = weighted(*((1, payload(action)) for action in sorted(specs)))
    outcomes = run_fuzz(world, "step_action", emit_args(mixed), 4 * ACTION_EXAMPLES, caplog)
    print(type_id, "mixed", dict(outcomes))


def test_unknown_events_get_an_ack(world: dict[str, Any], caplog: pytest.LogCaptureFixture):
    sock: Sock = world["a"]
    caplog.set_level(logging.WARNING)

    @settings(FUZZ, max_examples=60)
    @given(
        name=st.text(min_size=1, max_size=60).filter(
            lambda n: n not in EVENTS and n not in ("connect", "disconnect", "message")
        ),
        args=st.lists(JSON, max_size=3),
    )
    def fuzz(name: str, args: list[Any]) -> None:
        assert check_ack(sock.call(name, *args)) == "unknown_event"

    fuzz()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    still_serving(world, "unknown")


def test_script_of_the_world_loads() -> None:
    types = [s["type"] for s in load_script_text(SCRIPT + ACTIVITY_STEPS).steps]
    # every activity type with actions of its own has a step in the fuzzed world
    assert {t for t, activity in activities.REGISTRY.items() if activity.actions} <= set(types)
