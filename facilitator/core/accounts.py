"""Animateur accounts."""

from __future__ import annotations

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
