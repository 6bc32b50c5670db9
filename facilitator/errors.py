"""Domain errors: every refusal carries a stable code and a French message for the user."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused action. ``code`` is stable (for clients and tests), ``message_fr`` is shown."""

    code = "refused"
    status = 400

    def __init__(self, message_fr: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr
        if code:
            self.code = code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message_fr": self.message_fr}
        error.update(self.details)
        return error


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class InvalidInput(DomainError):
    code = "invalid"


class Conflict(DomainError):
    """A stale write: ``details`` carries the fresh state."""

    code = "conflict"
    status = 409
