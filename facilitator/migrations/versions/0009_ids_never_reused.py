"""ids never reused: AUTOINCREMENT on every SQLite table with an integer id (issue 20)

Without it SQLite gives a new row max(id) + 1, so the ids of a deleted cycle's last
ateliers and participants came back for the next ones, and a 24 h socket token of the
deleted cycle named someone else. PostgreSQL's sequences never go back: nothing to do.

SQLite cannot add AUTOINCREMENT to a table: each one is copied into a new table that has
it (Alembic's batch mode, from the table as it is in the database), the old one dropped,
the new one renamed. With foreign keys on, dropping a table would first delete its rows
and cascade to every table that points to it: they are switched off for the copy (outside
any transaction: SQLite ignores the pragma inside one), checked after it, and switched on
again. Ids deleted before this migration may still come back once (AUTOINCREMENT starts
from the largest id present); none after it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _tables_with_integer_ids(bind: sa.engine.Connection) -> list[str]:
    inspector = sa.inspect(bind)
    found = []
    for name in inspector.get_table_names():
        if name == "alembic_version" or name.startswith("sqlite_"):
            continue
        pk = inspector.get_pk_constraint(name)["constrained_columns"]
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        if pk == ["id"] and isinstance(columns["id"]["type"], sa.Integer):
            sql = bind.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
            ).scalar_one()
            if "AUTOINCREMENT" not in sql.upper():
                found.append(name)
    return found


def _foreign_keys(bind: sa.engine.Connection, on: bool) -> None:
    raw: Any = bind.connection.dbapi_connection
    if raw.in_transaction:  # what the earlier migrations of this run did is committed
        raw.commit()
    bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar() != int(on):
        raise RuntimeError("SQLite foreign keys could not be switched: migration stopped")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _foreign_keys(bind, on=False)
    try:
        for name in _tables_with_integer_ids(bind):
            with op.batch_alter_table(
                name, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the copy: {broken[:5]}")
    finally:
        _foreign_keys(bind, on=True)


def downgrade() -> None:
    # AUTOINCREMENT is harmless to the earlier schema: kept
    pass
