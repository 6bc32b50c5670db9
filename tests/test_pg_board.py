"""The board's socket tests (tests/test_socket_board_*.py) again, on PostgreSQL (psycopg 3),
with the schema built by the Alembic migrations: one throwaway server for the module, one
database per test, copied from a migrated template.

Locally: skipped when PostgreSQL is not installed; in CI (CI=true): fails instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from bench import servers
from facilitator import create_app, db_migrate
from facilitator.extensions import db
from tests.conftest import _config
from tests.test_scale_out import need
from tests.test_socket_board_cards import *  # noqa: F403  (the same tests, collected here too)
from tests.test_socket_board_refusals import *  # noqa: F403  (the same tests, collected here too)
from tests.test_socket_board_sync import *  # noqa: F403  (the same tests, collected here too)
from tests.test_socket_board_votes import *  # noqa: F403  (the same tests, collected here too)
from tests.test_socket_board_writes import *  # noqa: F403  (the same tests, collected here too)


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    pg = need(lambda: servers.Postgres().start())
    try:
        url = pg.create_database("template_board")
        folder = tmp_path_factory.mktemp("pg-template")
        app = create_app({**_config(folder), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db_migrate.upgrade()
            db.engine.dispose()
        yield {"server": pg, "count": [0]}
    finally:
        pg.stop()


@pytest.fixture
def app(tmp_path: Path, postgres: dict[str, Any]) -> Iterator[Flask]:
    postgres["count"][0] += 1
    url = postgres["server"].create_database(f"t{postgres['count'][0]}", "template_board")
    app = create_app({**_config(tmp_path), "SQLALCHEMY_DATABASE_URI": url})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
