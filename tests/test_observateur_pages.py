"""An observateur reads and downloads, and is offered nothing else (issue 16): every page
of the cycle they reach from its page comes without a form that writes and without an
action button — the routes refuse writes anyway (tests/test_team.py); the animateur who
runs the cycle gets the same pages with their forms."""

from __future__ import annotations

import re
from typing import Any

from tests.test_team import crew  # noqa: F401  (the fixture, used by name)

#: pages of one's own account, not of the cycle (a new cycle, one's déroulés, one's
#: structure): an observateur of this cycle uses them as any animateur
OWN_PAGES = ("/animateur/", "/animateur/deroules", "/animateur/structure")
WRITING_FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>')
LOGOUT = 'action="/deconnexion"'
BUTTON = re.compile(r"<button\b[^>]*>(.*?)</button>", re.S)


def _pages(http: Any, start: str, *more: str) -> dict[str, str]:
    """The cycle page and every page it links to (one level), and ``more``, by URL."""
    first = http.get(start)
    assert first.status_code == 200
    found = {start: first.get_data(as_text=True)}
    links = set(re.findall(r'href="(/animateur/[^"#]+)"', found[start])) | set(more)
    for url in sorted(links):
        if url in OWN_PAGES or url.endswith(".json"):
            continue
        response = http.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            found[url] = response.get_data(as_text=True)
    return found


def _writes(html: str) -> list[str]:
    forms = [form for form in WRITING_FORM.findall(html) if LOGOUT not in form]
    buttons = [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in BUTTON.findall(html)
        if "Se déconnecter" not in label
    ]
    return forms + buttons


def test_an_observateur_gets_no_form_and_no_action_button(
    crew: dict[str, Any],  # noqa: F811  (the fixture imported above)
    make_participant: Any,
) -> None:
    atelier = crew["atelier"]
    make_participant(atelier, "Alice")  # a presence sheet to read
    start = f"/animateur/cycles/{atelier.cycle_id}"
    more = (f"/animateur/ateliers/{atelier.id}/documents",)
    observed = _pages(crew["observer_http"], start, *more)
    assert len(observed) >= 12, sorted(observed)  # planning, documents, productions, journal…
    offered = {url: _writes(html) for url, html in observed.items()}
    left = {url: found for url, found in offered.items() if found}
    assert not left, "\n".join(f"{u}: {f}" for u, f in left.items())
    page = observed[start]
    assert "lecture seule" in page and "télécharger" in page
    assert (
        "Modifier l'atelier" not in page
        and f"Tableau en lecture seule de l'atelier {atelier.title}" in page
    )
    # the same pages for the animateur who runs the cycle: their forms are there
    run = _pages(crew["owner_http"], start, *more)
    with_forms = {url for url, html in run.items() if _writes(html)}
    assert {
        start,
        f"/animateur/cycles/{atelier.cycle_id}/planning",
        f"/animateur/cycles/{atelier.cycle_id}/participants",
        f"/animateur/cycles/{atelier.cycle_id}/questions",
        f"/animateur/cycles/{atelier.cycle_id}/entre-ateliers",
        f"/animateur/cycles/{atelier.cycle_id}/evaluation",
        f"/animateur/ateliers/{atelier.id}/modifier",
        f"/animateur/ateliers/{atelier.id}/presences",
    } <= with_forms
    assert re.search(
        r"Alice</th>.*?présent·e", observed[f"/animateur/ateliers/{atelier.id}/presences"], re.S
    )


def test_an_observateur_gets_neither_the_addresses_nor_the_whole_export(
    crew: dict[str, Any],  # noqa: F811  (the fixture imported above)
) -> None:
    """E-mail addresses and the whole cycle's export are personal data an observateur does not
    need: not linked, and refused with a French reason; those who run the cycle get them."""
    cycle_id = crew["atelier"].cycle_id
    urls = (
        f"/animateur/cycles/{cycle_id}/courriels",
        f"/animateur/cycles/{cycle_id}/courriels/boite",
        f"/animateur/cycles/{cycle_id}/export.json",
    )
    page = crew["observer_http"].get(f"/animateur/cycles/{cycle_id}").get_data(as_text=True)
    for url in urls:
        assert f'href="{url}"' not in page
        refused = crew["observer_http"].get(url)
        assert refused.status_code == 403, url
        assert "réservés à l&#39;équipe qui l&#39;anime" in refused.get_data(as_text=True)
        assert crew["owner_http"].get(url).status_code == 200, url
