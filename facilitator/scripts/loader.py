"""Load and validate workshop scripts (format: docs/scripts.md).

Every problem is collected with its location, so an author fixes a script in one pass."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from facilitator import contract
from facilitator.scripts.groups import check_plan
from facilitator.validation import ID_PATTERN, StrictModel, french_errors

FORMAT_VERSION = 1


class _StepModel(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    type: str
    title: str = Field(min_length=1, max_length=200)
    consigne: str = Field(min_length=1, max_length=4000)
    help: str = Field(default="", max_length=300)
    duration: int | None = Field(default=None, ge=1, le=600)
    settings: dict[str, Any] = Field(default_factory=dict)
    #: the step runs in sub-groups (scripts/groups.py)
    groups: dict[str, Any] | None = None


class _ScriptModel(StrictModel):
    format: int = Field(ge=1)
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    duration: int | None = Field(default=None, ge=1, le=1440)
    steps: list[dict[str, Any]] = Field(min_length=1, max_length=40)


@dataclass
class Script:
    """A validated script; ``snapshot()`` is what an atelier stores."""

    id: str
    title: str
    description: str
    duration: int | None
    steps: list[dict[str, Any]]
    source: str = ""

    def snapshot(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "duration": self.duration,
            "steps": self.steps,
        }


@dataclass
class ScriptError(Exception):
    """All the problems of one script: ``[(location, message_fr), …]``."""

    source: str
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.source} : {len(self.problems)} problème(s)"]
        lines += [f"  - {loc or '(racine)'} : {msg}" for loc, msg in self.problems]
        return "\n".join(lines)


def _check_steps(raw_steps: list[Any], problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_steps):
        where = ("steps", index)
        if not isinstance(raw, dict):
            problems.append((f"steps[{index}]", "objet attendu (une étape)"))
            continue
        try:
            step = _StepModel.model_validate(raw)
        except ValidationError as exc:
            problems.extend(french_errors(exc, where))
            step = None
        step_id = raw.get("id")
        if isinstance(step_id, str):
            if step_id in seen:
                problems.append(
                    (
                        f"steps[{index}].id",
                        f"identifiant en double « {step_id} » "
                        f"(déjà utilisé par steps[{seen[step_id]}])",
                    )
                )
            else:
                seen[step_id] = index
        type_id = raw.get("type")
        if not isinstance(type_id, str):
            continue
        if type_id not in contract.REGISTRY:
            known = ", ".join(sorted(contract.REGISTRY))
            problems.append(
                (
                    f"steps[{index}].type",
                    f"type d'activité inconnu « {type_id} » (connus : {known})",
                )
            )
            continue
        activity = contract.get(type_id)
        try:
            settings = activity.Settings.model_validate(raw.get("settings") or {})
        except ValidationError as exc:
            problems.extend(french_errors(exc, (*where, "settings")))
            continue
        earlier = {key for key, position in seen.items() if position < index}
        # every ``*_from`` setting (cards_from, enjeux_from…) names an earlier step
        for name, source in settings.model_dump().items():
            if name.endswith("_from") and isinstance(source, str) and source not in earlier:
                problems.append(
                    (
                        f"steps[{index}].settings.{name}",
                        f"« {source} » n'est pas une étape précédente de ce déroulé",
                    )
                )
        plan, group_problems = check_plan(raw.get("groups"), type_id, (*where, "groups"))
        problems.extend(group_problems)
        if step is not None:
            data = step.model_dump()
            data["settings"] = settings.model_dump()
            data["groups"] = plan
            steps.append(data)
    return steps


def load_script_text(text: str, source: str = "<texte>") -> Script:
    """Parse and validate a script; raise ``ScriptError`` listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        raise ScriptError(source, [(where, f"YAML illisible : {exc}")]) from None
    if not isinstance(raw, dict):
        raise ScriptError(source, [("", "le script doit être un objet YAML (clé: valeur)")])
    problems: list[tuple[str, str]] = []
    try:
        top = _ScriptModel.model_validate(raw)
    except ValidationError as exc:
        problems.extend(french_errors(exc))
        top = None
    if isinstance(raw.get("format"), int) and raw["format"] > FORMAT_VERSION:
        problems.append(("format", f"version {raw['format']} inconnue (maximum {FORMAT_VERSION})"))
    raw_steps = raw.get("steps")
    steps = _check_steps(raw_steps, problems) if isinstance(raw_steps, list) else []
    if problems or top is None:
        raise ScriptError(source, problems)
    return Script(top.id, top.title, top.description, top.duration, steps, source)


#: path -> ((mtime_ns, size), Script or ScriptError): parsing and validating a script
#: costs 25–40 ms; pages that list the scripts did it for every file on every request
_CACHE: dict[str, tuple[tuple[int, int], Script | ScriptError]] = {}
_CACHE_LOCK = threading.Lock()


def load_script(path: str | Path) -> Script:
    """Load and validate a script file; cached until the file changes (mtime or size)."""
    path = Path(path)
    key = str(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise ScriptError(key, [("", f"fichier illisible : {exc}")]) from None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _CACHE.get(key)
    if cached is None or cached[0] != stamp:
        try:
            text = path.read_text(encoding="utf-8")
            result: Script | ScriptError = load_script_text(text, key)
        except (OSError, UnicodeDecodeError) as exc:
            raise ScriptError(key, [("", f"fichier illisible : {exc}")]) from None
        except ScriptError as exc:
            result = exc
        with _CACHE_LOCK:
            _CACHE[key] = (stamp, result)
    else:
        result = cached[1]
    if isinstance(result, ScriptError):
        raise copy.deepcopy(result)
    return copy.deepcopy(result)  # callers may change what they get


def validate_path(path: str | Path) -> list[ScriptError]:
    """Validate one file or every ``*.yaml`` of a folder; return the failures."""
    path = Path(path)
    files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    failures = []
    ids: dict[str, Path] = {}
    for file in files:
        try:
            script = load_script(file)
        except ScriptError as exc:
            failures.append(exc)
            continue
        if script.id in ids:
            failures.append(
                ScriptError(
                    str(file),
                    [("id", f"identifiant « {script.id} » déjà pris par {ids[script.id]}")],
                )
            )
        ids[script.id] = file
    return failures


def list_scripts(folder: str | Path) -> dict[str, Script]:
    """Every valid script of ``folder`` by id; invalid ones are skipped (the CLI reports them)."""
    scripts: dict[str, Script] = {}
    for file in sorted(Path(folder).glob("*.y*ml")):
        try:
            script = load_script(file)
        except ScriptError:
            continue
        scripts.setdefault(script.id, script)
    return scripts
