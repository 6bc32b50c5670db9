"""cycle life: cycle life between ateliers, répertoire contacts, restitution, evaluation (issue 9)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

import facilitator.models._types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = facilitator.models._types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("async_until", UTC(), nullable=True))

    op.create_table(
        "participant_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("previous_at", UTC(), nullable=True),
        sa.Column("last_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id"),
    )
    op.create_table(
        "structure_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_role", sa.String(length=120), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("contact_consent_at", UTC(), nullable=True),
        sa.Column("update_token_hash", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.Column("updated_by", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["structure_id"], ["structure.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("structure_id"),
        sa.UniqueConstraint("update_token_hash"),
    )
    op.create_table(
        "restitution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("public_token", sa.String(length=64), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", UTC(), nullable=True),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id"),
        sa.UniqueConstraint("public_token"),
    )
    op.create_table(
        "evaluation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("meteo", sa.Integer(), nullable=True),
        sa.Column("utilite", sa.Integer(), nullable=True),
        sa.Column("suggestion", sa.Text(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("step_id", "participant_id"),
    )
    with op.batch_alter_table("evaluation_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_response_step_id"), ["step_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_response_participant_id"), ["participant_id"], unique=False
        )
    op.create_table(
        "condition_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=True),
        sa.Column("condition", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["atelier_id"], ["atelier.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "atelier_id", "condition"),
    )
    with op.batch_alter_table("condition_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_condition_assessment_cycle_id"), ["cycle_id"], unique=False
        )
    op.create_table(
        "cycle_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cycle_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_indicator_cycle_id"), ["cycle_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cycle_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_indicator_cycle_id"))
    op.drop_table("cycle_indicator")
    with op.batch_alter_table("condition_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_assessment_cycle_id"))
    op.drop_table("condition_assessment")
    with op.batch_alter_table("evaluation_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_response_participant_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_response_step_id"))
    op.drop_table("evaluation_response")
    op.drop_table("restitution")
    op.drop_table("structure_profile")
    op.drop_table("participant_visit")
    with op.batch_alter_table("step", schema=None) as batch_op:
        batch_op.drop_column("async_until")
