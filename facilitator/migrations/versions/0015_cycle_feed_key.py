"""cycle feed key: the calendar feed's address is a secret of its own, changed when
someone leaves the cycle's team (issue 16), instead of a signed cycle id that could not be
revoked

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-03
"""

import secrets
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable and indexed: SQLite adds the column and the index in place (no table copy)
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_key", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    cycle = sa.table("cycle", sa.column("id", sa.Integer), sa.column("feed_key", sa.String))
    for (cycle_id,) in bind.execute(sa.select(cycle.c.id)).all():
        bind.execute(
            cycle.update().where(cycle.c.id == cycle_id).values(feed_key=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_feed_key"), ["feed_key"], unique=True)


def _foreign_keys(bind: sa.engine.Connection, on: bool) -> None:
    """As migration 0009: SQLite ignores the pragma inside a transaction."""
    raw: Any = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()
    bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar() != int(on):
        raise RuntimeError("SQLite foreign keys could not be switched: migration stopped")


def downgrade() -> None:
    # dropping a column copies the cycle table on SQLite: foreign keys off for the copy,
    # or every atelier, participant… of every cycle would be deleted in cascade
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _foreign_keys(bind, on=False)
    try:
        with op.batch_alter_table("cycle", schema=None) as batch_op:
            batch_op.drop_index(batch_op.f("ix_cycle_feed_key"))
            batch_op.drop_column("feed_key")
        if sqlite:
            broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the copy: {broken[:5]}")
    finally:
        if sqlite:
            _foreign_keys(bind, on=True)
