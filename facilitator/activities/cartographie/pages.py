"""The map between ateliers (animateur page) and its exports.

=====================================================================  ========================
``GET  /animateur/cycles/<id>/cartographie``                            the map (picture,
                                                                        tables, angles morts)
``GET  …/cartographie/<file>`` under ``/animateur/cycles/<id>``,          acteurs.csv,
``/animateur/ateliers/<id>`` and ``/lecture/<read_token>``              relations.csv,
                                                                        carte.svg, carte.png
=====================================================================  ========================
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, g, render_template

from facilitator.activities.cartographie import export as map_export
from facilitator.activities.cartographie import views as map_views
from facilitator.core import cycles
from facilitator.core.http import login_required
from facilitator.extensions import db
from facilitator.models import Atelier, Cycle
from facilitator.rendering.common import slug

bp = Blueprint("cartographie", __name__)

EXPORTS = {
    "acteurs.csv": "text/csv; charset=utf-8",
    "relations.csv": "text/csv; charset=utf-8",
    "carte.svg": "image/svg+xml",
    "carte.png": "image/png",
}


@bp.get("/animateur/cycles/<int:cycle_id>/cartographie")
@login_required
def cartographie(cycle_id: int) -> str:
    cycle = cycles.get_cycle_for(g.animateur, cycle_id)
    data = map_views.map_data(cycle.id)
    title = f"Cartographie des acteurs — {cycle.title}"
    return render_template(
        "activities/cartographie/cycle.html",
        cycle={"id": cycle.id, "title": cycle.title},
        svg=map_export.svg(data, title) if data["actors"] else "",
        actors=map_export.actors_rows(data),
        actor_header=map_export.ACTOR_HEADER,
        relations=map_export.relations_rows(data),
        relation_header=map_export.RELATION_HEADER,
        spots=map_views.blind_spots(data),
        questions=[q for q in data["questions"] if q["active"]],
        description=map_export.description(data),
    )


def _export(cycle: Cycle, file: str) -> Response:
    if file not in EXPORTS:
        abort(404)
    data = map_views.map_data(cycle.id)
    if file == "acteurs.csv":
        body: bytes | str = map_export.actors_csv(data)
    elif file == "relations.csv":
        body = map_export.relations_csv(data)
    elif file == "carte.svg":
        body = map_export.svg(data, f"Cartographie des acteurs — {cycle.title}")
    else:
        body = map_export.png(data)
    response = Response(body, mimetype=EXPORTS[file].split(";")[0])
    if file.endswith(".csv"):
        response.headers["Content-Type"] = EXPORTS[file]
    stem, ext = file.rsplit(".", 1)
    name = f"cartographie-{stem}-{slug(cycle.title, 40)}-{date.today().isoformat()}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/animateur/cycles/<int:cycle_id>/cartographie/<file>")
@login_required
def cycle_export(cycle_id: int, file: str) -> Response:
    return _export(cycles.get_cycle_for(g.animateur, cycle_id), file)


@bp.get("/animateur/ateliers/<int:atelier_id>/cartographie/<file>")
@login_required
def atelier_export(atelier_id: int, file: str) -> Response:
    return _export(cycles.get_atelier_for(g.animateur, atelier_id).cycle, file)


@bp.get("/lecture/<read_token>/cartographie/<file>")
def read_export(read_token: str, file: str) -> Response:
    atelier = db.session.query(Atelier).filter_by(read_token=read_token).one_or_none()
    if atelier is None:
        abort(404)
    return _export(atelier.cycle, file)
