"""sub-groups of a step (issue 18): groups, their members, the group of a card and of
an event, the step's group plan and phase

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from facilitator.db_migrate import sqlite_table_copies

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "step_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["question_essentielle.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("step_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_group_step_id"), ["step_id"], unique=False)

    op.create_table(
        "group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["step_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("step_id", "participant_id"),
    )
    with op.batch_alter_table("group_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_member_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_group_member_participant_id"), ["participant_id"], unique=False
        )

    # added in place (nullable, no default): SQLite never copies these tables
    op.add_column("step", sa.Column("groups", sa.JSON(), nullable=True))
    op.add_column("event", sa.Column("group_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot ALTER a constraint in; a column with REFERENCES is added in place
        # (a batch copy of ``contribution`` would drop and rebuild the busiest table). No
        # ON DELETE: a group is deleted only with its step, which deletes its cards too
        op.execute(
            "ALTER TABLE contribution ADD COLUMN group_id INTEGER REFERENCES step_group (id)"
        )
    else:
        op.add_column("contribution", sa.Column("group_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_contribution_group_id_step_group",
            "contribution",
            "step_group",
            ["group_id"],
            ["id"],
        )
    op.create_index("ix_contribution_group_id", "contribution", ["group_id"], unique=False)


def downgrade() -> None:
    # dropping a column copies the table on SQLite: foreign keys off for the copy, or every
    # row pointing to a step (cards, votes, events…) would be deleted in cascade
    with sqlite_table_copies():
        op.drop_index("ix_contribution_group_id", table_name="contribution")
        with op.batch_alter_table("contribution", schema=None) as batch_op:
            batch_op.drop_column("group_id")
        with op.batch_alter_table("event", schema=None) as batch_op:
            batch_op.drop_column("group_id")
        with op.batch_alter_table("step", schema=None) as batch_op:
            batch_op.drop_column("groups")
        op.drop_table("group_member")
        op.drop_table("step_group")
