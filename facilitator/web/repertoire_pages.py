"""Répertoire des acteurs (docs/cycle-life.md): the animateur's page (entries by territory,
contact with consent, self-update links, CSV and DOCX) and the structure's own page through
its secret link."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from facilitator.core import cycles
from facilitator.core.http import login_required, public_url
from facilitator.cycle_life import repertoire
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.models import STRUCTURE_TYPES, Cycle, Structure
from facilitator.models.cycle_life import StructureProfile
from facilitator.rendering.common import slug
from facilitator.rendering.csv import cell
from facilitator.validation import form_id
from facilitator.web import page_data
from facilitator.web.blueprints import cycle_life as bp


def _form() -> dict[str, Any]:
    form = request.form
    return {
        "type": form.get("type", ""),
        "territoire": form.get("territoire", ""),
        "champs": form.getlist("champs"),
        "actions": form.get("actions", ""),
        "consent": form.get("consent") == "oui",
        "contact_name": form.get("contact_name", ""),
        "contact_role": form.get("contact_role", ""),
        "contact_email": form.get("contact_email", ""),
        "contact_phone": form.get("contact_phone", ""),
        "confirm_personal": form.get("confirm_personal") == "oui",
    }


def _version() -> int | None:
    value = request.form.get("version", "")
    return form_id(value)


def _fiche(structure: Structure) -> dict[str, Any]:
    """The form's current values (contact only while consent holds); reads only."""
    profile = db.session.scalar(
        select(StructureProfile).where(StructureProfile.structure_id == structure.id)
    ) or StructureProfile(structure_id=structure.id, actions="", version=1)
    consent = repertoire.has_contact(profile)
    return {
        "id": structure.id,
        "name": structure.name,
        "type": structure.type,
        "territoire": structure.territoire,
        "champs": list(structure.champs or []),
        "actions": profile.actions,
        "consent": consent,
        "consent_at": profile.contact_consent_at,
        "contact_name": profile.contact_name if consent else "",
        "contact_role": profile.contact_role if consent else "",
        "contact_email": profile.contact_email if consent else "",
        "contact_phone": profile.contact_phone if consent else "",
        "version": profile.version,
    }


def _page(cycle: Cycle, status: int = 200, **extra: Any) -> tuple[str, int]:
    items = repertoire.entries(cycle.id, with_admin=True)
    structures = {s.id: s for s in cycle.structures}
    fiches = {e["id"]: _fiche(structures[e["id"]]) for e in items}
    page = render_template(
        "cycle_life/repertoire.html",
        cycle=page_data.cycle(cycle),
        groups=repertoire.by_territory(items),
        fiches=fiches,
        types=STRUCTURE_TYPES,
        champ_labels=repertoire.CHAMP_LABELS,
        **extra,
    )
    return page, status


@bp.get("/animateur/cycles/<int:cycle_id>/repertoire")
@login_required
def repertoire_admin(cycle_id: int) -> tuple[str, int]:
    return _page(cycles.get_cycle_for(g.animateur, cycle_id))


@bp.post("/animateur/cycles/<int:cycle_id>/repertoire/<int:structure_id>")
@login_required
def repertoire_update(cycle_id: int, structure_id: int) -> ResponseReturnValue:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    structure = repertoire.structure_in_cycle(cycle.id, structure_id)
    try:
        repertoire.update_entry(structure, _form(), by="animateur", version=_version())
    except DomainError as exc:
        db.session.rollback()
        return _page(
            cycle, exc.status, error=exc.message_fr, error_id=structure.id, personal=exc.code
        )
    flash(f"Fiche de « {structure.name} » enregistrée.")
    return redirect(url_for("cycle_life.repertoire_admin", cycle_id=cycle.id) + f"#s{structure.id}")


@bp.post("/animateur/cycles/<int:cycle_id>/repertoire/<int:structure_id>/lien")
@login_required
def repertoire_link(cycle_id: int, structure_id: int) -> tuple[str, int]:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    structure = repertoire.structure_in_cycle(cycle.id, structure_id)
    if request.form.get("action") == "revoquer":
        repertoire.revoke_update_link(structure)
        return _page(cycle, revoked=structure.id)
    token = repertoire.new_update_link(structure)
    link = public_url(url_for("cycle_life.repertoire_self", token=token))
    return _page(cycle, new_link=(structure.id, link))


@bp.get("/animateur/cycles/<int:cycle_id>/repertoire.csv")
@login_required
def repertoire_csv(cycle_id: int) -> Response:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(repertoire.CSV_HEADER)
    for row in repertoire.csv_rows(cycle.id):
        writer.writerow(cell(v) for v in row)
    response = Response(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = f"repertoire-{slug(cycle.title, 40)}-{date.today().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/repertoire/fiche/<token>", methods=["GET", "POST"])
def repertoire_self(token: str) -> ResponseReturnValue:
    """A structure updates its own entry through its secret link."""
    structure = repertoire.structure_by_token(token)
    error = code = None
    status = 200
    if request.method == "POST":
        try:
            repertoire.update_entry(structure, _form(), by="structure", version=_version())
        except DomainError as exc:
            db.session.rollback()
            error, code, status = exc.message_fr, exc.code, exc.status
        else:
            flash("Merci : votre fiche est à jour dans le répertoire des acteurs.")
            return redirect(url_for("cycle_life.repertoire_self", token=token))
    fiche = _fiche(structure)
    page = render_template(
        "cycle_life/repertoire_self.html",
        structure=page_data.structure(structure),
        cycle=page_data.cycle(structure.cycle),
        fiche=fiche,
        types=STRUCTURE_TYPES,
        champ_labels=repertoire.CHAMP_LABELS,
        error=error,
        personal=code,
        action=url_for("cycle_life.repertoire_self", token=token),
    )
    return page, status
