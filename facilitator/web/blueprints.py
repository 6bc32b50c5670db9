"""Blueprints shared by several page modules: ``cycle_life`` gathers the pages between
ateliers (cycle_life.py, between.py, repertoire_pages.py, restitution.py), each module
adding its routes; ``register_web`` imports them all (docs/cycle-life.md)."""

from __future__ import annotations

from flask import Blueprint

cycle_life = Blueprint("cycle_life", __name__)
