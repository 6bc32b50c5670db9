"""facilitator: self-hosted workshop facilitation with a live collaborative board."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from facilitator import dblock
from facilitator.config import ROOT, Config
from facilitator.extensions import csrf, db, limiter, socketio

log = logging.getLogger(__name__)


def _secret_key(instance: Path) -> str:
    """A stable random key kept in ``instance/secret_key`` when none is configured."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # RGPD: deleted rows are overwritten with zeros, not left in free pages
    cursor.execute("PRAGMA secure_delete=ON")
    # short: a longer wait would block every greenlet; facilitator.dblock waits cooperatively
    cursor.execute(f"PRAGMA busy_timeout={dblock.busy_timeout_ms()}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=Config.INSTANCE_PATH,
    )
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    instance = Path(app.config.get("INSTANCE_PATH") or app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'facilitator.db'}"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("postgresql"):  # SQLite's pools take no size
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_size": app.config["DB_POOL_SIZE"],
            "max_overflow": app.config["DB_MAX_OVERFLOW"],
            "pool_timeout": app.config["DB_POOL_TIMEOUT"],
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    # handlers must be declared before the first init_app: Flask-SocketIO keeps the ones
    # declared earlier and re-binds them to each new app's server
    from facilitator import realtime  # noqa: F401
    from facilitator.realtime import frames
    from facilitator.realtime.relay import RedisQueue, relay
    from facilitator.realtime.room_index import LocalRooms

    db.init_app(app)
    csrf.init_app(app)
    redis_url = app.config.get("REDIS_URL") or None
    # join-code limits: shared by every process through Redis when configured
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    limiter.init_app(app)
    # Flask-SocketIO's Redis queue, which also carries each board event once (relay.py);
    # always passed, so that an app without REDIS_URL never inherits a previous app's queue
    queue = RedisQueue(redis_url) if redis_url else None
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=redis_url,
        client_manager=queue or LocalRooms(),  # realtime/room_index.py
        # same-origin only: no cors_allowed_origins (a foreign Origin is refused)
        max_http_buffer_size=frames.MAX_MESSAGE,
        ping_interval=20,
        ping_timeout=20,
    )
    relay.init_app(app, socketio, queue)
    frames.install(app, socketio)  # unreadable frames, over-size long-polling POSTs

    from facilitator.cli import register_cli
    from facilitator.web import register_web

    register_web(app)
    register_cli(app)
    _connect_subscribers()
    return app


def _connect_subscribers() -> None:
    """Signal subscribers are wired here, not at import time nor in a blueprint (DESIGN.md
    §3): the board's committed events go to the broadcaster, a closed atelier gets its
    compte rendu written. blinker keeps one connection per receiver: a second app connects
    nothing more."""
    from facilitator.core import events
    from facilitator.documents import storage
    from facilitator.realtime import handlers

    events.board_event.connect(handlers.broadcast)
    storage.connect()


__all__ = ["create_app", "db", "socketio"]
