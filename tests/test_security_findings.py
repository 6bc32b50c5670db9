"""The smaller findings of the security probe (issue 20, item 7): each test here fails
without its fix."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from tests.test_web import login

HUGE = str(2**64 + 5)


@pytest.mark.parametrize(
    "path",
    [
        f"/animateur/cycles/{HUGE}",
        f"/animateur/cycles/{HUGE}/restitution",
        f"/animateur/ateliers/{HUGE}/documents",
        f"/cycle/{HUGE}",
        f"/cycle/1/compte-rendu/{HUGE}.md",
    ],
)
def test_out_of_range_ids_in_urls_are_not_found(
    client: Any, make_animateur: Any, path: str
) -> None:
    login(client, make_animateur())
    r = client.get(path)
    assert r.status_code == 404
    assert "Page introuvable" in r.get_data(as_text=True)


def test_out_of_range_id_in_a_post_is_not_found(client: Any, make_animateur: Any) -> None:
    login(client, make_animateur())
    for path in (f"/animateur/cycles/{HUGE}/restitution", f"/animateur/cycles/{HUGE}/structures"):
        # no route takes it: not found, or (werkzeug's matcher) not allowed — never a 500
        assert client.post(path, data={}).status_code in (404, 405)


def _vote_step(live: dict[str, Any]) -> tuple[int, int]:
    step = live["steps"]["vote"]
    anim = live["anim"]
    assert anim.call("step_goto", {"step_id": step})["ok"]
    card = anim.call(
        "card_add", {"step_id": step, "client_id": "delta-card-1", "text": "Enjeu", "column": "a"}
    )["card"]
    return step, card["id"]


@pytest.mark.parametrize("delta", [1.0, True, "1", 0, 2])
def test_vote_delta_must_be_the_integer_one_or_minus_one(
    live_atelier: dict[str, Any], delta: Any
) -> None:
    _step, card_id = _vote_step(live_atelier)
    ack = live_atelier["a"].call("vote", {"card_id": card_id, "delta": delta})
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert "delta" in ack["error"]["message_fr"]
    assert live_atelier["a"].call("vote", {"card_id": card_id, "delta": 1})["ok"]


@pytest.mark.parametrize(
    "text", ["\u200b\u200b", "\ufeff", "\x00", "\x00\u200d \u2060", "\u3164", "\u00ad\n\t"]
)
def test_visually_empty_cards_are_refused(live_atelier: dict[str, Any], text: str) -> None:
    step = live_atelier["steps"]["idees"]
    ack = live_atelier["a"].call(
        "card_add", {"step_id": step, "client_id": "empty-card-1", "text": text, "column": "a"}
    )
    assert ack["ok"] is False and ack["error"]["code"] == "empty"


def test_control_characters_are_stripped_from_cards(live_atelier: dict[str, Any]) -> None:
    step = live_atelier["steps"]["idees"]
    ack = live_atelier["a"].call(
        "card_add",
        {"step_id": step, "client_id": "ctrl-0001", "text": "A\x00B\x1b[31m\nC\x7f", "column": "a"},
    )
    assert ack["ok"] and ack["card"]["text"] == "AB[31m\nC"


def test_no_stored_text_keeps_a_control_character(client: Any, make_atelier: Any) -> None:
    """Through a form that does not use clean_text: the participant's display name."""
    from facilitator.models import Participant

    atelier = make_atelier()
    structure = atelier.cycle.structures[0]
    r = client.post(
        f"/rejoindre/{atelier.link_token}",
        data={"display_name": "Ca\x00mil\x08le\x7f", "structure_id": str(structure.id)},
    )
    assert r.status_code == 302
    names = [p.display_name for p in db.session.scalars(select(Participant))]
    assert names == ["Camille"]


def test_wrong_passwords_from_fresh_browsers_do_not_lock_the_owner_out(
    client: Any, make_animateur: Any
) -> None:
    owner = make_animateur("owner@exemple.fr")
    assert login(client, owner).status_code == 302  # her laptop: a device cookie
    client.post("/deconnexion")
    attacker = [client.application.test_client() for _ in range(8)]
    statuses = [login(a, owner, "mauvais-mot-de-passe").status_code for a in attacker]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    refused = login(client.application.test_client(), owner)  # a new browser waits…
    assert refused.status_code == 429 and "patientez" in refused.get_data(as_text=True)
    assert login(client, owner).status_code == 302  # …her own laptop does not


def test_a_browser_session_is_limited_even_on_a_known_browser(
    client: Any, make_animateur: Any
) -> None:
    owner = make_animateur("owner@exemple.fr")
    assert login(client, owner).status_code == 302
    client.post("/deconnexion")
    statuses = [login(client, owner, "mauvais-mot-de-passe").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_the_delay_for_unknown_browsers_grows_and_ends() -> None:
    from facilitator.core.accounts import LOGIN_WINDOW, LoginThrottle

    throttle = LoginThrottle()
    for i in range(5):
        throttle.failed("a@x.fr", now=1000.0 + i)
    assert throttle.wait("a@x.fr", known_browser=False, now=1004.0) == 2
    assert throttle.wait("a@x.fr", known_browser=True, now=1004.0) == 0
    throttle.failed("a@x.fr", now=1010.0)
    assert throttle.wait("a@x.fr", known_browser=False, now=1010.0) == 4
    assert throttle.wait("a@x.fr", known_browser=False, now=1014.0) == 0
    assert throttle.wait("a@x.fr", known_browser=False, now=1010.0 + LOGIN_WINDOW) == 0
