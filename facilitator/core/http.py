"""What HTTP pages share: the animateur's login check, absolute public URLs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, redirect, request, session, url_for

from facilitator.extensions import db
from facilitator.models import Animateur


def public_url(path: str) -> str:
    """Absolute URL for links shown to people (PUBLIC_URL when behind a proxy)."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        animateur_id = session.get("animateur_id")
        animateur = db.session.get(Animateur, animateur_id) if animateur_id else None
        if animateur is None:
            return redirect(url_for("animateur.login", next=request.path))
        g.animateur = animateur
        return view(*args, **kwargs)

    return wrapped
