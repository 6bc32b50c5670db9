"""Productions between ateliers (HTTP): the questions page (edit with a version check, order,
withdraw with what is affected, restore, add, history) and the map's exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from facilitator.activities.cartographie.models import Actor, ActorAction, Relation
from facilitator.core import questions as productions
from facilitator.extensions import db


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


@pytest.fixture
def cycle(make_animateur: Any, make_atelier: Any, client: Any) -> dict[str, Any]:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    cycle_id = atelier.cycle_id
    q1 = productions.create_question(cycle_id, "Comment repérer tôt ?", atelier_id=atelier.id)
    q2 = productions.create_question(cycle_id, "Comment associer les parents ?")
    college = Actor(
        cycle_id=cycle_id,
        client_id="web-a1xx",
        name='=HYPERLINK("x")',
        type="education_nationale",
        champs=["education_jeunesse"],
    )
    caf = Actor(cycle_id=cycle_id, client_id="web-a2xx", name="CAF", type="caf")
    db.session.add_all([college, caf])
    db.session.flush()
    db.session.add(
        ActorAction(actor_id=caf.id, client_id="web-x1xx", text="Aide aux vacances", questions=[q2])
    )
    db.session.add(
        Relation(
            cycle_id=cycle_id,
            client_id="web-r1xx",
            source_id=caf.id,
            target_id=college.id,
            question_id=q2.id,
            level="coordination",
            natures=["information"],
        )
    )
    db.session.commit()
    login(client, animateur)
    return {"id": cycle_id, "q1": q1.id, "q2": q2.id, "atelier": atelier, "animateur": animateur}


def page(client: Any, cycle_id: int) -> str:
    r = client.get(f"/animateur/cycles/{cycle_id}/questions")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_questions_page_edit_order_remove_restore(client: Any, cycle: dict[str, Any]) -> None:
    base = f"/animateur/cycles/{cycle['id']}/questions"
    html = page(client, cycle["id"])
    assert "Question 1" in html and "Comment repérer tôt ?" in html
    assert "Validée à l'atelier" in html
    r = client.post(
        f"{base}/{cycle['q1']}/modifier",
        data={"version": "1", "text": "Comment repérer plus tôt ?"},
    )
    assert r.status_code == 302
    # a stale edit: refused, with the current text, the user's text kept in the field
    r = client.post(f"{base}/{cycle['q1']}/modifier", data={"version": "1", "text": "Mon texte"})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "Comment repérer plus tôt ?" in html and ">Mon texte</textarea>" in html
    r = client.post(f"{base}/{cycle['q2']}/deplacer", data={"position": "1"})
    assert r.status_code == 302
    assert [q["id"] for q in productions.questions_list(cycle["id"])] == [cycle["q2"], cycle["q1"]]
    r = client.post(f"{base}/{cycle['q2']}/retirer", data={"version": "2"}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "1 action et 1 relation y renvoient encore" in html
    assert "Questions retirées" in html
    client.post(f"{base}/{cycle['q2']}/restaurer")
    assert [q["number"] for q in productions.questions_list(cycle["id"])] == [1, 2]
    r = client.post(base, data={"text": "Qui coordonne ?"}, follow_redirects=True)
    assert "Question essentielle ajoutée." in r.get_data(as_text=True)
    assert client.post(base, data={"text": " "}).status_code == 400
    html = page(client, cycle["id"])
    assert "Historique (4)" in html  # q2: validée, déplacée, retirée, restaurée
    assert client.post(f"{base}/{cycle['q1']}/inconnu").status_code == 404


def test_map_page_and_exports(client: Any, cycle: dict[str, Any]) -> None:
    r = client.get(f"/animateur/cycles/{cycle['id']}/cartographie")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<svg" in html and "Angles morts" in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    base = f"/animateur/cycles/{cycle['id']}/cartographie"
    actors = client.get(f"{base}/acteurs.csv")
    assert actors.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in actors.headers["Content-Disposition"]
    body = actors.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["N°", "Acteur", "Type"]
    assert rows[1][1] == '\'=HYPERLINK("x")'  # formula neutralised
    assert rows[2][8] == "Aide aux vacances (Q2)"
    relations = client.get(f"{base}/relations.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(relations), delimiter=";"))
    assert rows[1][:6] == [
        "CAF",
        '\'=HYPERLINK("x")',
        "Existante",
        "Coordination",
        "Information",
        "Q2",
    ]
    svg = client.get(f"{base}/carte.svg")
    assert svg.mimetype == "image/svg+xml" and b"<title" in svg.get_data()
    png = client.get(f"{base}/carte.png")
    assert png.mimetype == "image/png" and png.get_data().startswith(b"\x89PNG")
    assert client.get(f"{base}/autre.txt").status_code == 404
    atelier = cycle["atelier"]
    assert (
        client.get(f"/animateur/ateliers/{atelier.id}/cartographie/acteurs.csv").status_code == 200
    )
    anonymous = client.application.test_client()
    assert anonymous.get(f"/lecture/{atelier.read_token}/cartographie/carte.svg").status_code == 200
    assert anonymous.get("/lecture/mauvais/cartographie/carte.svg").status_code == 404
    assert anonymous.get(f"{base}/carte.svg").status_code == 302  # to the login page


def test_other_animateurs_are_refused(
    client: Any, cycle: dict[str, Any], make_animateur: Any
) -> None:
    other = client.application.test_client()
    login(other, make_animateur())
    assert other.get(f"/animateur/cycles/{cycle['id']}/questions").status_code == 403
    assert other.get(f"/animateur/cycles/{cycle['id']}/cartographie/acteurs.csv").status_code == 403
    r = other.post(
        f"/animateur/cycles/{cycle['id']}/questions/{cycle['q1']}/retirer", data={"version": "1"}
    )
    assert r.status_code == 403
    assert productions.questions_list(cycle["id"])[0]["active"]
