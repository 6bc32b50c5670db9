from __future__ import annotations

from flask import current_app, request


def public_url(path: str) -> str:
    """Absolute URL for links shown to people (PUBLIC_URL when behind a proxy)."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path
