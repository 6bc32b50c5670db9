"""RGPD: retention, purge, deletion and export of a cycle's data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from facilitator.core import retention
from facilitator.extensions import db
from facilitator.models import Contribution, Cycle, Participant, Structure


def _age(cycle: Cycle, days: int) -> None:
    """Pretend the cycle's last activity was ``days`` ago."""
    cycle.created_at = datetime.now(UTC) - timedelta(days=days)
    for atelier in cycle.ateliers:
        atelier.date = None
        atelier.started_at = atelier.closed_at = None
    db.session.commit()


def test_purge_dry_run_then_real(app: Any, make_atelier: Any, make_participant: Any) -> None:
    old_atelier = make_atelier()
    make_participant(old_atelier, "Ancien")
    recent_atelier = make_atelier()
    _age(old_atelier.cycle, 25 * 31)
    _age(recent_atelier.cycle, 30)
    old, recent = old_atelier.cycle, recent_atelier.cycle
    old_id, recent_id = old.id, recent.id
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0
    assert f"cycle {old_id} " in dry.output and "serait supprimé" in dry.output
    assert f"cycle {recent_id} " not in dry.output
    assert db.session.get(Cycle, old_id) is not None
    real = runner.invoke(args=["purge"])
    assert real.exit_code == 0 and "1 cycle(s) supprimé(s)" in real.output
    assert db.session.get(Cycle, old_id) is None
    assert db.session.query(Participant).filter_by(cycle_id=old_id).count() == 0
    assert db.session.query(Structure).filter_by(cycle_id=old_id).count() == 0
    assert db.session.get(Cycle, recent_id) is not None


def test_retention_is_per_cycle(make_atelier: Any) -> None:
    atelier = make_atelier()
    _age(atelier.cycle, 200)
    assert retention.expired() == []
    retention.set_retention(atelier.cycle, 6)
    assert [e.cycle_id for e in retention.expired()] == [atelier.cycle_id]


def test_delete_cycle_needs_owner_and_title(
    client: Any, make_animateur: Any, make_atelier: Any, live_atelier: dict[str, Any]
) -> None:
    owner = live_atelier["animateur"]
    atelier = live_atelier["atelier"]
    cycle_id, title = atelier.cycle_id, atelier.cycle.title
    live_atelier["a"].call(
        "card_add",
        {
            "step_id": live_atelier["steps"]["idees"],
            "client_id": "del-card-1",
            "text": "x",
            "column": "a",
        },
    )
    client.post("/connexion", data={"email": owner.email, "password": "mot-de-passe-solide"})
    url = f"/animateur/cycles/{cycle_id}/supprimer"
    wrong = client.post(url, data={"confirm_title": "autre chose"})
    assert wrong.status_code == 400
    assert client.post(url, data={"confirm_title": title}).status_code == 302
    assert db.session.query(Cycle).filter_by(id=cycle_id).count() == 0
    assert db.session.query(Contribution).count() == 0


def test_co_animateur_cannot_delete(client: Any, make_animateur: Any, make_atelier: Any) -> None:
    from facilitator.models import CycleAnimateur

    atelier = make_atelier()
    co = make_animateur()
    db.session.add(CycleAnimateur(cycle_id=atelier.cycle_id, animateur_id=co.id, role="co"))
    db.session.commit()
    client.post("/connexion", data={"email": co.email, "password": "mot-de-passe-solide"})
    r = client.post(
        f"/animateur/cycles/{atelier.cycle_id}/supprimer",
        data={"confirm_title": atelier.cycle.title},
    )
    assert r.status_code == 403
    assert db.session.get(Cycle, atelier.cycle_id) is not None


