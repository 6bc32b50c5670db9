"""Déroulés composed in the browser (issue 16): the method library (every activity type
with its settings schema and an example), the YAML that ``flask scripts validate`` accepts
(composed, validated, stored, exported, imported), personal and shared déroulés, and the
adjustment of an atelier's steps until they start.

The one validator is ``scripts.load_script_text``: the editor sends its déroulé as data, it
is written as YAML and that text is validated, so what is stored and exported is exactly
what the command accepts, and the problems shown in the form are the command's."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import exists, or_, select

from facilitator import contract
from facilitator.core import cycles, events
from facilitator.core.visibility import atelier_dict, step_dict
from facilitator.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from facilitator.extensions import db
from facilitator.models import (
    Animateur,
    Atelier,
    AtelierState,
    Contribution,
    Event,
    Step,
    StepGroup,
    StepStatus,
)
from facilitator.models.deroule import Deroule
from facilitator.scripts import Script, ScriptError, list_scripts, load_script_text

log = logging.getLogger(__name__)

STEP_KEYS = ("id", "type", "title", "duration", "consigne", "help", "settings", "groups")
MAX_YAML = 200_000


# --- the method library -----------------------------------------------------------------


def library(scripts_dir: str | Path) -> list[dict[str, Any]]:
    """Every activity type: its label, help, settings JSON schema and example settings (its
    defaults, or the first step of that type among the scripts when it has required
    settings), for the editor's « Ajouter une étape »."""
    examples: dict[str, dict[str, Any]] = {}
    for script in list_scripts(scripts_dir).values():
        for step in script.steps:
            examples.setdefault(step["type"], step)
    out = []
    for type_id, activity in sorted(contract.REGISTRY.items(), key=lambda kv: kv[1].label):
        try:
            settings = activity.Settings.model_validate({}).model_dump()
        except ValidationError:
            settings = dict(examples.get(type_id, {}).get("settings") or {})
        example = examples.get(type_id, {})
        out.append(
            {
                "type": type_id,
                "label": activity.label,
                "help": activity.default_help,
                "schema": activity.Settings.model_json_schema(),
                "settings": settings,
                "consigne": example.get("consigne", ""),
                "duration": example.get("duration"),
            }
        )
    return out


# --- YAML ---------------------------------------------------------------------------------


def _clean_step(raw: dict[str, Any]) -> dict[str, Any]:
    step = {key: raw[key] for key in STEP_KEYS if key in raw}
    if not step.get("help"):
        step.pop("help", None)
    if step.get("duration") in (None, ""):
        step.pop("duration", None)
    if not step.get("groups"):
        step.pop("groups", None)
    return step


def to_yaml(data: dict[str, Any]) -> str:
    """The déroulé as a script file (docs/scripts.md), keys in the usual order."""
    top: dict[str, Any] = {"format": 1}
    for key in ("id", "title", "description", "duration"):
        if data.get(key) not in (None, ""):
            top[key] = data[key]
    steps = data.get("steps")
    top["steps"] = [_clean_step(s) if isinstance(s, dict) else s for s in steps or []]
    return yaml.safe_dump(top, allow_unicode=True, sort_keys=False, width=100)


def check(data: Any) -> tuple[str, Script]:
    """Validate an editor's déroulé: its YAML and the script; ``ScriptError`` lists every
    problem with its place (``steps[2].settings.votes.budget``)."""
    if not isinstance(data, dict):
        raise ScriptError("déroulé", [("", "objet attendu (un déroulé)")])
    text = to_yaml(data)
    return text, load_script_text(text, "déroulé")


def parse_yaml(text: str) -> tuple[str, Script]:
    """An imported file: validated as it is."""
    if len(text) > MAX_YAML:
        raise ScriptError("fichier", [("", f"fichier trop volumineux ({MAX_YAML} octets au plus)")])
    return text, load_script_text(text, "fichier")


def editable(script: Script) -> dict[str, Any]:
    """A validated script as the editor's data."""
    return {
        "id": script.id,
        "title": script.title,
        "description": script.description,
        "duration": script.duration,
        "steps": [_clean_step(step) for step in script.steps],
    }


