"""Secrets: join codes, link tokens, signed socket tokens."""

from __future__ import annotations

import hashlib
import hmac
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


def participant_key(token_hash: str) -> str:
    """What a participant's socket token carries of its secret: an HMAC of the hash of its
    cookie token (256 random bits), checked at connect. A token of a participant that no
    longer exists, or whose secret changed, names nobody, whatever its ids."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"participant:" + token_hash.encode(), hashlib.sha256).hexdigest()[:32]


def participant_claims(atelier_id: int, participant_id: int, token_hash: str) -> dict[str, Any]:
    """The signed content of a participant's socket token."""
    return {
        "r": "participant",
        "a": atelier_id,
        "p": participant_id,
        "s": participant_key(token_hash),
    }


def participant_key_matches(claims: dict[str, Any], token_hash: str) -> bool:
    given = claims.get("s")
    return isinstance(given, str) and hmac.compare_digest(given, participant_key(token_hash))


def sign_socket_token(data: dict[str, Any]) -> str:
    return _serializer().dumps(data)


def read_socket_token(token: str) -> dict[str, Any] | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["SOCKET_TOKEN_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    return data if isinstance(data, dict) else None
