"""atelier planning, déroulés, people, team: editing and postponing ateliers, the ICS
sequence, déroulés composed in the browser, participants' other devices, invitations by
link, who did what (issue 16)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import facilitator.models._types
from facilitator.db_migrate import sqlite_table_copies

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC = facilitator.models._types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("atelier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("visio_url", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("cancelled_at", UTC(), nullable=True))
        # NOT NULL with its default from the start: SQLite then adds the column in place.
        # Changing nullability afterwards would copy the table, and dropping the old
        # atelier table with foreign keys on deletes every row that points to it.
        batch_op.add_column(sa.Column("history", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column("ics_sequence", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))

    op.create_table(
        "deroule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("script_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["animateur.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "script_id"),
    )
    with op.batch_alter_table("deroule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deroule_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "cycle_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("expires_at", UTC(), nullable=False),
        sa.Column("used_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["animateur.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("cycle_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cycle_invitation_cycle_id"), ["cycle_id"], unique=False
        )

    op.create_table(
        "participant_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("participant_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_key_participant_id"), ["participant_id"], unique=False
        )


def downgrade() -> None:
    # SQLite drops a column by copying the table: dropping the old atelier (and event)
    # table with foreign keys on would delete every row pointing to it, in cascade.
    with sqlite_table_copies():
        _downgrade()


def _downgrade() -> None:
    op.drop_table("participant_key")
    op.drop_table("cycle_invitation")
    op.drop_table("deroule")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("actor_id")
    with op.batch_alter_table("atelier", schema=None) as batch_op:
        for column in (
            "version",
            "ics_sequence",
            "history",
            "cancelled_at",
            "visio_url",
            "duration_minutes",
            "start_time",
        ):
            batch_op.drop_column(column)
