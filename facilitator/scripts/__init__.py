"""Workshop scripts: YAML files in ``workshop_scripts/``, validated when loaded."""

from facilitator.scripts.loader import (
    Script,
    ScriptError,
    list_scripts,
    load_script,
    load_script_text,
    validate_path,
)

__all__ = [
    "Script",
    "ScriptError",
    "list_scripts",
    "load_script",
    "load_script_text",
    "validate_path",
]
