"""e-mail bounces read from delivery status notifications: the hard bounces counted per
address (mailing stops after MAIL_MAX_HARD_BOUNCES), the bounce recorded once per message
(issue 17)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import facilitator.models._types
from facilitator.db_migrate import sqlite_table_copies

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hard_bounces", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("mail_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("bounced_at", facilitator.models._types.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    # table copies on SQLite: foreign keys off, or a contact's messages go in cascade
    with sqlite_table_copies():
        with op.batch_alter_table("mail_message", schema=None) as batch_op:
            batch_op.drop_column("bounced_at")
        with op.batch_alter_table("mail_contact", schema=None) as batch_op:
            batch_op.drop_column("hard_bounces")
