"""Secrets: join codes, link tokens, signed socket tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

#: no 0/O, 1/I/L, 5/S, 2/Z, 8/B: readable on a projector, easy to type on a phone
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")


def new_token() -> str:
    """256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="socket-token")


def sign_socket_token(data: dict[str, Any]) -> str:
    return _serializer().dumps(data)


def read_socket_token(token: str) -> dict[str, Any] | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["SOCKET_TOKEN_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    return data if isinstance(data, dict) else None
