"""Animateur accounts."""

from __future__ import annotations

import math
import time

from flask import current_app
from sqlalchemy import func, select

from facilitator.core import events
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.models import Animateur


def create_animateur(email: str, name: str, password: str) -> Animateur:
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput("Adresse électronique invalide.")
    if len(password) < 10:
        raise InvalidInput("Le mot de passe compte au moins 10 caractères.")
    if db.session.scalar(select(Animateur.id).where(Animateur.email == email)):
        raise InvalidInput("Un compte existe déjà avec cette adresse.")
    with events.transaction():
        animateur = Animateur(email=email, name=name.strip() or email)
        animateur.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
        db.session.add(animateur)
    return animateur


def authenticate(email: str, password: str) -> Animateur | None:
    animateur = db.session.scalar(
        select(Animateur).where(func.lower(Animateur.email) == email.strip().lower())
    )
    if animateur is None or not animateur.check_password(password):
        return None
    return animateur


# --- failed logins ---------------------------------------------------------------------------

#: failures allowed per browser session, and per account from unknown browsers, in ``WINDOW``
LOGIN_ATTEMPTS = 5
LOGIN_WINDOW = 300
#: past ``LOGIN_ATTEMPTS`` failures on one account, unknown browsers wait 2, 4, 8… seconds
#: after the last failure, at most this long
MAX_DELAY = 300


class LoginThrottle:
    """Failed logins per account, kept by this process.

    A hard lock per account would let anyone lock the owner out with five wrong passwords.
    Here the account's limit applies to unknown browsers only, and as a growing delay, not
    a lock: a browser where the owner logged in before carries a signed *device cookie*
    (OWASP, "Slow down online guessing attacks with device cookies") and is limited by its
    own session's budget alone."""

    def __init__(self) -> None:
        self.failures: dict[str, list[float]] = {}

    def _recent(self, email: str, now: float) -> list[float]:
        recent = [t for t in self.failures.get(email, []) if now - t < LOGIN_WINDOW]
        if recent:
            self.failures[email] = recent
        else:
            self.failures.pop(email, None)
        return recent

    def wait(self, email: str, *, known_browser: bool, now: float | None = None) -> int:
        """Seconds before this account may be tried again from this browser (0: now)."""
        if known_browser:
            return 0
        now = time.time() if now is None else now
        recent = self._recent(email, now)
        excess = len(recent) - LOGIN_ATTEMPTS
        if excess < 0:
            return 0
        delay = min(2 ** (excess + 1), MAX_DELAY)
        return max(0, math.ceil(recent[-1] + delay - now))

    def failed(self, email: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.failures[email] = [*self._recent(email, now), now][-4 * LOGIN_ATTEMPTS :]
