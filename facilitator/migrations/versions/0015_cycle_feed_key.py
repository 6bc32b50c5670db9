"""cycle feed key: the calendar feed's address is a secret of its own, changed when
someone leaves the cycle's team (issue 16), instead of a signed cycle id that could not be
revoked

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import secrets

import sqlalchemy as sa
from alembic import op

from facilitator.db_migrate import sqlite_table_copies

revision = "0015"
down_revision = "0014"
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


def downgrade() -> None:
    # dropping a column copies the cycle table on SQLite: foreign keys off for the copy,
    # or every atelier, participant… of every cycle would be deleted in cascade
    with sqlite_table_copies(), op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_feed_key"))
        batch_op.drop_column("feed_key")
