"""remote participants and personal codes that can be reset: ``attendance.remote``
(issue 18, « à distance »), ``participant.personal_code`` (issue 16: a stored random code
instead of one derived from the secret key)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from alembic import op

from facilitator.db_migrate import sqlite_table_copies

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _former_code(secret: str, cycle_id: int, participant_id: int) -> str:
    """The code the participant was shown before this revision (HMAC of their ids with the
    secret key): kept, so that a code already noted or sent still works until reset."""
    message = f"facilitator.personal-code:{cycle_id}:{participant_id}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    chars = [ALPHABET[b % len(ALPHABET)] for b in digest[:8]]
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def _secret_key() -> str | None:
    try:
        from flask import current_app  # noqa: PLC0415 (only when run by the app)

        return str(current_app.config["SECRET_KEY"])
    except (RuntimeError, KeyError):  # run outside the app: fresh random codes
        return None


def upgrade() -> None:
    # NOT NULL with a server default from the start: SQLite adds the columns in place (a
    # table copy would cascade-delete every row pointing to participant)
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("remote", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("personal_code", sa.String(length=9), server_default="", nullable=False)
        )

    secret = _secret_key()
    connection = op.get_bind()
    participant = sa.table(
        "participant",
        sa.column("id", sa.Integer),
        sa.column("cycle_id", sa.Integer),
        sa.column("personal_code", sa.String),
    )
    rows = connection.execute(sa.select(participant.c.id, participant.c.cycle_id)).all()
    for participant_id, cycle_id in rows:
        if secret is not None:
            code = _former_code(secret, cycle_id, participant_id)
        else:
            chars = [secrets.choice(ALPHABET) for _ in range(8)]
            code = "".join(chars[:4]) + "-" + "".join(chars[4:])
        connection.execute(
            participant.update()
            .where(participant.c.id == participant_id)
            .values(personal_code=code)
        )


def downgrade() -> None:
    # dropping a column copies the table on SQLite: foreign keys off for the copy, or every
    # row pointing to a participant (attendance, cards, votes…) would be deleted in cascade
    with sqlite_table_copies():
        with op.batch_alter_table("participant", schema=None) as batch_op:
            batch_op.drop_column("personal_code")
        with op.batch_alter_table("attendance", schema=None) as batch_op:
            batch_op.drop_column("remote")
