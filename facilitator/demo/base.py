"""What the demo builder knows as it goes (the ids it made) and how it acts: as the
animateur or a participant, through the same verbs as the socket handlers."""

from __future__ import annotations

import random
from typing import Any

from facilitator import activities
from facilitator.core import cards as board
from facilitator.core.events import Viewer
from facilitator.models import Animateur, Atelier, Cycle, Participant, Step


class DemoBase:
    def __init__(self, animateur: Animateur) -> None:
        self.animateur = animateur
        self.rng = random.Random(2026)
        self.count = 0
        self.cycle: Cycle
        self.structures: list[int] = []
        self.people: dict[int, Participant] = {}
        self.actors: list[int] = []
        self.questions: list[int] = []
        self.clauses: list[int] = []
        self.relations: list[int] = []

    def cid(self, prefix: str) -> str:
        self.count += 1
        return f"demo-{prefix}-{self.count:05d}"

    def anim(self, atelier: Atelier) -> Viewer:
        return Viewer("animateur", atelier.id, animateur_id=self.animateur.id)

    def part(self, atelier: Atelier, person: Participant) -> Viewer:
        return Viewer("participant", atelier.id, participant_id=person.id)

    def act(self, viewer: Viewer, step: Step, action: str, **payload: Any) -> dict[str, Any]:
        """A ``step_action`` as the socket handler runs it (schema, role, service)."""
        spec = activities.get(step.type).actions[action]
        assert viewer.role in spec.roles, (action, viewer.role)
        result: dict[str, Any] = spec.handler(viewer, step, spec.schema.model_validate(payload))
        return result

    def card(self, viewer: Viewer, step: Step, column: str, text: str) -> int:
        card_id: int = board.add_card(viewer, step.id, self.cid("c"), text, column)["card"]["id"]
        return card_id
