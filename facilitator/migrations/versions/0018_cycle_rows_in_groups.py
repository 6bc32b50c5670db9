"""chaînes de valeur and actions of the feuille de route written in a sub-group carry it
(issue 18)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from facilitator.db_migrate import sqlite_table_copies

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TABLES = ("chaine_valeur", "roadmap_action")


def upgrade() -> None:
    # a table copy on SQLite (it cannot ALTER a constraint in; an inline REFERENCES would
    # lose its ON DELETE on reflection): two small tables, foreign keys off for the copy.
    # ON DELETE SET NULL: a chain or an action outlives its atelier and the atelier's groups
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
    # rows pointing to it (items, links, contributors, votes) would be deleted in cascade
    with sqlite_table_copies():
        for table in reversed(TABLES):
            op.drop_index(f"ix_{table}_group_id", table_name=table)
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_column("group_id")
