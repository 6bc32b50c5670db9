"""The compte rendu of a step that ran in sub-groups (issue 18): each group's composition
by structure type, members' names only when the step was not anonymous, and what each
group produced."""

from __future__ import annotations

from typing import Any

from facilitator.documents import compte_rendu, loaders
from facilitator.rendering import markdown
from tests.groups_helpers import SCRIPT, card, formed, room


def _text(atelier_id: int) -> str:
    return markdown.render(compte_rendu.compose(loaders.atelier_context(atelier_id))).decode()


def _room(make_atelier: Any, make_animateur: Any, connect: Any, anonymous: bool) -> Any:
    script = SCRIPT
    if anonymous:
        script = SCRIPT.replace(
            "votes: {budget: 3, max_per_card: 2}\n",
            "votes: {budget: 3, max_per_card: 2}\n      anonymous: true\n",
        )
    r = room(make_atelier, make_animateur, connect, script)
    where = formed(r)
    for name in where:
        assert card(r["socks"][name], r["step"], f"Proposition de {name}")["ok"]
    assert r["anim"].call("groups_merge", {"step_id": r["step"]})["ok"]
    return r, where


def test_the_compte_rendu_keeps_the_groups_and_what_each_produced(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r, where = _room(make_atelier, make_animateur, connect, anonymous=False)
    text = _text(r["atelier"].id)
    assert "en 2 sous-groupes" in text
    assert "Éducation nationale : 1" in text and "Association : 1" in text
    assert "Composition en fin d'étape" in text  # the membership after the moves
    for name in where:
        assert f"{name} (" in text  # not anonymous: the members are named
    group = next(g for g in ("Groupe 1", "Groupe 2") if f"Production du groupe « {g} »" in text)
    production = text.split(f"Production du groupe « {group} »")[1].split("###")[0]
    assert production.count("Proposition de") == 2


def test_an_anonymous_step_in_groups_names_nobody(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    r, where = _room(make_atelier, make_animateur, connect, anonymous=True)
    text = _text(r["atelier"].id)
    assert "Composition par type de structure" in text
    assert "Membres" not in text
    for name in where:
        assert f"{name} (" not in text


def test_the_compte_rendu_keeps_each_group_s_questions_and_amendments(
    make_atelier: Any, make_animateur: Any, connect: Any
) -> None:
    from tests.groups_helpers import act
    from tests.test_groups_questions import SCRIPT as QUESTIONS

    r = room(make_atelier, make_animateur, connect, QUESTIONS)
    where = formed(r)
    numbers = {name: i for i, name in enumerate(sorted(where), 1)}
    for name, i in numbers.items():
        ack = act(r["socks"][name], r["step"], "propose", client_id=f"qe-cr-{i:04d}",
                  text=f"Question numéro {i} ?")  # fmt: skip
        assert ack["ok"], ack
    assert r["anim"].call("groups_merge", {"step_id": r["step"]})["ok"]
    text = _text(r["atelier"].id)
    assert "en 2 sous-groupes" in text
    production = text.split("Production du groupe « Groupe 1 »")[1].split("###")[0]
    mine = sorted(n for n in where if where[n] == min(where.values()))
    assert sorted(n for n in where if f"Question numéro {numbers[n]} ?" in production) == mine
