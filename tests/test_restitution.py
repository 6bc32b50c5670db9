"""Restitution publique: published / unpublished, what it shows, no participant names,
strict CSP, the charte and feuille de route when their document kinds can be built."""

from __future__ import annotations

import html
from types import SimpleNamespace
from typing import Any

import pytest

from facilitator.activities.cartographie.models import Actor
from facilitator.core import participants
from facilitator.core import questions as productions
from facilitator.documents import kinds
from facilitator.documents import restitution as service
from facilitator.extensions import db
from facilitator.models import Contribution
from facilitator.rendering.model import Document, para, section


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


@pytest.fixture
def setup(client: Any, make_animateur: Any, make_atelier: Any, app: Any) -> dict[str, Any]:
    owner = make_animateur()
    atelier = make_atelier(owner)
    cycle = atelier.cycle
    structure = cycle.structures[0]
    alice, _token = participants.join(atelier, "Alice Dupont", structure_id=structure.id)
    db.session.add(
        Contribution(
            atelier_id=atelier.id,
            step_id=atelier.steps[0].id,
            client_id="rest-000001",
            participant_id=alice.id,
            text="Une carte d'Alice",
            column="a",
        )
    )
    db.session.add(
        Actor(
            cycle_id=cycle.id,
            client_id="rest-actor-1",
            structure_id=structure.id,
            name=structure.name,
            type=structure.type,
        )
    )
    db.session.commit()
    productions.create_question(cycle.id, "Comment mieux accueillir les familles ?")
    login(client, owner)
    return {"cycle": cycle, "public": app.test_client(), "owner": owner}


def test_unpublished_is_a_french_404_then_published(client: Any, setup: dict[str, Any]) -> None:
    cycle, public = setup["cycle"], setup["public"]
    admin = text(client.get(f"/animateur/cycles/{cycle.id}/restitution"))
    assert "Non publiée" in admin
    row = service.of(cycle)
    db.session.commit()
    r = public.get(f"/restitution/{row.public_token}")
    assert r.status_code == 404 and "pas publiée" in text(r)
    assert (
        client.post(
            f"/animateur/cycles/{cycle.id}/restitution", data={"action": "publier"}
        ).status_code
        == 302
    )
    r = public.get(f"/restitution/{row.public_token}")
    page = text(r)
    assert r.status_code == 200
    assert "Comment mieux accueillir les familles ?" in page
    assert "<svg" in page and "Cartographie des acteurs" in page
    assert "Collège Jean-Moulin" in page
    # no participant names, no script, strict CSP
    assert "Alice" not in page
    assert "<script" not in page
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # unpublish → 404 again; a new address → the old one stops working
    client.post(f"/animateur/cycles/{cycle.id}/restitution", data={"action": "depublier"})
    assert public.get(f"/restitution/{row.public_token}").status_code == 404
    client.post(f"/animateur/cycles/{cycle.id}/restitution", data={"action": "publier"})
    old = row.public_token
    client.post(f"/animateur/cycles/{cycle.id}/restitution", data={"action": "nouveau-lien"})
    assert public.get(f"/restitution/{old}").status_code == 404
    db.session.refresh(row)
    assert row.public_token != old
    assert public.get(f"/restitution/{row.public_token}").status_code == 200
    assert public.get("/restitution/inconnu").status_code == 404


