"""Erasure is complete (issue 20, item 6): deleting or purging a cycle removes its stored
documents from the instance folder, and its text from the SQLite files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from facilitator.extensions import db

SECRET = "Zorglub-quintessence-4321"


def _files(instance: Path) -> set[str]:
    return {str(p.relative_to(instance)) for p in instance.rglob("*") if p.is_file()}


def _closed_with_documents(live: dict[str, Any]) -> tuple[int, int]:
    step = live["steps"]["idees"]
    card = {"step_id": step, "client_id": "erase-card-1", "text": SECRET, "column": "a"}
    assert live["a"].call("card_add", card)["ok"]
    assert live["anim"].call("atelier_close", {})["ok"]
    atelier = live["atelier"]
    return atelier.cycle_id, atelier.id


def _instance(app: Any) -> Path:
    return Path(app.config["INSTANCE_PATH"])


def test_deleting_a_cycle_erases_its_documents_and_its_text(
    app: Any, client: Any, live_atelier: dict[str, Any]
) -> None:
    cycle_id, atelier_id = _closed_with_documents(live_atelier)
    instance = _instance(app)
    before = _files(instance)
    stored = {f for f in before if f.startswith(f"documents/ateliers/{atelier_id}/")}
    assert {Path(f).name for f in stored} >= {"compte-rendu.docx", "compte-rendu.md"}
    assert any(SECRET in (instance / f).read_text() for f in stored if f.endswith(".md"))
    owner = live_atelier["animateur"]
    client.post("/connexion", data={"email": owner.email, "password": "mot-de-passe-solide"})
    title = live_atelier["atelier"].cycle.title
    r = client.post(f"/animateur/cycles/{cycle_id}/supprimer", data={"confirm_title": title})
    assert r.status_code == 302
    after = _files(instance)
    journal = {"test.db-wal", "test.db-shm"}  # SQLite's, come and go
    assert after - journal == before - stored - journal
    assert not (instance / "documents" / "ateliers" / str(atelier_id)).exists()
    for name in ("test.db", "test.db-wal"):
        path = instance / name
        if path.exists():
            assert SECRET.encode() not in path.read_bytes(), name


def test_purging_a_cycle_erases_its_documents_and_old_orphans(
    app: Any, live_atelier: dict[str, Any]
) -> None:
    from facilitator.documents import storage

    cycle_id, atelier_id = _closed_with_documents(live_atelier)
    orphan = storage.folder(987654)  # left by a cycle deleted before this fix
    orphan.mkdir(parents=True)
    (orphan / "compte-rendu.md").write_text("ancien")
    cycle = live_atelier["atelier"].cycle
    cycle.created_at = datetime.now(UTC) - timedelta(days=3 * 365)
    for atelier in cycle.ateliers:
        atelier.date = None
        atelier.started_at = atelier.closed_at = None
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and f"cycle {cycle_id} " in result.output
    assert "effacés : 1" in result.output
    root = _instance(app) / "documents" / "ateliers"
    assert not (root / str(atelier_id)).exists() and not orphan.exists()
