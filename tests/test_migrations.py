"""The Alembic migrations build exactly the schema the models declare: a model changed
without its migration (or the reverse) fails here, not on an administrator's server."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from facilitator import db_migrate
from facilitator.extensions import db


def _differences(app: Flask) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(app: Flask) -> None:
    assert _differences(app) == []


def _row_counts(connection: Any) -> dict[str, int]:
    names = [
        name
        for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
        )
    ]
    return {
        name: int(connection.exec_driver_sql(f'SELECT COUNT(*) FROM "{name}"').scalar())
        for name in names
    }


def test_downgrades_to_0011_and_back_keep_every_row_on_sqlite(
    app: Flask, live_atelier: dict[str, Any]
) -> None:
    """Downgrading 0012 (and 0015) copies the atelier and cycle tables (SQLite drops
    columns by copying): with foreign keys on, dropping the old table deleted every step,
    card and attendance."""
    anim = live_atelier["anim"]
    step_id = live_atelier["steps"]["idees"]
    added = anim.call(
        "card_add", {"step_id": step_id, "client_id": "m0012-card", "text": "Idée", "column": "a"}
    )
    assert added["ok"], added
    for sock in (anim, live_atelier["a"], live_atelier["b"]):
        sock.disconnect()
    db.session.remove()
    with db.engine.connect() as connection:
        before = _row_counts(connection)
    assert before["step"] and before["contribution"] and before["attendance"]
    db.engine.dispose()

    command.downgrade(db_migrate.alembic_config(), "0011")
    db.engine.dispose()
    with db.engine.connect() as connection:
        down = _row_counts(connection)
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    assert {name: count for name, count in before.items() if name in down} == down

    db_migrate.upgrade()
    db.engine.dispose()
    with db.engine.connect() as connection:
        assert _row_counts(connection) == before
    assert _differences(app) == []