# --- personal and shared déroulés -------------------------------------------------------------


def visible_to(animateur: Animateur) -> list[Deroule]:
    return list(
        db.session.scalars(
            select(Deroule)
            .where(or_(Deroule.owner_id == animateur.id, Deroule.shared.is_(True)))
            .order_by(Deroule.title)
        )
    )


def get_for(animateur: Animateur, deroule_id: int, *, write: bool = False) -> Deroule:
    found = db.session.get(Deroule, deroule_id)
    if found is None or (found.owner_id != animateur.id and not found.shared):
        raise NotFound("Déroulé introuvable.")
    if write and found.owner_id != animateur.id:
        raise Forbidden("Seul·e l'auteur·rice de ce déroulé partagé peut le modifier.")
    return found


def save(animateur: Animateur, text: str, script: Script, *, shared: bool) -> Deroule:
    """Store (or replace) the author's déroulé with this ``id:``."""
    with events.transaction():
        found = db.session.scalar(
            select(Deroule).where(Deroule.owner_id == animateur.id, Deroule.script_id == script.id)
        )
        if found is None:
            found = Deroule(owner_id=animateur.id, script_id=script.id)
            db.session.add(found)
        found.title = script.title
        found.yaml_text = text
        found.shared = shared
    log.info("deroule %s saved by animateur %s", script.id, animateur.id)
    return found


def delete(animateur: Animateur, deroule_id: int) -> str:
    found = get_for(animateur, deroule_id, write=True)
    title = found.title
    with events.transaction():
        db.session.delete(found)
    return title


def available(animateur: Animateur, scripts_dir: str | Path) -> dict[str, Script]:
    """The scripts a new atelier may start from: the files, then the animateur's personal
    and shared déroulés (keys ``deroule-<id>``)."""
    scripts = dict(list_scripts(scripts_dir))
    for row in visible_to(animateur):
        try:
            scripts[f"deroule-{row.id}"] = load_script_text(row.yaml_text, row.title)
        except ScriptError:  # stored valid; a later format change: skipped, not fatal
            log.warning("stored deroule %s no longer valid", row.id)
    return scripts


# --- an atelier's steps --------------------------------------------------------------------


def windowed(atelier: Atelier) -> set[int]:
    """The ids of the atelier's steps that were ever opened between ateliers (a
    ``step.async`` event): open now or closed again, their activity may keep what was
    written then in its own tables (proposals, amendments, actors…)."""
    payloads = db.session.scalars(
        select(Event.payload).where(Event.atelier_id == atelier.id, Event.type == "step.async")
    )
    return {int(p["step_id"]) for p in payloads if isinstance(p, dict) and "step_id" in p}


def started(step: Step, opened: set[int] | None = None) -> bool:
    """A step that started (or holds contributions, or was opened between ateliers) can no
    longer be changed or removed. ``opened``: ``windowed(atelier)``, when already known."""
    if step.status != StepStatus.PENDING or step.async_until is not None:
        return True
    if step.id in (windowed(step.atelier) if opened is None else opened):
        return True
    return bool(db.session.scalar(select(exists().where(Contribution.step_id == step.id))))


def atelier_data(atelier: Atelier) -> dict[str, Any]:
    """The atelier's déroulé as the editor's data, started steps marked ``locked``."""
    snapshot = atelier.script_snapshot or {}
    opened = windowed(atelier)
    steps = []
    for step in atelier.steps:
        spec = _clean_step(
            {
                "id": step.key,
                "type": step.type,
                "title": step.title,
                "duration": step.duration_minutes,
                "consigne": step.consigne,
                "help": step.help,
                "settings": step.settings,
                "groups": _plan(step),
            }
        )
        if started(step, opened):
            spec["locked"] = True
        steps.append(spec)
    return {
        "id": snapshot.get("id") or atelier.script_id,
        "title": snapshot.get("title") or atelier.title,
        "description": snapshot.get("description", ""),
        "duration": atelier.duration_minutes or snapshot.get("duration"),
        "steps": steps,
    }


