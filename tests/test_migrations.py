"""The Alembic migrations build exactly the schema the models declare: a model changed
without its migration (or the reverse) fails here, not on an administrator's server."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from facilitator.extensions import db


def _differences(app: Flask) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(app: Flask) -> None:
    assert _differences(app) == []
