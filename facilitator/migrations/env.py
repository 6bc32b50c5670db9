"""Alembic environment: runs inside the Flask app context (see facilitator/db_migrate.py)."""

from __future__ import annotations

from alembic import context
from flask import current_app

from facilitator import activities, models  # noqa: F401  (fill the metadata)
from facilitator.extensions import db
from facilitator.mail import models as mail_models  # noqa: F401  (the mail tables)

config = context.config
target_metadata = db.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=current_app.config["SQLALCHEMY_DATABASE_URI"],
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
