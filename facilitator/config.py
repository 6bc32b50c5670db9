"""Configuration: a class of defaults, overridable by environment variables and by the
mapping given to ``create_app``."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    INSTANCE_PATH: str = os.environ.get("FACILITATOR_INSTANCE", str(ROOT / "instance"))
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    REDIS_URL: str | None = os.environ.get("REDIS_URL")
    # "gevent" in every real process (run.py / gunicorn monkey-patch first);
    # the in-process Socket.IO test client uses "threading".
    SOCKETIO_ASYNC_MODE: str = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
    SCRIPTS_DIR: str = os.environ.get("SCRIPTS_DIR", str(ROOT / "workshop_scripts"))
    PUBLIC_URL: str | None = os.environ.get("PUBLIC_URL")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("COOKIE_SECURE", "0") == "1"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Socket tokens (participant / animateur / viewer) stay valid this long.
    SOCKET_TOKEN_MAX_AGE = 24 * 3600
    # Replay at most this many missed events; beyond, the client gets a snapshot.
    REPLAY_LIMIT = 500
    #: Socket.IO connections one process holds (0: no limit). Beyond, a NEW connection is
    #: refused with ``server_full`` and a retry delay; the connected ones are untouched. The
    #: last ANIMATEUR_RESERVED_CONNECTIONS places are kept for animateurs (the console).
    #: Sizing: docs/deploy.md.
    MAX_CONNECTIONS = int(os.environ.get("MAX_CONNECTIONS", "0"))
    ANIMATEUR_RESERVED_CONNECTIONS = int(os.environ.get("ANIMATEUR_RESERVED_CONNECTIONS", "5"))
    #: open connections one participant may hold in a process (0: no cap): a phone, a
    #: laptop and a few tabs; one link opening sockets in a loop is refused beyond
    MAX_CONNECTIONS_PER_PARTICIPANT = int(os.environ.get("MAX_CONNECTIONS_PER_PARTICIPANT", "8"))
    #: a refused client retries after this ± 50 % (jittered: not all at once)
    SERVER_FULL_RETRY_MS = int(os.environ.get("SERVER_FULL_RETRY_MS", "10000"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: PostgreSQL connections per process (SQLAlchemy's pool): every greenlet that queries
    #: holds one meanwhile; the others wait their turn, at most DB_POOL_TIMEOUT seconds
    #: (then the action fails with an error, never silently). Sizing: docs/performance.md.
    DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))
    DB_MAX_OVERFLOW = int(os.environ.get("DB_MAX_OVERFLOW", "10"))
    DB_POOL_TIMEOUT = float(os.environ.get("DB_POOL_TIMEOUT", "30"))
    #: joins of one process reading the database at once (realtime/state.py ``join_slot``;
    #: 0: no limit)
    JOIN_CONCURRENCY = int(os.environ.get("JOIN_CONCURRENCY", "4"))
    #: SQLite: how long one statement waits for the write lock inside SQLite (blocking the
    #: whole process), then how long an action keeps retrying cooperatively (facilitator.dblock)
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5"))
    DB_LOCK_WAIT_SECONDS = float(os.environ.get("DB_LOCK_WAIT_SECONDS", "10"))
    #: werkzeug hashing method for animateur passwords (tests use a cheap one)
    PASSWORD_HASH_METHOD = "scrypt"
    # E-mail (docs/mail.md). Without SMTP_URL, messages stay in the « Boîte d'envoi » page.
    SMTP_URL: str | None = os.environ.get("SMTP_URL")
    MAIL_FROM: str | None = os.environ.get("MAIL_FROM")
    #: a CA bundle for the SMTP server's certificate (an internal relay); default: the system's
    MAIL_SMTP_CA_FILE: str | None = os.environ.get("MAIL_SMTP_CA_FILE")
    MAIL_SMTP_TIMEOUT = float(os.environ.get("MAIL_SMTP_TIMEOUT", "30"))
    MAIL_FROM_NAME: str | None = os.environ.get("MAIL_FROM_NAME")
    MAIL_RATE_PER_MINUTE = int(os.environ.get("MAIL_RATE_PER_MINUTE", "120"))
    MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30"))
    MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "10"))
    MAIL_CLAIM_LEASE_SECONDS = float(os.environ.get("MAIL_CLAIM_LEASE_SECONDS", "300"))
    MAIL_MAX_ATTACHMENT_BYTES = int(os.environ.get("MAIL_MAX_ATTACHMENT_BYTES", str(2 * 1024**2)))
    #: return path of every message, made per message (VERP): bounces+m<id>-<sig>@domain
    MAIL_BOUNCE_ADDRESS: str | None = os.environ.get("MAIL_BOUNCE_ADDRESS")
    MAIL_MAX_HARD_BOUNCES = int(os.environ.get("MAIL_MAX_HARD_BOUNCES", "3"))
