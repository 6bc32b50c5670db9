"""Build the demo cycle through the services, as an animateur and participants would have
(events, seq and versions as in a real cycle): six ateliers held, the seventh ready to run.

Only what no service does is written directly: the dates of what happened in the past
(``started_at``, ``closed_at``, cards, events, attendance) and the évaluation step added to
each held atelier."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update

from facilitator import activities
from facilitator.activities.charte.models import CharteVersion
from facilitator.activities.evaluation import operations as evaluation
from facilitator.core import cards as board
from facilitator.core import cycles, events, marks, participants, signals, steering, votes
from facilitator.cycle_life import async_steps, repertoire
from facilitator.demo import data, productions
from facilitator.demo.base import DemoBase
from facilitator.documents import storage
from facilitator.extensions import db
from facilitator.models import (
    Atelier,
    Attendance,
    Contribution,
    Cycle,
    Event,
    Participant,
    Step,
    Structure,
)
from facilitator.scripts import load_script
from facilitator.scripts.cycles import list_templates

TEMPLATE = "impact-collectif"
PARIS = ZoneInfo("Europe/Paris")
EVERY_WEEKS = 4
#: days between today and the last atelier held; the next one comes EVERY_WEEKS later
LAST_HELD_DAYS_AGO = 18


class Demo(DemoBase):
    # --- the cycle -------------------------------------------------------------------------

    def build(self) -> Cycle:
        self.cycle = cycles.create_cycle(
            self.animateur, data.DEMO_TITLE, theme=data.THEME, territoire=data.TERRITOIRE
        )
        with events.transaction():
            for name, type_ in data.STRUCTURES:
                self.structures.append(
                    cycles.add_structure(self.cycle.id, name, type_, "Val-de-Lys").id
                )
        template = list_templates(current_app.config["SCRIPTS_DIR"])[TEMPLATE]
        first = date.today() - timedelta(
            days=LAST_HELD_DAYS_AGO + 7 * EVERY_WEEKS * (data.HELD - 1)
        )
        ateliers = cycles.apply_template(self.cycle, template, first=first, every_weeks=EVERY_WEEKS)
        with events.transaction():
            for atelier in ateliers:
                atelier.lieu = data.LIEU_RESTITUTION if atelier.mode == "hybride" else data.LIEU
        meteo = self._meteo_spec()
        for number, atelier in enumerate(ateliers[: data.HELD], start=1):
            if not any(step.type == "evaluation" for step in atelier.steps):
                self._append_step(atelier, meteo)  # the model's scripts end with one
            self.hold(number, atelier)
        self._between_ateliers(ateliers)
        # live changes keep their objects loaded (events.live_change): after this long
        # build, the callers read the rows as stored (seqs, versions)
        db.session.expire_all()
        return self.cycle

    def _meteo_spec(self) -> dict[str, Any]:
        script = load_script(Path(current_app.config["SCRIPTS_DIR"]) / "evaluation-atelier.yaml")
        return next(s for s in script.steps if s["type"] == "evaluation")

    def _append_step(self, atelier: Atelier, spec: dict[str, Any]) -> None:
        """The animateur ends each atelier with the « météo » of evaluation-atelier.yaml."""
        with events.transaction():
            atelier.steps.append(cycles.step_from_spec(spec, len(atelier.steps)))
            snapshot = dict(atelier.script_snapshot)
            snapshot["steps"] = [*snapshot["steps"], spec]
            atelier.script_snapshot = snapshot

    # --- one atelier held ------------------------------------------------------------------

    def present(self, number: int, atelier: Atelier) -> list[Participant]:
        """Who came: the newcomers, then the most loyal, one or two of them swapped."""
        for index, (name, structure) in enumerate(data.PEOPLE):
            if index not in self.people and data.LATE.get(index, 1) <= number:
                self.people[index] = participants.join(
                    atelier, name, structure_id=self.structures[structure]
                )[0]
        late = [i for i in data.LATE if i in self.people]
        others = [i for i in sorted(self.people) if i not in data.LATE]
        wanted = data.ATTENDANCE[number - 1] - len(late)
        chosen, waiting = others[:wanted], others[wanted:]
        if number > 1 and waiting:  # someone usually there is excused, another one comes
            out = self.rng.randrange(wanted // 2, wanted)
            chosen[out] = waiting[self.rng.randrange(min(3, len(waiting)))]
        people = [self.people[i] for i in [*late, *sorted(chosen)]]
        with events.transaction():
            for person in people:
                participants.record_attendance(person, atelier)
        return people

    def hold(self, number: int, atelier: Atelier) -> None:
        anim = self.anim(atelier)
        steering.start(anim)
        people = self.present(number, atelier)
        for step in atelier.steps:
            steering.goto_step(anim, step.id)
            self._fill(number, atelier, step, people)
        self._mark(number, atelier)
        paris = datetime.combine(atelier.date or date.today(), time(9, 30), tzinfo=PARIS)
        when = paris.astimezone(UTC)
        with signals.atelier_closed.muted():
            steering.close(anim)
        self._backdate(atelier, when)
        storage.store_compte_rendu(atelier.id)

    def _fill(
        self,
        number: int,
        atelier: Atelier,
        step: Step,
        people: list[Participant],
    ) -> None:
        anim = self.anim(atelier)
        if step.type == "cartes":
            source = (step.settings or {}).get("cards_from")
            if not source:
                for column, texts in data.CARDS.get(number, {}).get(step.key, {}).items():
                    for i, text in enumerate(texts):
                        author = people[(i * 3 + len(column)) % len(people)]
                        self.card(self.part(atelier, author), step, column, text)
            if (step.settings or {}).get("votes"):
                self._votes(atelier, step, people)
            if source:
                self._clusters(number, atelier, step)
        elif step.type == "evaluation":
            self._evaluation(number, atelier, step, people)
        else:
            productions.fill(self, number, atelier, step, people)
        db.session.refresh(step)
        if step.type == "cartes" and not step.cards_visible:
            steering.set_flags(anim, step.id, {"cards_visible": True})

    def _votes(self, atelier: Atelier, step: Step, people: list[Participant]) -> None:
        budget, cap = activities.get(step.type).vote_rules(step.settings) or (0, 0)
        cards = [c.id for c in step_cards(step)]
        if not cards:
            return
        weights = [len(cards) - i for i in range(len(cards))]  # the first ones are preferred
        items: list[votes.VoteItem] = []
        for person in people:
            mine: dict[int, int] = {}
            for _ in range(budget):
                choice = self.rng.choices(cards, weights)[0]
                if mine.get(choice, 0) < cap:
                    mine[choice] = mine.get(choice, 0) + 1
                    items.append((self.part(atelier, person), choice, 1))
        results = votes._apply_votes(items)  # one batch, committed
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise errors[0]
        steering.set_flags(self.anim(atelier), step.id, {"results_visible": True})

    def _clusters(self, number: int, atelier: Atelier, step: Step) -> None:
        for cluster, prefixes in data.CLUSTERS.get(number, {}).items():
            for card in step_cards(step):
                if any(card.text.startswith(p) for p in prefixes):
                    board.edit_card(self.anim(atelier), card.id, card.version, cluster=cluster)

    def _evaluation(
        self, number: int, atelier: Atelier, step: Step, people: list[Participant]
    ) -> None:
        for i, person in enumerate(people[: max(5, len(people) * 2 // 3)]):
            mine = data.SUGGESTIONS.get(number, [])
            suggestion = mine[i // 4] if i % 4 == 0 and i // 4 < len(mine) else ""
            self.act(
                self.part(atelier, person),
                step,
                "submit",
                version=0,
                meteo=self.rng.choice([2, 3, 4, 4, 4, 5]),
                utilite=self.rng.choice([3, 4, 5, 5]),
                suggestion=suggestion,
            )
        steering.set_flags(self.anim(atelier), step.id, {"results_visible": True})

    def _mark(self, number: int, atelier: Atelier) -> None:
        cards = db.session.query(Contribution).filter_by(atelier_id=atelier.id, deleted=False)
        done: set[str] = set()
        # the latest card first: the one carried into the vote rather than its source
        for card in cards.order_by(Contribution.id.desc()):
            for prefix, mark in data.MARKS.get(number, []):
                if prefix not in done and card.text.startswith(prefix):
                    marks.mark_card(self.anim(atelier), card.id, mark, True)
                    done.add(prefix)

    def _backdate(self, atelier: Atelier, start: datetime) -> None:
        """The atelier took place on its date, from 9:30 to 12:30 (Paris)."""
        end = start + timedelta(hours=3)
        dated: list[tuple[Any, str]] = [
            (Contribution, "created_at"),
            (Contribution, "updated_at"),
            (Event, "created_at"),
            (Attendance, "joined_at"),
            (CharteVersion, "created_at"),
        ]
        with events.transaction():
            atelier.started_at, atelier.closed_at = start, end
            for model, column in dated:
                db.session.execute(
                    update(model).where(model.atelier_id == atelier.id).values({column: start})
                )

    # --- between ateliers ------------------------------------------------------------------

    def _between_ateliers(self, ateliers: list[Atelier]) -> None:
        for form in data.INDICATORS:
            evaluation.add_indicator(self.cycle.id, form)
        levels: dict[tuple[int | None, str], int | None] = {}
        for condition, values in data.CONDITION_LEVELS.items():
            for atelier, level in zip(ateliers, values, strict=False):
                levels[(atelier.id, condition)] = level
        evaluation.set_assessments(self.cycle.id, levels)
        self._roadmap(ateliers)
        for index, form in data.REPERTOIRE:
            structure = db.session.get(Structure, self.structures[index])
            assert structure is not None
            repertoire.update_entry(structure, form, by="animateur")

    def _roadmap(self, ateliers: list[Atelier]) -> None:
        """The feuille de route step of atelier 9 is open between ateliers: a few actions
        are already proposed when the group meets."""
        atelier = next(a for a in ateliers if a.script_id == "feuille-de-route")
        step = next(s for s in atelier.steps if s.type == "feuille_de_route")
        async_steps.open_async(step, (atelier.date or date.today()) - timedelta(days=1))
        for author, intitule, question, pilote, contributors, days, moyens in data.ROADMAP:
            self.act(
                self.part(atelier, self.people[author]),
                step,
                "propose",
                client_id=self.cid("f"),
                intitule=intitule,
                question_id=self.questions[question - 1],
                pilote_id=self.structures[pilote],
                contributeur_ids=[self.structures[i] for i in contributors],
                echeance=(date.today() + timedelta(days=days)).isoformat(),
                moyens=moyens,
            )


def step_cards(step: Step) -> list[Contribution]:
    return (
        db.session.query(Contribution)
        .filter_by(step_id=step.id, deleted=False)
        .order_by(Contribution.position, Contribution.id)
        .all()
    )
