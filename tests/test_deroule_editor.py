"""The déroulé editor's server side (issue 16): the method library with every type's
settings schema, checking with the scripts' validator (problems placed on their field),
personal and shared déroulés stored and exported as the YAML ``scripts validate``
accepts, YAML import with the validator's errors, an atelier's steps adjusted until they
start, and the model cycle's closing evaluation step."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
import yaml

from facilitator import contract
from facilitator.core import cycles
from facilitator.cycle_life import async_steps
from facilitator.extensions import db
from facilitator.models import Atelier, Deroule
from facilitator.scripts import load_script_text
from facilitator.scripts.cycles import list_templates
from tests.test_atelier_planning import login

DEROULE: dict[str, Any] = {
    "id": "mon-atelier",
    "title": "Mon atelier",
    "description": "",
    "duration": 60,
    "steps": [
        {
            "id": "idees",
            "type": "cartes",
            "title": "Idées",
            "consigne": "Une idée par carte.",
            "duration": 20,
            "settings": {"columns": [{"id": "a", "label": "A"}], "votes": None},
        },
        {
            "id": "qe",
            "type": "questions_essentielles",
            "title": "Questions",
            "consigne": "Formulez.",
            "duration": 30,
            "settings": {"enjeux_from": "idees", "votes": {"budget": 4, "max_per_card": 1}},
        },
    ],
}


@pytest.fixture
def signed_in(make_animateur: Any, client: Any) -> dict[str, Any]:
    animateur = make_animateur()
    login(client, animateur)
    return {"animateur": animateur, "client": client}


def test_the_library_offers_every_type_with_its_schema(signed_in: dict[str, Any]) -> None:
    page = signed_in["client"].get("/animateur/deroules/nouveau").get_data(as_text=True)
    for type_id, activity in contract.REGISTRY.items():
        assert f"&#34;type&#34;: &#34;{type_id}&#34;" in page
        activity.Settings.model_json_schema()  # every schema can be generated


def test_check_places_each_problem_on_its_field(signed_in: dict[str, Any]) -> None:
    client = signed_in["client"]
    ok = client.post("/animateur/deroules/verifier", json={"deroule": DEROULE}).get_json()
    assert ok["ok"] is True
    assert load_script_text(ok["yaml"]).title == "Mon atelier"  # what the command accepts
    bad = yaml.safe_load(yaml.safe_dump(DEROULE))
    bad["steps"][1]["settings"]["votes"] = {"budget": 0, "max_per_card": 1}
    bad["steps"][0]["settings"]["columns"] = []
    answer = client.post("/animateur/deroules/verifier", json={"deroule": bad}).get_json()
    places = {p["loc"]: p["message"] for p in answer["problems"]}
    assert answer["ok"] is False
    assert places["steps[1].settings.votes.budget"] == "doit être supérieur ou égal à 1"
    assert "steps[0].settings.columns" in places
    later = yaml.safe_load(yaml.safe_dump(DEROULE))
    later["steps"].reverse()  # the questions now take their enjeux from a later step
    answer = client.post("/animateur/deroules/verifier", json={"deroule": later}).get_json()
    places = {p["loc"]: p["message"] for p in answer["problems"]}
    assert "étape précédente" in places["steps[0].settings.enjeux_from"]
    junk = client.post("/animateur/deroules/verifier", json={"deroule": "x"}).get_json()
    assert junk["ok"] is False


def test_save_personal_then_shared_and_export(
    signed_in: dict[str, Any], make_animateur: Any, app: Any
) -> None:
    client = signed_in["client"]
    saved = client.post("/animateur/deroules/enregistrer", json={"deroule": DEROULE}).get_json()
    assert saved["ok"]
    exported = client.get(saved["export"]).get_data(as_text=True)
    assert load_script_text(exported).steps[1]["settings"]["enjeux_from"] == "idees"
    other = app.test_client()
    login(other, make_animateur())
    assert other.get(saved["url"]).status_code == 404  # personal
    again = client.post(
        "/animateur/deroules/enregistrer", json={"deroule": DEROULE, "shared": True}
    ).get_json()
    assert again["id"] == saved["id"] and db.session.query(Deroule).count() == 1
    assert other.get(saved["url"]).status_code == 200  # shared now
    assert other.post(f"/animateur/deroules/{saved['id']}/supprimer").status_code == 403
    bad = client.post(
        "/animateur/deroules/enregistrer", json={"deroule": {**DEROULE, "id": "Pas Valide"}}
    )
    assert bad.get_json()["ok"] is False and db.session.query(Deroule).count() == 1


def test_a_saved_deroule_creates_an_atelier(signed_in: dict[str, Any]) -> None:
    client = signed_in["client"]
    saved = client.post("/animateur/deroules/enregistrer", json={"deroule": DEROULE}).get_json()
    cycle = cycles.create_cycle(signed_in["animateur"], "Cycle")
    page = client.get(f"/animateur/cycles/{cycle.id}").get_data(as_text=True)
    assert f'value="deroule-{saved["id"]}"' in page
    r = client.post(
        f"/animateur/cycles/{cycle.id}/ateliers", data={"script_id": f"deroule-{saved['id']}"}
    )
    assert r.status_code == 302
    atelier = db.session.query(Atelier).filter_by(cycle_id=cycle.id).one()
    assert [s.key for s in atelier.steps] == ["idees", "qe"]


def test_import_shows_the_validator_errors_and_stores_nothing(signed_in: dict[str, Any]) -> None:
    client = signed_in["client"]
    broken = "format: 1\nid: x\ntitle: X\nsteps:\n  - id: a\n    type: inconnu\n"
    r = client.post(
        "/animateur/deroules/importer",
        data={"fichier": (io.BytesIO(broken.encode()), "x.yaml")},
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "type d&#39;activité inconnu" in page
    assert "steps[0].type" in page and db.session.query(Deroule).count() == 0
    good = yaml.safe_dump({"format": 1, **DEROULE}, allow_unicode=True)
    r = client.post(
        "/animateur/deroules/importer",
        data={"fichier": (io.BytesIO(good.encode()), "bon.yaml")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302 and db.session.query(Deroule).count() == 1


def _steps(atelier: Atelier) -> list[dict[str, Any]]:
    return [
        {
            "id": s.key,
            "type": s.type,
            "title": s.title,
            "consigne": s.consigne,
            "help": s.help,
            "duration": s.duration_minutes,
            "settings": s.settings,
        }
        for s in atelier.steps
    ]


def test_an_atelier_adjusted_until_its_steps_start(
    live_atelier: dict[str, Any], client: Any
) -> None:
    atelier = live_atelier["atelier"]  # started: its first step is active
    login(client, live_atelier["animateur"])
    steps = _steps(atelier)
    url = f"/animateur/ateliers/{atelier.id}/deroule"
    page = client.get(url).get_data(as_text=True)
    assert "&#34;locked&#34;: true" in page
    base = {"id": "test-board", "title": "T", "duration": 60}
    # the started step changed or removed: refused, nothing changed
    changed = [{**steps[0], "consigne": "Autre"}, *steps[1:]]
    r = client.post(url, json={"deroule": {**base, "steps": changed}, "version": 1})
    assert r.get_json()["ok"] is False and "a commencé" in r.get_json()["error"]
    r = client.post(url, json={"deroule": {**base, "steps": steps[1:]}, "version": 1})
    assert r.get_json()["ok"] is False and "retirée" in r.get_json()["error"]
    # the others: reordered, one edited, one removed, one added (an evaluation)
    evaluation = {
        "id": "meteo",
        "type": "evaluation",
        "title": "Météo",
        "consigne": "Comment repartez-vous ?",
        "duration": 5,
        "settings": {"scope": "atelier", "conditions": False},
    }
    new_steps = [steps[0], {**steps[2], "title": "Retournées"}, evaluation]
    live_atelier["anim"].received()
    r = client.post(url, json={"deroule": {**base, "steps": new_steps}, "version": 1})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    db.session.expire_all()
    assert [(s.key, s.title) for s in atelier.steps] == [
        (steps[0]["id"], steps[0]["title"]),
        ("secret", "Retournées"),
        ("meteo", "Météo"),
    ]
    assert atelier.script_snapshot["steps"][2]["type"] == "evaluation"
    pushed = [e for e in live_atelier["anim"].events() if e["type"] == "atelier.updated"]
    assert [s["title"] for s in pushed[-1]["data"]["steps"]][-1] == "Météo"
    journal = client.get(f"/animateur/ateliers/{atelier.id}/journal").get_data(as_text=True)
    first_row = journal.split("<tbody>")[1].split("</tr>")[0]
    assert "déroulé modifié" in first_row and live_atelier["animateur"].name in first_row
    stale = client.post(url, json={"deroule": {**base, "steps": new_steps}, "version": 1})
    assert stale.get_json()["code"] == "stale"


def test_the_model_cycle_ends_each_atelier_with_a_removable_evaluation(
    make_animateur: Any, app: Any, client: Any
) -> None:
    animateur = make_animateur()
    cycle = cycles.create_cycle(animateur, "Modèle")
    template = list_templates(app.config["SCRIPTS_DIR"])["impact-collectif"]
    created = cycles.apply_template(cycle, template)
    held = [a for a in created if "restitution" not in a.script_id]
    assert len(held) == 9
    assert all(a.steps[-1].type == "evaluation" for a in held)
    login(client, animateur)
    atelier = held[0]
    without = _steps(atelier)[:-1]
    deroule = {"id": atelier.script_id, "title": "Sans météo", "steps": without}
    r = client.post(f"/animateur/ateliers/{atelier.id}/deroule", json={"deroule": deroule})
    assert r.get_json()["ok"] is True
    db.session.expire_all()
    assert all(s.type != "evaluation" for s in atelier.steps)


def test_a_step_whose_window_between_ateliers_opened_stays(
    make_animateur: Any, make_atelier: Any, client: Any
) -> None:
    """A step opened for contributions between ateliers (then closed again) may keep what
    its activity stores in its own tables: it is neither removed nor changed, as an
    atelier whose step was opened is never deleted."""
    animateur = make_animateur()
    atelier = make_atelier(animateur)  # prepared, never started
    login(client, animateur)
    steps = _steps(atelier)
    window = atelier.steps[1]
    async_steps.open_async(window, date.today() + timedelta(days=7))
    async_steps.close_async(window)
    db.session.expire_all()
    assert window.async_until is None and window.status == "pending"
    url = f"/animateur/ateliers/{atelier.id}/deroule"
    page = client.get(url).get_data(as_text=True)
    assert page.count("&#34;locked&#34;: true") == 1
    base = {"id": "test-board", "title": "T", "duration": 60}
    for refused in (
        [steps[0], steps[2]],  # removed
        [steps[0], {**steps[1], "consigne": "Autre consigne"}, steps[2]],  # changed
    ):
        r = client.post(url, json={"deroule": {**base, "steps": refused}})
        body = r.get_json()
        assert body["ok"] is False and "entre les ateliers" in body["error"], body
    db.session.expire_all()
    assert [s.key for s in atelier.steps] == [s["id"] for s in steps]
    assert atelier.steps[1].consigne == steps[1]["consigne"]
    # the other steps still change
    r = client.post(url, json={"deroule": {**base, "steps": [steps[1], steps[0]]}})
    assert r.get_json()["ok"] is True
