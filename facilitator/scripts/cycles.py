"""Cycle templates (*modèles de cycle*): YAML files in ``workshop_scripts/cycles/`` listing
the ateliers of a whole cycle, each by the id of a workshop script of the folder above
(format: docs/scripts.md, « Modèles de cycle »). Validated like scripts, every problem with
its location; ``services.cycles.apply_template`` creates the ateliers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from facilitator.models.cycle import MODES
from facilitator.scripts.loader import Script, ScriptError, list_scripts
from facilitator.validation import ID_PATTERN, StrictModel, french_errors

FORMAT_VERSION = 1
FOLDER = "cycles"


class _AtelierModel(StrictModel):
    #: id of a workshop script of the scripts folder
    script: str = Field(pattern=ID_PATTERN)
    #: the atelier's title (default: the script's)
    title: str = Field(default="", max_length=200)
    #: presentiel / distanciel / hybride
    mode: str = "presentiel"
    #: marks the restitution publique (shown as such; it is an atelier like the others)
    restitution: bool = False


class _TemplateModel(StrictModel):
    format: int = Field(ge=1)
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    ateliers: list[dict[str, Any]] = Field(min_length=1, max_length=40)


@dataclass(frozen=True)
class TemplateAtelier:
    script: Script
    title: str
    mode: str
    restitution: bool


@dataclass(frozen=True)
class CycleTemplate:
    id: str
    title: str
    description: str
    ateliers: tuple[TemplateAtelier, ...]
    source: str = ""


def load_template_text(
    text: str, scripts: dict[str, Script], source: str = "<texte>"
) -> CycleTemplate:
    """Parse and validate a cycle template against ``scripts`` (by id); raise
    ``ScriptError`` listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScriptError(source, [("", f"YAML illisible : {exc}")]) from None
    if not isinstance(raw, dict):
        raise ScriptError(source, [("", "le modèle doit être un objet YAML (clé: valeur)")])
    problems: list[tuple[str, str]] = []
    try:
        top = _TemplateModel.model_validate(raw)
    except ValidationError as exc:
        problems.extend(french_errors(exc))
        top = None
    if isinstance(raw.get("format"), int) and raw["format"] > FORMAT_VERSION:
        problems.append(("format", f"version {raw['format']} inconnue (maximum {FORMAT_VERSION})"))
    ateliers: list[TemplateAtelier] = []
    raw_ateliers = raw.get("ateliers")
    for index, item in enumerate(raw_ateliers if isinstance(raw_ateliers, list) else []):
        where = f"ateliers[{index}]"
        if not isinstance(item, dict):
            problems.append((where, "objet attendu (un atelier)"))
            continue
        try:
            atelier = _AtelierModel.model_validate(item)
        except ValidationError as exc:
            problems.extend(french_errors(exc, ("ateliers", index)))
            continue
        script = scripts.get(atelier.script)
        if script is None:
            problems.append(
                (f"{where}.script", f"déroulé inconnu « {atelier.script} » (ou invalide)")
            )
            continue
        if atelier.mode not in MODES:
            problems.append((f"{where}.mode", "présentiel, distanciel ou hybride"))
            continue
        title = atelier.title.strip() or script.title
        ateliers.append(TemplateAtelier(script, title, atelier.mode, atelier.restitution))
    if problems or top is None:
        raise ScriptError(source, problems)
    return CycleTemplate(top.id, top.title, top.description, tuple(ateliers), source)


def _folder(scripts_dir: str | Path) -> Path:
    return Path(scripts_dir) / FOLDER


def is_template_path(path: str | Path) -> bool:
    path = Path(path)
    return path.is_file() and path.parent.name == FOLDER


def validate_templates(path: str | Path) -> list[ScriptError]:
    """Validate the templates of a scripts folder (its ``cycles/``), or one template file
    (against the scripts of the folder above it); return the failures."""
    path = Path(path)
    if is_template_path(path):
        files, scripts_dir = [path], path.parent.parent
    elif path.is_dir():
        files, scripts_dir = sorted(_folder(path).glob("*.y*ml")), path
    else:
        return []
    scripts = list_scripts(scripts_dir)
    failures: list[ScriptError] = []
    ids: dict[str, Path] = {}
    for file in files:
        try:
            template = load_template_text(file.read_text(encoding="utf-8"), scripts, str(file))
        except (OSError, UnicodeDecodeError) as exc:
            failures.append(ScriptError(str(file), [("", f"fichier illisible : {exc}")]))
            continue
        except ScriptError as exc:
            failures.append(exc)
            continue
        if template.id in ids:
            failures.append(
                ScriptError(str(file), [("id", f"identifiant « {template.id} » déjà pris")])
            )
        ids[template.id] = file
    return failures


def list_templates(scripts_dir: str | Path) -> dict[str, CycleTemplate]:
    """Every valid cycle template by id; invalid ones are skipped (the CLI reports them)."""
    scripts = list_scripts(scripts_dir)
    out: dict[str, CycleTemplate] = {}
    for file in sorted(_folder(scripts_dir).glob("*.y*ml")):
        try:
            template = load_template_text(file.read_text(encoding="utf-8"), scripts, str(file))
        except (OSError, UnicodeDecodeError, ScriptError):
            continue
        out.setdefault(template.id, template)
    return out
