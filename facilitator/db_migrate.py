"""Alembic driven from the app: ``upgrade()`` brings any database to the latest schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(revision: str = "head") -> None:
    """Must run inside an app context."""
    command.upgrade(alembic_config(), revision)


def is_current() -> bool:
    """The database's schema is the latest one (``upgrade`` has run). Inside an app context."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    from facilitator.extensions import db  # noqa: PLC0415

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads


def revision(message: str) -> None:
    command.revision(alembic_config(), message=message, autogenerate=True)