def test_charte_and_feuille_de_route_pending_then_rendered(
    setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cycle, public = setup["cycle"], setup["public"]
    row = service.publish(cycle, True)
    url = f"/restitution/{row.public_token}"
    pending = dict(kinds.KINDS)
    pending["charte"] = kinds.DocumentKind(id="charte", label="Charte", scope="cycle")

    def unavailable(_cycle_id: int) -> Any:
        raise kinds.DocumentUnavailable("Pas de feuille de route.")

    pending["feuille-de-route"] = kinds.DocumentKind(
        id="feuille-de-route",
        label="Feuille de route",
        scope="cycle",
        load=unavailable,
        compose=lambda ctx: ctx,
    )
    monkeypatch.setattr(kinds, "KINDS", pending)
    page = text(public.get(url))
    assert "La charte n'est pas encore adoptée." in page
    assert "La feuille de route n'est pas encore établie." in page

    def charte(_ctx: Any) -> Document:
        return Document(
            kind="charte",
            title="Charte",
            subtitle="",
            facts=(),
            sections=(section("Valeurs communes", para("Agir <ensemble> pour les familles.")),),
            filename="charte",
        )

    pending["charte"] = kinds.DocumentKind(
        id="charte", label="Charte", scope="cycle", load=lambda cid: cid, compose=charte
    )
    draft = SimpleNamespace(adopted=False)
    pending["charte"] = kinds.DocumentKind(
        id="charte", label="Charte", scope="cycle", load=lambda cid: draft, compose=charte
    )
    assert "La charte n'est pas encore adoptée." in text(public.get(url))  # a draft only
    pending["charte"] = kinds.DocumentKind(
        id="charte", label="Charte", scope="cycle", load=lambda cid: cid, compose=charte
    )
    raw = public.get(url).get_data(as_text=True)
    assert "Valeurs communes" in raw and "Agir &lt;ensemble&gt; pour les familles." in raw
    assert "pas encore adoptée" not in raw


def test_other_animateurs_cannot_publish(
    client: Any, setup: dict[str, Any], make_animateur: Any
) -> None:
    client.post("/deconnexion")
    login(client, make_animateur())
    r = client.post(
        f"/animateur/cycles/{setup['cycle'].id}/restitution", data={"action": "publier"}
    )
    assert r.status_code == 403


def test_public_page_shows_validated_actions_only_and_the_animateur_previews_it(
    client: Any, setup: dict[str, Any]
) -> None:
    from facilitator.activities.feuille_de_route import cycle_document as feuille_de_route
    from facilitator.activities.feuille_de_route.models import RoadmapAction

    cycle, public = setup["cycle"], setup["public"]
    for n, status in ((1, "validee"), (2, "proposee")):
        db.session.add(
            RoadmapAction(
                cycle_id=cycle.id,
                client_id=f"rest-action-{n}",
                intitule=f"Action {status} numéro {n}",
                status=status,
            )
        )
    db.session.commit()
    # the animateur's document keeps everything
    assert len(feuille_de_route.load(cycle.id).actions) == 2
    assert len(feuille_de_route.load(cycle.id, validated_only=True).actions) == 1
    # the preview, before publishing: same page, with a banner, animateur only
    admin = text(client.get(f"/animateur/cycles/{cycle.id}/restitution"))
    assert f"/animateur/cycles/{cycle.id}/restitution/apercu" in admin and "Aperçu" in admin
    r = client.get(f"/animateur/cycles/{cycle.id}/restitution/apercu")
    preview = text(r)
    assert r.status_code == 200 and "Aperçu — non publiée" in preview
    assert "Action validee numéro 1" in preview
    assert "Action proposee numéro 2" not in preview
    assert "Comment mieux accueillir les familles ?" in preview
    assert public.get(f"/animateur/cycles/{cycle.id}/restitution/apercu").status_code in (
        302,
        401,
    )
    # published: the public page has no banner and no proposed action
    row = service.publish(cycle, True)
    page = text(public.get(f"/restitution/{row.public_token}"))
    assert "Action validee numéro 1" in page and "Action proposee numéro 2" not in page
    assert "Aperçu" not in page
    preview = text(client.get(f"/animateur/cycles/{cycle.id}/restitution/apercu"))
    assert "Aperçu — publiée" in preview


def test_tables_sit_in_a_focusable_labelled_scroll_region() -> None:
    from facilitator.rendering import html as render_html
    from facilitator.rendering.model import table

    out = render_html.fragment(
        [section("Présences", table("p", "Présences par atelier", ("Atelier", "Présents"), []))]
    )
    assert (
        '<div class="table-scroll" role="region" tabindex="0" '
        'aria-label="Présences par atelier"><table' in out
    )
    assert out.count("<table") == out.count('class="table-scroll"') == 1
    assert "</table></div>" in out
