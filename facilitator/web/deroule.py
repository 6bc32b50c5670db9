"""The déroulé editor (issue 16): compose a déroulé from the method library in the browser
(static/js/deroule_editor.js), check it with the scripts' validator, save it as a personal
or shared déroulé, export / import it as YAML, and adjust an atelier's steps until they
start. The verbs are in core/deroules.py; the page gets plain data (the library, the
déroulé being edited) as JSON in a data attribute."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from facilitator.core import cycles, deroules, events
from facilitator.core.http import login_required
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import Atelier
from facilitator.scripts import ScriptError, list_scripts

bp = Blueprint("deroule", __name__)

#: French labels of the settings' fields, for the forms generated from their schemas (a
#: field missing here is shown under its name)
FIELD_LABELS = {
    "columns": "Colonnes",
    "id": "Identifiant",
    "label": "Intitulé",
    "hint": "Aide sous l'intitulé",
    "votes": "Vote par points",
    "budget": "Points par participant",
    "max_per_card": "Points au plus sur un même élément",
    "anonymous": "Anonyme (sans le nom des auteurs)",
    "hidden": "Cartes retournées jusqu'au dévoilement",
    "cards_from": "Reprendre les cartes de l'étape",
    "enjeux_from": "Reprendre les enjeux de l'étape",
    "moderation": "Les cartes attendent la validation de l'animateur",
    "focus": "Ce que le formulaire propose d'abord",
    "view": "Vue affichée d'abord",
    "levels": "Maillons de la chaîne",
    "subject": "Sujet proposé d'abord",
    "sections": "Sections",
    "start_phase": "Phase de départ",
    "ballot": "Un bulletin par",
    "quorum": "Quorum (% des électeurs)",
    "quorum_base": "Électeurs",
    "threshold": "Seuil d'adoption (% de « pour », strictement plus de)",
    "threshold_base": "Seuil calculé sur",
    "gradients": "Degrés d'accord",
    "counts_as": "Compte comme",
    "results_visible": "Totaux du vote visibles en direct",
    "scope": "Portée",
    "conditions": "Auto-évaluation des cinq conditions de l'impact collectif",
    "max_questions": "Nombre de questions visé",
}


def _problems(exc: ScriptError) -> list[dict[str, str]]:
    return [{"loc": loc, "message": message} for loc, message in exc.problems]


def _editor(
    data: dict[str, Any],
    *,
    mode: str,
    atelier: Atelier | None = None,
    deroule_id: int | None = None,
    shared: bool = False,
) -> str:
    scripts_dir = current_app.config["SCRIPTS_DIR"]
    config = {
        "mode": mode,
        "deroule": data,
        "library": deroules.library(scripts_dir),
        "labels": FIELD_LABELS,
        "urls": {
            "check": url_for("deroule.check"),
            "save": url_for("deroule.save"),
            "apply": url_for("deroule.apply", atelier_id=atelier.id) if atelier else None,
        },
        "atelier": (
            {"id": atelier.id, "title": atelier.title, "version": atelier.version}
            if atelier
            else None
        ),
        "deroule_id": deroule_id,
        "shared": shared,
        "csrf": generate_csrf(),
    }
    return render_template(
        "deroule/editor.html",
        config=json.dumps(config, ensure_ascii=False),
        atelier=(
            {"id": atelier.id, "title": atelier.title, "cycle_id": atelier.cycle_id}
            if atelier
            else None
        ),
        title=data.get("title") or "Nouveau déroulé",
    )


def _library_page(problems: list[dict[str, str]] | None = None) -> str:
    scripts = list_scripts(current_app.config["SCRIPTS_DIR"])
    saved = [
        {
            "id": row.id,
            "title": row.title,
            "script_id": row.script_id,
            "shared": row.shared,
            "mine": row.owner_id == g.animateur.id,
        }
        for row in deroules.visible_to(g.animateur)
    ]
    return render_template(
        "deroule/library.html",
        scripts=[{"id": s.id, "title": s.title, "steps": len(s.steps)} for s in scripts.values()],
        saved=saved,
        problems=problems,
    )


@bp.get("/animateur/deroules")
@login_required
def library_page() -> str:
    return _library_page()


@bp.get("/animateur/deroules/nouveau")
@login_required
def new() -> str:
    base = list_scripts(current_app.config["SCRIPTS_DIR"]).get(request.args.get("depuis", ""))
    if base is not None:
        data = deroules.editable(base)
        data["id"] = f"{base.id}-perso"[:64]
    else:
        data = {"id": "mon-deroule", "title": "", "description": "", "duration": 180, "steps": []}
    return _editor(data, mode="deroule")


@bp.get("/animateur/deroules/<int:deroule_id>")
@login_required
def edit_saved(deroule_id: int) -> str:
    row = deroules.get_for(g.animateur, deroule_id)
    _text, script = deroules.parse_yaml(row.yaml_text)
    mine = row.owner_id == g.animateur.id
    return _editor(
        deroules.editable(script),
        mode="deroule",
        deroule_id=row.id if mine else None,
        shared=row.shared,
    )


@bp.get("/animateur/deroules/<int:deroule_id>.yaml")
@login_required
def export(deroule_id: int) -> Response:
    row = deroules.get_for(g.animateur, deroule_id)
    response = Response(row.yaml_text, mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{row.script_id}.yaml"'
    return response


@bp.post("/animateur/deroules/<int:deroule_id>/supprimer")
@login_required
def delete(deroule_id: int) -> ResponseReturnValue:
    title = deroules.delete(g.animateur, deroule_id)
    flash(f"Déroulé « {title} » supprimé.")
    return redirect(url_for("deroule.library_page"))


@bp.post("/animateur/deroules/importer")
@login_required
def import_file() -> ResponseReturnValue:
    """A YAML file: stored as a personal déroulé when valid, else the validator's
    problems shown in the form (nothing stored)."""
    upload = request.files.get("fichier")
    try:
        if upload is None or not upload.filename:
            raise ScriptError("fichier", [("", "choisissez un fichier .yaml")])
        raw = upload.read(deroules.MAX_YAML + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ScriptError(
                "fichier", [("", "fichier illisible : encodage UTF-8 attendu")]
            ) from None
        text, script = deroules.parse_yaml(text)
    except ScriptError as exc:
        db.session.rollback()
        return _library_page(_problems(exc)), 400
    row = deroules.save(g.animateur, text, script, shared=False)
    flash(f"Déroulé « {script.title} » importé dans vos déroulés.")
    return redirect(url_for("deroule.edit_saved", deroule_id=row.id))


# --- the editor's JSON endpoints -------------------------------------------------------------
# A refusal is an expected answer of the editor (its problems are shown in the form): 200
# with ``ok: false`` and the problems or the French message; nothing is changed.


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _checked(body: dict[str, Any]) -> tuple[str, Any]:
    if isinstance(body.get("yaml"), str):
        return deroules.parse_yaml(body["yaml"])
    return deroules.check(body.get("deroule"))


@bp.post("/animateur/deroules/verifier")
@login_required
def check() -> ResponseReturnValue:
    """Validate the editor's déroulé (or an imported YAML text): the YAML and the problems."""
    try:
        text, script = _checked(_json_body())
    except ScriptError as exc:
        return jsonify(ok=False, problems=_problems(exc)), 200
    return jsonify(ok=True, yaml=text, deroule=deroules.editable(script))


