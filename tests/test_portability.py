"""A cycle exported as JSON and imported again loses nothing; bad files import nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from facilitator.activities.evaluation.models import (
    ConditionAssessment,
    CycleIndicator,
    EvaluationResponse,
)
from facilitator.cycle_life import portability
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import Atelier, Contribution, Cycle, Participant, Vote
from facilitator.models._types import utcnow
from facilitator.models.cycle_life import ParticipantVisit, Restitution, StructureProfile


def normalise(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Ids replaced by ranks, regenerated columns dropped: equal for a faithful copy."""
    tables = document["tables"]
    rank = {
        name: {row["id"]: i for i, row in enumerate(sorted(rows, key=lambda r: r["id"]))}
        for name, rows in tables.items()
    }
    refs = {
        (t.name, c.name): next(iter(c.foreign_keys)).column.table.name
        for t in db.metadata.sorted_tables
        for c in t.columns
        if c.foreign_keys
    }
    refs.update(portability.SOFT_REFERENCES)
    out = {}
    for name, rows in tables.items():
        if name in portability.REBUILT:
            continue
        normal = []
        for row in sorted(rows, key=lambda r: r["id"]):
            item = {}
            for key, value in row.items():
                if (name, key) in portability.WITHHELD:
                    continue
                if key == "id":
                    value = rank[name][value]
                elif (name, key) in refs and value is not None:
                    target = refs[(name, key)]
                    value = "animateur" if target == "animateur" else rank[target][value]
                item[key] = value
            normal.append(item)
        out[name] = normal
    return out


@pytest.fixture
def busy_cycle(live_atelier: dict[str, Any]) -> Cycle:
    anim, a, b = live_atelier["anim"], live_atelier["a"], live_atelier["b"]
    step = live_atelier["steps"]["vote"]
    anim.call("step_goto", {"step_id": step})
    ids = []
    for i, sock in enumerate((a, b, a)):
        ack = sock.call(
            "card_add",
            {"step_id": step, "client_id": f"port-{i:06d}", "text": f"Idée {i} <b>", "column": "a"},
        )
        ids.append(ack["card"]["id"])
    a.call("vote", {"card_id": ids[1], "delta": 1})
    b.call("vote", {"card_id": ids[0], "delta": 1})
    anim.call("card_edit", {"card_id": ids[2], "version": 1, "cluster": "Parents"})
    anim.call("card_mask", {"card_id": ids[0], "masked": True})
    _cycle_life(live_atelier)
    return live_atelier["atelier"].cycle


def _cycle_life(live: dict[str, Any]) -> None:
    """Rows of every cycle-life table (issue 9)."""
    atelier, alice = live["atelier"], live["alice"]
    cycle = atelier.cycle
    step = atelier.steps[0]
    step.async_until = utcnow() + dt.timedelta(days=3)
    structure = cycle.structures[0]
    now = utcnow()
    db.session.add_all(
        [
            ParticipantVisit(participant_id=alice.id, previous_at=now, last_at=now),
            StructureProfile(
                structure_id=structure.id,
                actions="Accueil des familles",
                contact_name="Sacha Lefebvre",
                contact_email="sacha@exemple.fr",
                contact_consent_at=now,
                update_token_hash="a" * 64,
                version=3,
            ),
            Restitution(cycle_id=cycle.id, public_token="secret-public", published=True),
            EvaluationResponse(
                step_id=step.id,
                participant_id=alice.id,
                meteo=4,
                utilite=5,
                suggestion="Bien",
                conditions={"programme_commun": 3},
            ),
            ConditionAssessment(
                cycle_id=cycle.id, atelier_id=atelier.id, condition="programme_commun", level=2
            ),
            ConditionAssessment(
                cycle_id=cycle.id, atelier_id=None, condition="structure_soutien", level=4
            ),
            CycleIndicator(cycle_id=cycle.id, kind="impact", label="Parents venus", value="12"),
        ]
    )
    db.session.commit()


CYCLE_LIFE = {
    "participant_visit",
    "structure_profile",
    "restitution",
    "evaluation_response",
    "condition_assessment",
    "cycle_indicator",
}