def test_export_download_and_cli_round_trip(
    app: Any, client: Any, make_animateur: Any, make_atelier: Any, tmp_path: Any
) -> None:
    owner = make_animateur()
    atelier = make_atelier(owner)
    client.post("/connexion", data={"email": owner.email, "password": "mot-de-passe-solide"})
    r = client.get(f"/animateur/cycles/{atelier.cycle_id}/export.json")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    document = json.loads(r.data)
    assert document["format"] == "facilitator-cycle"
    path = tmp_path / "cycle.json"
    runner = app.test_cli_runner()
    out = runner.invoke(args=["export-cycle", str(atelier.cycle_id), "-o", str(path)])
    assert out.exit_code == 0, out.output
    imported = runner.invoke(args=["import-cycle", str(path), "--animateur", owner.email])
    assert imported.exit_code == 0, imported.output
    assert db.session.query(Cycle).filter_by(title=atelier.cycle.title).count() == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    bad = runner.invoke(args=["import-cycle", str(broken), "--animateur", owner.email])
    assert bad.exit_code != 0 and "pas du JSON" in bad.output


def test_an_atelier_date_outside_ten_years_is_refused(
    client: Any, make_animateur: Any, make_atelier: Any
) -> None:
    from datetime import date

    from facilitator.models import Atelier

    owner = make_animateur()
    atelier = make_atelier(owner)
    client.post("/connexion", data={"email": owner.email, "password": "mot-de-passe-solide"})
    url = f"/animateur/cycles/{atelier.cycle_id}/ateliers"
    before = db.session.query(Atelier).count()
    for day in ("9999-12-31", "9000-01-01", "1900-01-01", f"{date.today().year + 11}-01-01"):
        r = client.post(url, data={"script_id": "lancement-interconnaissance", "date": day})
        assert r.status_code == 400, day
        page = r.get_data(as_text=True)
        # a past date meets the new-atelier rule first (issue 16), a far one the window
        assert "doit être comprise entre le" in page or "est passée" in page, day
    assert db.session.query(Atelier).count() == before


def test_existing_bad_dates_neither_break_the_page_nor_the_purge(
    app: Any, client: Any, make_animateur: Any, make_atelier: Any
) -> None:
    from datetime import date

    owner = make_animateur()
    broken = make_atelier(owner)
    far = make_atelier(owner)
    old = make_atelier(owner)
    _age(old.cycle, 25 * 31)
    broken.date, far.date = date(9999, 12, 31), date(9000, 1, 1)  # stored before the checks
    db.session.commit()
    old_id, broken_id, far_id = old.cycle_id, broken.cycle_id, far.cycle_id
    client.post("/connexion", data={"email": owner.email, "password": "mot-de-passe-solide"})
    page = client.get(f"/animateur/cycles/{broken.cycle_id}")
    assert page.status_code == 200
    assert "ne peut\n    pas être calculée" in page.get_data(as_text=True)
    expiry = retention.expiry(far.cycle)
    assert expiry.expires_at is None and "01/01/9000" in (expiry.problem or "")
    runner = app.test_cli_runner()
    for args in (["purge", "--dry-run"], ["purge"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert f"cycle {broken.cycle_id} " in result.output and "ignoré" in result.output
        assert "2 cycle(s) ignoré(s)" in result.output
    assert db.session.get(Cycle, old_id) is None  # the purge went on with the others
    assert db.session.get(Cycle, broken_id) is not None
    assert db.session.get(Cycle, far_id) is not None


def test_cli_on_a_database_never_migrated_says_what_to_run(tmp_path: Any) -> None:
    """`flask import-cycle` into a fresh database: a French sentence, not a traceback."""
    from facilitator import create_app

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    document = fresh / "cycle.json"
    document.write_text('{"format": "facilitator-cycle"}', encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(fresh),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{fresh / 'never-migrated.db'}",
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    runner = app.test_cli_runner()
    with app.app_context():
        for args in (["import-cycle", str(document)], ["export-cycle", "1", "-o", "x.json"]):
            out = runner.invoke(args=args)
            assert out.exit_code == 1, out.output
            assert "flask --app facilitator db upgrade" in out.output, out.output
            assert (
                "Traceback" not in out.output
                and out.exception is None
                or isinstance(out.exception, SystemExit)
            )
        db.engine.dispose()
