"""People (issue 16): a returning person recognised across devices with their personal
code (never by name alone), likely duplicates listed, and the animateur's merge of two
participants — attendance, cards, votes, answers and devices follow; a double vote keeps
the latest and says so; merging someone into themself is refused, nothing changed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from facilitator.activities.evaluation.models import EvaluationResponse
from facilitator.core import identity
from facilitator.extensions import db
from facilitator.models import Attendance, Contribution, Participant, Vote
from tests.test_atelier_planning import login


def join(client: Any, atelier: Any, name: str, **extra: str) -> Any:
    data = {"display_name": name, "structure_id": str(atelier.cycle.structures[0].id), **extra}
    return client.post(f"/rejoindre/{atelier.link_token}", data=data)


@pytest.fixture
def known(make_atelier: Any, app: Any) -> dict[str, Any]:
    """Dominique joined on a laptop; their cycle page shows their personal code."""
    atelier = make_atelier()
    laptop = app.test_client()
    assert join(laptop, atelier, "Dominique Martín").status_code == 302
    page = laptop.get(f"/cycle/{atelier.cycle_id}").get_data(as_text=True)
    code = re.search(r'id="personal-code">([A-Z0-9-]+)<', page).group(1)
    me = db.session.query(Participant).one()
    assert code == identity.personal_code(me)
    return {"atelier": atelier, "laptop": laptop, "code": code, "me": me}


def test_a_returning_person_proves_it_with_their_code(known: dict[str, Any], app: Any) -> None:
    atelier, phone = known["atelier"], app.test_client()
    asked = join(phone, atelier, "dominique  martin")  # case and accents aside
    assert asked.status_code == 200 and "Êtes-vous déjà venu·e" in asked.get_data(as_text=True)
    assert db.session.query(Participant).count() == 1  # nothing created by the question
    wrong = join(phone, atelier, "Dominique Martín", personal_code="AAAA-AAAA")
    assert wrong.status_code == 400 and "ne correspond pas" in wrong.get_data(as_text=True)
    assert db.session.query(Participant).count() == 1
    right = join(phone, atelier, "Dominique Martín", personal_code=known["code"].lower())
    assert right.status_code == 302
    assert db.session.query(Participant).count() == 1
    # both devices are the same person, with the same code
    for device in (known["laptop"], phone):
        page = device.get(f"/cycle/{atelier.cycle_id}").get_data(as_text=True)
        assert known["code"] in page


def test_another_person_with_the_same_name_is_a_new_participant(
    known: dict[str, Any], app: Any
) -> None:
    other = app.test_client()
    r = join(other, known["atelier"], "Dominique Martín", nouveau="1")
    assert r.status_code == 302 and db.session.query(Participant).count() == 2


def test_code_attempts_are_limited(known: dict[str, Any], app: Any) -> None:
    phone = app.test_client()
    codes = [
        join(phone, known["atelier"], "Dominique Martín", personal_code="ZZZZ-ZZZZ").status_code
        for _ in range(6)
    ]
    assert codes == [400] * 5 + [429]


def test_code_attempts_cannot_be_reset_by_a_new_browser(known: dict[str, Any], app: Any) -> None:
    """The count lives on the server, per person claimed: a fresh session per try (no
    cookie kept, or the first cookie sent again) is refused all the same."""
    codes = [
        join(
            app.test_client(), known["atelier"], "Dominique Martín", personal_code="ZZZZ-ZZZZ"
        ).status_code
        for _ in range(6)
    ]
    assert codes == [400] * 5 + [429]


@pytest.fixture
def twins(live_atelier: dict[str, Any], make_participant: Any, client: Any) -> dict[str, Any]:
    """Alice came twice (« Alice » and « alice ») to the running atelier: cards, votes on
    the same card (a double vote), an evaluation answer each."""
    atelier, anim = live_atelier["atelier"], live_atelier["anim"]
    second = make_participant(atelier, "alice")
    step = live_atelier["steps"]["vote"]
    assert anim.call("step_goto", {"step_id": step})["ok"]
    ids = []
    for i, sock in enumerate((live_atelier["a"], live_atelier["b"])):
        ack = sock.call(
            "card_add", {"step_id": step, "client_id": f"twin-card-{i}", "text": "x", "column": "a"}
        )
        ids.append(ack["card"]["id"])
    db.session.add_all(
        [
            Contribution(
                atelier_id=atelier.id,
                step_id=step,
                client_id="twin-own",
                participant_id=second.id,
                text="Carte du 2e appareil",
                column="a",
            ),
            Vote(step_id=step, participant_id=live_atelier["alice"].id, contribution_id=ids[1]),
            Vote(step_id=step, participant_id=second.id, contribution_id=ids[1], weight=2),
            EvaluationResponse(step_id=step, participant_id=live_atelier["alice"].id, meteo=2),
            EvaluationResponse(step_id=step, participant_id=second.id, meteo=5),
        ]
    )
    db.session.commit()
    login(client, live_atelier["animateur"])
    return {**live_atelier, "second": second, "client": client, "cards": ids}


def test_likely_duplicates_are_listed(twins: dict[str, Any]) -> None:
    page = twins["client"].get(f"/animateur/cycles/{twins['atelier'].cycle_id}/participants")
    text = page.get_data(as_text=True)
    assert "Doublons probables (1)" in text and "même nom et même structure" in text


def test_merge_moves_everything_and_keeps_the_latest(twins: dict[str, Any]) -> None:
    alice, second, client = twins["alice"], twins["second"], twins["client"]
    url = f"/animateur/cycles/{twins['atelier'].cycle_id}/participants/fusionner"
    same = client.post(url, data={"keep_id": alice.id, "gone_id": alice.id})
    assert same.status_code == 400 and "elle-même" in same.get_data(as_text=True)
    assert db.session.get(Participant, second.id) is not None
    twins["anim"].received()
    r = client.post(url, data={"keep_id": alice.id, "gone_id": second.id}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "réuni·e avec « Alice »" in page
    assert "Votes sur des cartes : un en double, le plus récent a été gardé." in page
    assert "Réponses d&#39;évaluation : un en double" in page
    db.session.expire_all()
    assert db.session.get(Participant, second.id) is None
    mine = db.session.query(Contribution).filter_by(participant_id=alice.id).count()
    assert mine == 2
    votes = db.session.query(Vote).filter_by(participant_id=alice.id).all()
    assert [v.weight for v in votes] == [2]  # the latest
    answers = db.session.query(EvaluationResponse).filter_by(participant_id=alice.id).all()
    assert [a.meteo for a in answers] == [5]
    assert db.session.query(Attendance).filter_by(participant_id=alice.id).count() == 1
    told = [e for e in twins["anim"].events() if e["type"] == "participant.merged"]
    assert told and told[0]["data"]["into"]["id"] == alice.id


@pytest.mark.parametrize("raw", ["²", "9" * 25, "-3", "1e3", " 12x"])
def test_a_structure_id_that_is_no_id_is_a_french_refusal_not_a_crash(
    make_atelier: Any, app: Any, raw: str
) -> None:
    """« ² » is a digit for str.isdigit(), and 25 digits overflow the driver: both were
    500s on the public join form and on the animateur's forms."""
    atelier = make_atelier()
    phone = app.test_client()
    r = phone.post(
        f"/rejoindre/{atelier.link_token}", data={"display_name": "Dominique", "structure_id": raw}
    )
    assert r.status_code in (302, 400)
    assert db.session.query(Participant).count() == (1 if r.status_code == 302 else 0)