def _why_locked(step: Step, opened: set[int]) -> str:
    if step.status == StepStatus.PENDING and (step.async_until is not None or step.id in opened):
        return "a été ouverte aux contributions entre les ateliers"
    return "a commencé"


def _plan(step: Step) -> dict[str, Any] | None:
    """The step's ``groups:`` (issue 18): set by the script or the console's switch."""
    return (step.groups or {}).get("plan") or None


def _same(step: Step, spec: dict[str, Any]) -> bool:
    return (
        _same_groups(step, spec)
        and step.title == spec["title"]
        and step.consigne == spec["consigne"]
        and (step.help or "") == (spec.get("help") or "")
        and step.duration_minutes == spec.get("duration")
        and step.settings == spec["settings"]
    )


def _same_groups(step: Step, spec: dict[str, Any]) -> bool:
    return step.type == spec["type"] and _plan(step) == (spec.get("groups") or None)


def _formed(step: Step) -> bool:
    return bool(db.session.scalar(select(exists().where(StepGroup.step_id == step.id))))


def apply_to_atelier(atelier: Atelier, script: Script, *, version: int | None = None) -> int:
    """Make the atelier's steps those of ``script``: steps not started are updated, added,
    moved or removed; a started step must stay as it is. One live change (the console sees
    the new steps). Returns the new version."""
    if atelier.state == AtelierState.CLOS:
        raise DomainError("Cet atelier est clos : son déroulé ne change plus.", code="closed")
    if version is not None and version != atelier.version:
        raise Conflict(
            "Un autre animateur a modifié cet atelier entre-temps : rechargez la page pour "
            "voir son déroulé actuel.",
            code="stale",
        )
    existing = {step.key: step for step in atelier.steps}
    opened = windowed(atelier)
    locked = {key for key, step in existing.items() if started(step, opened)}
    wanted = {spec["id"] for spec in script.steps}
    gone = sorted(locked - wanted)
    if gone:
        kept = existing[gone[0]]
        raise InvalidInput(
            f"L'étape « {kept.title} » {_why_locked(kept, opened)} : elle ne peut pas être retirée."
        )
    for spec in script.steps:
        held = existing.get(spec["id"])
        if spec["id"] in locked and held is not None and not _same(held, spec):
            raise InvalidInput(
                f"L'étape « {held.title} » {_why_locked(held, opened)} : elle ne peut plus "
                "être modifiée (seules les étapes à venir changent)."
            )
        if held is not None and not _same_groups(held, spec) and _formed(held):
            raise InvalidInput(
                f"Les groupes de l'étape « {held.title} » sont déjà formés : son type et ses "
                "sous-groupes ne changent plus ici (repassez-la d'abord en plénière dans la "
                "console)."
            )
    with events.live_change(atelier.id) as change:
        for key, old in existing.items():
            if key not in wanted:
                atelier.steps.remove(old)  # delete-orphan
        db.session.flush()
        for position, spec in enumerate(script.steps):
            step = existing.get(spec["id"])
            if step is None:
                atelier.steps.append(cycles.step_from_spec(spec, position))
                continue
            step.position = position
            if spec["id"] not in locked and not _same(step, spec):
                fresh = cycles.step_from_spec(spec, position)
                if not _same_groups(step, spec):  # not formed (checked above)
                    step.groups = fresh.groups
                for name in ("type", "title", "consigne", "help", "duration_minutes"):
                    setattr(step, name, getattr(fresh, name))
                step.settings = fresh.settings
                for flag in ("cards_visible", "results_visible", "anonymous"):
                    if getattr(fresh, flag) is not None:
                        setattr(step, flag, getattr(fresh, flag))
        atelier.steps.sort(key=lambda s: s.position)
        atelier.script_snapshot = script.snapshot()
        atelier.version += 1
        db.session.flush()
        change.record(
            "atelier.updated",
            {"atelier": atelier_dict(atelier), "steps": [step_dict(s) for s in atelier.steps]},
        )
    log.info("steps of atelier %s set from the editor (%s steps)", atelier.id, len(script.steps))
    return atelier.version
