"""The console's documents: on their own page (the atelier's and the cycle's), linked once
from the console's control bar; the same URL still answers JSON to other clients."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from facilitator.models import Animateur, Atelier
from tests.test_documents_web import login, text

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_documents_have_their_own_page_linked_once_from_the_console(
    client: Any,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
) -> None:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    login(client, animateur)
    url = f"/animateur/ateliers/{atelier.id}/documents"
    console = text(client.get(f"/animateur/ateliers/{atelier.id}"))
    # linked once; no download button left on the console itself
    assert len(re.findall(re.escape(f'href="{url}"'), console)) == 1
    assert "/documents/compte-rendu." not in console
    page = client.get(url, headers=HTML)
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = text(page)
    assert '<h2 id="documents-1">Cet atelier</h2>' in body
    assert '<h2 id="documents-2">Le cycle</h2>' in body
    atelier_part, cycle_part = body.split('id="documents-2"')
    assert f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.docx" in atelier_part
    assert f"/animateur/cycles/{atelier.cycle_id}/documents/synthese.docx" in cycle_part
    assert "compte-rendu." not in cycle_part
    assert f'href="/animateur/ateliers/{atelier.id}"' in body  # back to the console
    # other clients still get the JSON index
    data = client.get(url, headers={"Accept": "application/json"}).get_json()
    assert {d["kind"] for d in data["documents"]} >= {"compte-rendu", "synthese"}
    # another animateur's atelier: refused either way
    client.post("/deconnexion")
    login(client, make_animateur())
    assert client.get(url, headers=HTML).status_code in (403, 404)
