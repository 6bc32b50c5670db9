"""the cartographie in sub-groups (issue 18): each actor, action and relation added in a
group records its group (its tag on the cycle's map after the mise en commun)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from facilitator.db_migrate import sqlite_table_copies

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: the map's tables that get a group
TABLES = ("actor", "actor_action", "relation")


def upgrade() -> None:
    # SQLite copies the three tables to add a foreign key with its ON DELETE (the map
    # outlives the atelier: a group deleted with its step leaves the rows untagged); foreign
    # keys off for the copy, or the actions and relations of every actor would be deleted
    with sqlite_table_copies():
        for table in TABLES:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
                batch_op.create_foreign_key(
                    f"fk_{table}_group_id_step_group",
                    "step_group",
                    ["group_id"],
                    ["id"],
                    ondelete="SET NULL",
                )
                batch_op.create_index(f"ix_{table}_group_id", ["group_id"], unique=False)


def downgrade() -> None:
    # dropping a column copies the table on SQLite: foreign keys off for the copy, or the
    # rows pointing to an actor (actions, relations) would be deleted in cascade
    with sqlite_table_copies():
        for table in reversed(TABLES):
            op.drop_index(f"ix_{table}_group_id", table_name=table)
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_column("group_id")
