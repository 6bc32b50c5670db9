"""The demo cycle seeded on first run (``make run``): see ``facilitator/demo/``."""

from facilitator.demo import DEMO_EMAIL, DEMO_STRUCTURES, DEMO_TITLE, demo_atelier, seed_demo

__all__ = ["DEMO_EMAIL", "DEMO_STRUCTURES", "DEMO_TITLE", "demo_atelier", "seed_demo"]