@bp.post("/animateur/deroules/enregistrer")
@login_required
def save() -> ResponseReturnValue:
    body = _json_body()
    try:
        text, script = deroules.check(body.get("deroule"))
    except ScriptError as exc:
        return jsonify(ok=False, problems=_problems(exc))
    row = deroules.save(g.animateur, text, script, shared=body.get("shared") is True)
    return jsonify(
        ok=True,
        id=row.id,
        url=url_for("deroule.edit_saved", deroule_id=row.id),
        export=url_for("deroule.export", deroule_id=row.id),
        message=f"Déroulé « {script.title} » enregistré"
        + (" et partagé avec les autres animateurs." if row.shared else " dans vos déroulés."),
    )


@bp.get("/animateur/ateliers/<int:atelier_id>/deroule")
@login_required
def atelier_editor(atelier_id: int) -> str:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    return _editor(deroules.atelier_data(atelier), mode="atelier", atelier=atelier)


@bp.post("/animateur/ateliers/<int:atelier_id>/deroule")
@login_required
def apply(atelier_id: int) -> ResponseReturnValue:
    atelier = cycles.get_atelier_for(g.animateur, atelier_id)
    body = _json_body()
    version = body.get("version") if isinstance(body.get("version"), int) else None
    acting = events.actor.set(g.animateur.id)  # the journal says who changed the steps
    try:
        _text, script = deroules.check(body.get("deroule"))
        new_version = deroules.apply_to_atelier(atelier, script, version=version)
    except ScriptError as exc:
        return jsonify(ok=False, problems=_problems(exc))
    except DomainError as exc:
        db.session.rollback()
        return jsonify(ok=False, error=exc.message_fr, code=exc.code)
    finally:
        events.actor.reset(acting)
    return jsonify(
        ok=True,
        version=new_version,
        message="Déroulé de l'atelier enregistré.",
        steps=len(script.steps),
    )