def test_round_trip_loses_nothing(busy_cycle: Cycle, make_animateur: Any) -> None:
    exported = portability.export_cycle(busy_cycle.id)
    text = json.dumps(exported)  # really JSON
    importer = make_animateur()
    copy_ = portability.import_cycle(json.loads(text), importer)
    assert copy_.id != busy_cycle.id
    again = portability.export_cycle(copy_.id)
    assert normalise(again) == normalise(exported)
    assert (
        set(exported["tables"])
        >= {
            "cycle",
            "atelier",
            "step",
            "structure",
            "participant",
            "attendance",
            "contribution",
            "vote",
        }
        | CYCLE_LIFE
    )
    assert exported["version"] == portability.VERSION == 2
    # secrets are never carried over; a copy is never public until published again
    restitution = db.session.query(Restitution).filter_by(cycle_id=copy_.id).one()
    assert restitution.public_token != "secret-public" and not restitution.published
    profile = (
        db.session.query(StructureProfile)
        .filter(StructureProfile.structure_id.in_([s.id for s in copy_.structures]))
        .one()
    )
    assert profile.update_token_hash is None and profile.contact_name == "Sacha Lefebvre"
    assert any(s.async_until is not None for a in copy_.ateliers for s in a.steps)
    new_atelier = db.session.query(Atelier).filter_by(cycle_id=copy_.id).one()
    old_atelier = busy_cycle.ateliers[0]
    assert new_atelier.link_token != old_atelier.link_token
    # secrets are not even in the file; the copy gets new personal codes
    for name, column in portability.WITHHELD:
        assert all(row[column] is None for row in exported["tables"].get(name, [])), column
    codes = set(
        db.session.scalars(select(Participant.personal_code).filter_by(cycle_id=busy_cycle.id))
    )
    copied = set(db.session.scalars(select(Participant.personal_code).filter_by(cycle_id=copy_.id)))
    assert len(copied) == len(codes) and all(copied) and not copied & codes
    assert new_atelier.join_code not in (None, old_atelier.join_code)
    assert new_atelier.current_step_id in {s.id for s in new_atelier.steps}
    assert db.session.query(Contribution).filter_by(atelier_id=new_atelier.id).count() == 3
    assert (
        db.session.query(Vote)
        .join(Contribution)
        .filter(Contribution.atelier_id == new_atelier.id)
        .count()
        == 2
    )


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=99), "plus récente"),
        (lambda d: d.update(format="autre"), "n'est pas un export"),
        (lambda d: d["tables"].update(piratage=[{"id": 1}]), "Tables inconnues"),
        (lambda d: d["tables"]["vote"][0].update(contribution_id=987654), "ligne absente"),
        (lambda d: d["tables"]["contribution"][0].update(text=None), "corrompu"),
        (lambda d: d["tables"].update(cycle=[]), "exactement un cycle"),
        (lambda d: d.update(version=0), "illisible"),
        (lambda d: d.update(version="2"), "illisible"),
        (lambda d: d.update(version=True), "illisible"),
        (lambda d: d["tables"]["evaluation_response"][0].update(step_id=987654), "ligne absente"),
        (lambda d: d["tables"]["cycle_indicator"][0].update(label=None), "corrompu"),
        (lambda d: d["tables"]["restitution"].append({"id": 99, "cycle_id": 1}), "corrompu"),
    ],
)
def test_bad_files_import_nothing(
    busy_cycle: Cycle, make_animateur: Any, mutate: Any, message: str
) -> None:
    document = copy.deepcopy(portability.export_cycle(busy_cycle.id))
    mutate(document)
    models = (Cycle, Contribution, StructureProfile, EvaluationResponse, CycleIndicator)
    before = [db.session.query(m).count() for m in models]
    with pytest.raises(InvalidInput) as caught:
        portability.import_cycle(document, make_animateur())
    assert message in caught.value.message_fr
    assert [db.session.query(m).count() for m in models] == before


def test_a_version_1_file_is_migrated(busy_cycle: Cycle, make_animateur: Any) -> None:
    """A file written before cycle life (format 1): no async_until, no cycle-life tables."""
    document = copy.deepcopy(portability.export_cycle(busy_cycle.id))
    document["version"] = 1
    for name in CYCLE_LIFE:
        document["tables"].pop(name, None)
    for step in document["tables"]["step"]:
        del step["async_until"]
    copy_ = portability.import_cycle(document, make_animateur())
    steps = [s for a in copy_.ateliers for s in a.steps]
    assert steps and all(s.async_until is None for s in steps)
    assert db.session.query(Contribution).join(Atelier).filter(Atelier.cycle_id == copy_.id).count()
    assert "async_until" not in document["tables"]["step"][0]  # the caller's file is untouched
