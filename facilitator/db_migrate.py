"""Alembic driven from the app: ``upgrade()`` brings any database to the latest schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


@contextmanager
def sqlite_table_copies() -> Iterator[None]:
    """Around a migration step that copies tables (``batch_alter_table`` on SQLite): foreign
    keys are switched off for the copy, checked after it, switched on again. Dropping the old
    table with them on would delete, in cascade, every row that points to it. Nests (a step
    inside another keeps them off) and does nothing on other databases. Like migration 0009:
    SQLite ignores the pragma inside a transaction, so what the run did so far is committed."""
    from alembic import op  # noqa: PLC0415  (only inside a migration)

    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        yield
        return
    _sqlite_foreign_keys(bind, on=False)
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the copy: {broken[:5]}")
    finally:
        _sqlite_foreign_keys(bind, on=True)


def _sqlite_foreign_keys(bind: Any, on: bool) -> None:
    raw: Any = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()
    bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar() != int(on):
        raise RuntimeError("SQLite foreign keys could not be switched: migration stopped")
