"""The pages of facilitator/web and of the activity types: every GET leaves the database as
it was (the cycle page's visit and the restitution's row are written by POSTs), and every
template receives plain data — never an ORM object (STYLE.md §9)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask, current_app, request, template_rendered
from jinja2 import Template
from sqlalchemy import select

from facilitator.core import participants
from facilitator.cycle_life import async_steps, repertoire
from facilitator.documents import restitution
from facilitator.extensions import db
from facilitator.models import Animateur, Atelier
from facilitator.models.cycle_life import ParticipantVisit


def _login(client: Any, animateur: Animateur) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


def _dump() -> dict[str, list[str]]:
    """Every row of every table, as committed (the test's own transaction is ended first:
    a request commits on its own connection)."""
    db.session.rollback()
    out = {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        for table in db.metadata.sorted_tables
    }
    db.session.rollback()
    return out


def _orm_paths(value: Any, path: str) -> list[str]:
    if isinstance(value, db.Model):
        return [f"{path}: {type(value).__name__}"]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in _orm_paths(v, f"{path}.{k}")]
    if isinstance(value, list | tuple | set | frozenset):
        return [p for i, v in enumerate(value) for p in _orm_paths(v, f"{path}[{i}]")]
    return []


@pytest.fixture
def rendered(app: Flask) -> Iterator[list[tuple[str, list[str]]]]:
    """(template, ORM objects found in its context) for each page of facilitator/web and of
    the activity types (facilitator/activities/*/pages.py)."""
    seen: list[tuple[str, list[str]]] = []

    def record(sender: Flask, template: Template, context: dict[str, Any], **_: Any) -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        if view is None or not view.__module__.startswith(
            ("facilitator.web", "facilitator.activities")
        ):
            return
        found = [p for key, v in context.items() for p in _orm_paths(v, key)]
        seen.append((template.name or "?", found))

    with template_rendered.connected_to(record, app):
        yield seen


@pytest.fixture
def site(
    app: Flask,
    client: Any,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
) -> dict[str, Any]:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    cycle = atelier.cycle
    structure = cycle.structures[0]
    _alice, token = participants.join(atelier, "Alice", structure_id=structure.id)
    step = atelier.steps[1]
    async_steps.open_async(step, date.today() + timedelta(days=5))
    fiche = repertoire.new_update_link(structure)
    db.session.commit()
    _login(client, animateur)
    participant = app.test_client()
    participant.set_cookie(f"fac_p{cycle.id}", token)
    c, a, s = cycle.id, atelier.id, step.id
    return {
        "cycle": cycle,
        "animateur": client,
        "participant": participant,
        "public": app.test_client(),
        "pages": {
            "animateur": [
                "/animateur/",
                f"/animateur/cycles/{c}",
                f"/animateur/ateliers/{a}",
                f"/animateur/ateliers/{a}/projection",
                f"/animateur/ateliers/{a}/presences",
                f"/animateur/ateliers/{a}/documents",
                f"/animateur/cycles/{c}/tableau-de-bord",
                f"/animateur/cycles/{c}/entre-ateliers",
                f"/animateur/cycles/{c}/entre-ateliers/{s}/tableau",
                f"/animateur/cycles/{c}/repertoire",
                f"/animateur/cycles/{c}/restitution",
                f"/animateur/cycles/{c}/restitution/apercu",
                # the activity types' own pages
                f"/animateur/cycles/{c}/questions",
                f"/animateur/cycles/{c}/cartographie",
                f"/animateur/cycles/{c}/feuille-de-route",
                f"/animateur/cycles/{c}/evaluation",
                # issue 16: planning, déroulés, people, team
                f"/animateur/cycles/{c}/planning",
                f"/animateur/ateliers/{a}/modifier",
                f"/animateur/ateliers/{a}/deroule",
                "/animateur/deroules",
                "/animateur/deroules/nouveau",
                f"/animateur/cycles/{c}/participants",
                f"/animateur/cycles/{c}/equipe",
                f"/animateur/ateliers/{a}/journal",
            ],
            "participant": [
                f"/rejoindre/{atelier.link_token}",
                f"/atelier/{atelier.link_token}",
                f"/cycle/{c}",
                f"/cycle/{c}/etapes/{s}",
            ],
            "public": [
                "/",
                "/connexion",
                "/confidentialite",
                f"/lecture/{atelier.read_token}",
                f"/lecture/{atelier.read_token}/documents",
                f"/repertoire/fiche/{fiche}",
            ],
        },
    }


def _visit_all(site: dict[str, Any], extra: tuple[tuple[str, str], ...] = ()) -> None:
    pages = [(who, url) for who, urls in site["pages"].items() for url in urls]
    for who, url in [*pages, *extra]:
        before = _dump()
        r = site[who].get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert _dump() == before, f"GET {url} wrote to the database"


def test_every_get_leaves_the_database_unchanged(site: dict[str, Any]) -> None:
    # first without a restitution row nor a visit, then with them
    _visit_all(site)
    assert site["participant"].post(f"/cycle/{site['cycle'].id}/visite").status_code == 204
    token = restitution.publish(site["cycle"], True).public_token
    _visit_all(site, (("public", f"/restitution/{token}"),))


def test_the_visit_is_posted_by_the_page(site: dict[str, Any]) -> None:
    cycle_id = site["cycle"].id
    page = site["participant"].get(f"/cycle/{cycle_id}").get_data(as_text=True)
    assert f'action="/cycle/{cycle_id}/visite"' in page and "js/visit.js" in page
    assert db.session.scalar(select(ParticipantVisit)) is None
    assert site["participant"].post(f"/cycle/{cycle_id}/visite").status_code == 204
    assert db.session.scalar(select(ParticipantVisit)) is not None
    # only a participant of the cycle records a visit
    assert site["public"].post(f"/cycle/{cycle_id}/visite").status_code == 403


def test_templates_receive_plain_data(
    site: dict[str, Any], rendered: list[tuple[str, list[str]]]
) -> None:
    token = restitution.publish(site["cycle"], True).public_token
    _visit_all(site, (("public", f"/restitution/{token}"),))
    assert _orm_paths({"x": [(1, site["cycle"])]}, "ctx") == ["ctx.x[0][1]: Cycle"]
    assert len({name for name, _found in rendered}) >= 22
    leaks = {name: found for name, found in rendered if found}
    assert not leaks, leaks
