"""Identity that cannot be reused (issue 20, item 3): ids never come back after a deletion
(SQLite AUTOINCREMENT, migration 0009), and a participant's socket token carries a key of
its secret, checked at connect."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask

from facilitator import create_app, db_migrate
from facilitator.core import retention, tokens
from facilitator.extensions import db, socketio
from facilitator.models import _types
from tests.conftest import _config, socket_token


def test_a_deleted_cycles_socket_token_is_refused_in_the_next_cycle(
    app: Flask, make_animateur: Any, make_atelier: Any, make_participant: Any, connect: Any
) -> None:
    old = make_atelier(make_animateur())
    mallory = make_participant(old, "Mallory")
    old_ids = (old.cycle_id, old.id, mallory.id)
    replay = socket_token("participant", old, mallory)
    assert connect("participant", old, mallory).connected
    retention.delete_cycle(old.cycle_id)
    new = make_atelier(make_animateur("autre@exemple.fr"))
    alice = make_participant(new, "Alice")
    assert (new.cycle_id, new.id, alice.id) != old_ids  # never the same ids again
    assert min(new.cycle_id - old_ids[0], new.id - old_ids[1], alice.id - old_ids[2]) > 0
    client = socketio.test_client(app, auth={"token": replay})
    assert not client.is_connected()


def test_a_token_whose_key_does_not_match_is_refused(
    app: Flask, make_atelier: Any, make_participant: Any
) -> None:
    """Even with the right ids (a row whose id came back, before migration 0009)."""
    atelier = make_atelier()
    alice = make_participant(atelier, "Alice")
    claims = tokens.participant_claims(atelier.id, alice.id, alice.token_hash)
    for forged in (
        {k: v for k, v in claims.items() if k != "s"},
        {**claims, "s": tokens.participant_key("0" * 64)},
        {**claims, "s": 12},
    ):
        client = socketio.test_client(app, auth={"token": tokens.sign_socket_token(forged)})
        assert not client.is_connected()
    good = socketio.test_client(app, auth={"token": tokens.sign_socket_token(claims)})
    assert good.is_connected()
    good.disconnect()


def _filler(column: dict[str, Any], parents: dict[str, int]) -> Any:
    kind = column["type"]
    if column["name"] in parents:
        return parents[column["name"]]
    if isinstance(kind, sa.Boolean):
        return 0
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1)
    if isinstance(kind, sa.Date):
        return "2026-01-01"
    if isinstance(kind, sa.JSON):
        return "{}"
    return "x"


def _plain_tables(conn: Any) -> list[str]:
    """Tables with an integer id but no AUTOINCREMENT."""
    rows = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%id INTEGER NOT%'"
        " AND sql NOT LIKE '%AUTOINCREMENT%' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


def _count(conn: Any, table: str) -> int:
    return int(conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{table}"').scalar())


@pytest.fixture
def before_0009(tmp_path: Path) -> Iterator[Flask]:
    """A database as a server had it before migration 0009: made by the earlier migrations
    without the listener that now gives every new table AUTOINCREMENT."""
    app = create_app(_config(tmp_path))
    sa.event.remove(sa.Table, "after_parent_attach", _types._never_reuse_ids)
    try:
        with app.app_context():
            script = ScriptDirectory.from_config(db_migrate.alembic_config()).get_revision("0009")
            db_migrate.upgrade(str(script.down_revision))
            db.engine.dispose()
    finally:
        sa.event.listen(sa.Table, "after_parent_attach", _types._never_reuse_ids)
    yield app


def test_migration_0009_keeps_every_row_and_foreign_key(before_0009: Flask) -> None:
    """One row in every table (parents first), then the migration: the same rows, foreign
    keys on and intact, AUTOINCREMENT everywhere, cascades still working."""
    with before_0009.app_context():
        engine = db.engine
        inspector = sa.inspect(engine)
        ordered = [t.name for t in db.metadata.sorted_tables if inspector.has_table(t.name)]
        with engine.begin() as conn:
            for name in ordered:
                fks = inspector.get_foreign_keys(name)
                parents = {fk["constrained_columns"][0]: 1 for fk in fks}
                row = {
                    c["name"]: 1 if c["name"] == "id" else _filler(c, parents)
                    for c in inspector.get_columns(name)
                    if not c["nullable"] or c["name"] in parents or c["name"] == "id"
                }
                conn.execute(sa.table(name, *map(sa.column, row)).insert().values(row))
        with engine.connect() as conn:
            counts = {n: _count(conn, n) for n in ordered}
        assert set(counts.values()) == {1}
        with engine.connect() as conn:
            assert _plain_tables(conn)  # what the migration is for
        db_migrate.upgrade()
        db.engine.dispose()
        with db.engine.connect() as conn:
            after = {n: _count(conn, n) for n in ordered}
            assert after == counts
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert _plain_tables(conn) == []
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM cycle")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM participant").scalar() == 0
        db.engine.dispose()
