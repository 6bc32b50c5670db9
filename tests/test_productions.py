"""Cycle productions as units: questions (order, history, removal), duplicate detection,
angles morts, script validation of the new types, export/import of a cycle with a map, and
the questions validated in one atelier shown in the next."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from facilitator.activities.cartographie import views as map_views
from facilitator.activities.cartographie.models import Actor, ActorAction, Relation
from facilitator.core import cycles
from facilitator.core import questions as productions
from facilitator.cycle_life import portability
from facilitator.errors import Conflict, InvalidInput
from facilitator.extensions import db
from facilitator.models.questions import QuestionEssentielle
from facilitator.scripts import ScriptError, load_script, load_script_text
from tests.conftest import ROOT
from tests.test_portability import normalise
from tests.test_questions_essentielles import SCRIPT as QE_SCRIPT
from tests.test_questions_essentielles import act


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Le Centre social des Tilleuls", "centre-social  TILLEULS"),
        ("Éducation nationale", "education nationale"),
        ("La Mission locale", "mission-locale"),
    ],
)
def test_name_key_matches_spellings_of_one_actor(a: str, b: str) -> None:
    assert map_views.name_key(a) == map_views.name_key(b)


def test_name_key_keeps_different_actors_apart() -> None:
    assert map_views.name_key("CAF du Nord") != map_views.name_key("C.A.F. Nord")
    assert map_views.name_key("Collège Jean-Moulin") != map_views.name_key("Collège Jean-Jaurès")


def test_champ_keys_from_labels_or_keys() -> None:
    assert map_views.champ_keys(["santé", "reussite_educative", "inconnu", "Santé"]) == [
        "sante",
        "reussite_educative",
    ]


def test_questions_order_history_and_conflicts(make_atelier: Callable[..., Any]) -> None:
    cycle_id = make_atelier().cycle_id
    q = [productions.create_question(cycle_id, f"Question {i} ?") for i in range(1, 4)]
    productions.move_question(cycle_id, q[2].id, 1)
    assert [x.id for x in productions.ordered(cycle_id)] == [q[2].id, q[0].id, q[1].id]
    productions.edit_question(cycle_id, q[0].id, 1, "  Question   une ?  ")
    assert q[0].text == "Question une ?" and q[0].version == 2
    with pytest.raises(Conflict) as caught:
        productions.edit_question(cycle_id, q[0].id, 1, "Autre ?")
    assert caught.value.details["question"]["text"] == "Question une ?"
    with pytest.raises(InvalidInput):
        productions.edit_question(cycle_id, q[0].id, 2, "x" * 301)
    productions.remove_question(cycle_id, q[2].id, q[2].version)
    listed = productions.questions_list(cycle_id)
    assert [(x["text"], x["number"]) for x in listed] == [
        ("Question une ?", 1),
        ("Question 2 ?", 2),
        ("Question 3 ?", None),
    ]
    with pytest.raises(InvalidInput):
        productions.move_question(cycle_id, q[2].id, 1)
    productions.restore_question(cycle_id, q[2].id)
    assert productions.questions_list(cycle_id)[-1]["number"] == 3
    db.session.commit()
    changes = [h["change"] for h in productions.history(cycle_id)[q[2].id]]
    assert changes == ["restaurée", "retirée", "déplacée", "validée"]


def test_blind_spots() -> None:
    data = {
        "questions": [
            {"id": 1, "active": True},
            {"id": 2, "active": True},
            {"id": 3, "active": False},
        ],
        "actors": [
            {"id": 10, "actions": [{"question_ids": [1]}]},
            {"id": 11, "actions": []},
            {"id": 12, "actions": []},
        ],
        "relations": [{"source_id": 10, "target_id": 11, "question_id": 1}],
    }
    spots = map_views.blind_spots(data)
    assert [a["id"] for a in spots["isolated_actors"]] == [12]
    assert [q["id"] for q in spots["questions_without_actions"]] == [2]
    assert [q["id"] for q in spots["questions_without_relations"]] == [2]


def test_scripts_check_the_new_settings() -> None:
    bad = QE_SCRIPT.replace("enjeux_from: enjeux", "enjeux_from: plus-tard")
    with pytest.raises(ScriptError) as caught:
        load_script_text(bad)
    assert caught.value.problems == [
        (
            "steps[1].settings.enjeux_from",
            "« plus-tard » n'est pas une étape précédente de ce déroulé",
        )
    ]
    wrong = QE_SCRIPT.replace("votes: {budget: 2, max_per_card: 1}", "votes: {budget: 0}")
    with pytest.raises(ScriptError):
        load_script_text(wrong)
    for name in ("exploration-prospective", "cartographie-acteurs", "cooperation-inter-acteurs"):
        script = load_script(ROOT / "workshop_scripts" / f"{name}.yaml")
        assert {s["type"] for s in script.steps} & {"questions_essentielles", "cartographie"}


def test_a_cycle_with_its_map_round_trips(
    make_atelier: Callable[..., Any], make_animateur: Any
) -> None:
    atelier = make_atelier()
    cycle_id = atelier.cycle_id
    q = productions.create_question(cycle_id, "Comment repérer ?", atelier_id=atelier.id)
    structure = atelier.cycle.structures[0]
    one = Actor(
        cycle_id=cycle_id,
        client_id="a1xxxxxx",
        name="Collège",
        type="education_nationale",
        structure_id=structure.id,
        champs=["education_jeunesse"],
    )
    two = Actor(cycle_id=cycle_id, client_id="a2xxxxxx", name="Mission locale", type="association")
    db.session.add_all([one, two])
    db.session.flush()
    db.session.add(ActorAction(actor_id=one.id, client_id="ac1xxxxx", text="Veille", questions=[q]))
    db.session.add(
        Relation(
            cycle_id=cycle_id,
            client_id="r1xxxxxx",
            source_id=two.id,
            target_id=one.id,
            question_id=q.id,
            natures=["information"],
        )
    )
    db.session.commit()
    exported = portability.export_cycle(cycle_id)
    assert {
        "question_essentielle",
        "question_revision",
        "actor",
        "actor_action",
        "action_question",
        "relation",
    } <= set(exported["tables"])
    copy_ = portability.import_cycle(json.loads(json.dumps(exported)), make_animateur())
    again = portability.export_cycle(copy_.id)
    assert normalise(again) == normalise(exported)
    copied = map_views.map_data(copy_.id)
    assert copied["actors"][0]["actions"][0]["question_ids"] == [copied["questions"][0]["id"]]
    assert copied["questions"][0]["id"] != q.id


def test_questions_validated_in_one_atelier_appear_in_the_next(
    make_animateur: Callable[..., Any],
    make_atelier: Callable[..., Any],
    make_participant: Callable[..., Any],
    connect: Callable[..., Any],
) -> None:
    animateur = make_animateur()
    first = make_atelier(animateur, QE_SCRIPT)
    anim = connect("animateur", first, animateur)
    assert anim.call("atelier_start", {})["ok"]
    step = first.steps[1].id
    assert anim.call("step_goto", {"step_id": step})["ok"]
    assert act(anim, step, "phase", phase="validation")["ok"]
    for i, text in enumerate(["Comment repérer tôt ?", "Comment associer les parents ?"]):
        p = act(anim, step, "propose", client_id=f"next-{i:04d}", text=text)["proposal"]
        assert act(anim, step, "validate", proposal_id=p["id"])["ok"]
    assert anim.call("atelier_close", {})["ok"]

    script = load_script(ROOT / "workshop_scripts" / "cartographie-acteurs.yaml")
    second = cycles.add_atelier(first.cycle, script)
    anim2 = connect("animateur", second, animateur)
    assert anim2.call("atelier_start", {})["ok"]
    someone = connect("participant", second, make_participant(second, "Dominique"))
    snapshot = someone.call("sync", {"last_seq": 0})["snapshot"]
    carto = [s for s in snapshot["steps"] if s["type"] == "cartographie"]
    for s in carto:
        questions = snapshot["activity"][str(s["id"])]["questions"]
        assert [(q["number"], q["text"]) for q in questions] == [
            (1, "Comment repérer tôt ?"),
            (2, "Comment associer les parents ?"),
        ]
    assert db.session.query(QuestionEssentielle).filter_by(cycle_id=first.cycle_id).count() == 2


def test_deleting_a_cycle_deletes_its_productions(make_atelier: Callable[..., Any]) -> None:
    from facilitator.core import retention
    from facilitator.models.questions import QuestionRevision

    atelier = make_atelier()
    cycle_id = atelier.cycle_id
    q = productions.create_question(cycle_id, "Comment repérer ?")
    one = Actor(cycle_id=cycle_id, client_id="del-a1xx", name="A", type="autre")
    two = Actor(cycle_id=cycle_id, client_id="del-a2xx", name="B", type="autre")
    db.session.add_all([one, two])
    db.session.flush()
    db.session.add(ActorAction(actor_id=one.id, client_id="del-x1xx", text="x", questions=[q]))
    db.session.add(
        Relation(cycle_id=cycle_id, client_id="del-r1xx", source_id=one.id, target_id=two.id)
    )
    db.session.commit()
    retention.delete_cycle(cycle_id)
    for model in (QuestionEssentielle, QuestionRevision, Actor, ActorAction, Relation):
        assert db.session.query(model).count() == 0, model
