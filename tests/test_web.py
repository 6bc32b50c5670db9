"""HTTP pages: joining, animateur pages, rights, headers."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from facilitator.extensions import db
from facilitator.models import Atelier, Attendance, Participant, Structure


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def login(client: Any, animateur: Any, password: str = "mot-de-passe-solide") -> Any:
    return client.post("/connexion", data={"email": animateur.email, "password": password})


def test_home_has_strict_headers(client: Any) -> None:
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert '<html lang="fr"' in r.text


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [("ZZZZ", 400, "6 caractères"), ("QQQQQQ", 404, "Aucun atelier ouvert avec ce code")],
)
def test_bad_codes_get_a_french_message(client: Any, code: str, status: int, message: str) -> None:
    r = client.post("/rejoindre", data={"code": code})
    assert r.status_code == status
    assert message in text(r)


def test_code_attempts_are_rate_limited_per_browser(client: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    for _ in range(10):
        client.post("/rejoindre", data={"code": "QQQQQQ"})
    r = client.post("/rejoindre", data={"code": atelier.join_code})
    assert r.status_code == 429 and "Trop d'essais" in text(r)
    # another browser (another school laptop behind the same IP) is not blocked
    other = client.application.test_client()
    assert other.post("/rejoindre", data={"code": atelier.join_code}).status_code == 302


def test_join_by_code_then_form_then_board(client: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    code = atelier.join_code.lower()[:3] + " " + atelier.join_code.lower()[3:]
    r = client.post("/rejoindre", data={"code": code})
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/rejoindre/{atelier.link_token}"
    )
    page = text(client.get(f"/rejoindre/{atelier.link_token}"))
    assert "Collège Jean-Moulin" in page
    empty = client.post(f"/rejoindre/{atelier.link_token}", data={"display_name": "  "})
    assert empty.status_code == 400 and "nom sous lequel" in text(empty)
    r = client.post(
        f"/rejoindre/{atelier.link_token}",
        data={
            "display_name": "Sam",
            "new_structure": "Médiathèque Aragon",
            "new_structure_type": "collectivite",
        },
    )
    assert r.status_code == 302
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    board = text(client.get(f"/atelier/{atelier.link_token}"))
    assert 'data-socket-token="' in board
    participant = db.session.query(Participant).one()
    assert participant.display_name == "Sam"
    assert participant.structure.name == "Médiathèque Aragon"
    assert (
        db.session.query(Structure).filter_by(name="Médiathèque Aragon").one().type
        == "collectivite"
    )
    assert db.session.query(Attendance).filter_by(atelier_id=atelier.id).count() == 1
    # the same browser rejoins as the same participant
    again = text(client.get(f"/rejoindre/{atelier.link_token}"))
    assert "Sam" in again
    r = client.post(f"/rejoindre/{atelier.link_token}", data={"continuer": "1"})
    assert r.status_code == 302
    assert db.session.query(Participant).count() == 1


def test_board_without_cookie_goes_to_the_form(client: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    r = client.get(f"/atelier/{atelier.link_token}")
    assert r.status_code == 302 and "/rejoindre/" in r.headers["Location"]


def test_unknown_structure_is_refused(client: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    r = client.post(
        f"/rejoindre/{atelier.link_token}", data={"display_name": "Sam", "structure_id": "999"}
    )
    assert r.status_code == 400 and "Structure inconnue" in text(r)


def test_login_and_rate_limit(client: Any, make_animateur: Any) -> None:
    animateur = make_animateur()
    assert client.get("/animateur/").status_code == 302
    bad = client.post("/connexion", data={"email": animateur.email, "password": "non"})
    assert bad.status_code == 401 and "incorrect" in text(bad)
    for _ in range(4):
        client.post("/connexion", data={"email": animateur.email, "password": "non"})
    blocked = login(client, animateur)
    assert blocked.status_code == 429
    fresh = client.application.test_client()
    # the account is protected too, even from another browser
    assert login(fresh, animateur).status_code == 429


def test_animateur_creates_cycle_and_atelier(client: Any, make_animateur: Any) -> None:
    animateur = make_animateur()
    assert login(client, animateur).status_code == 302
    r = client.post("/animateur/cycles", data={"title": "Cycle 2027", "territoire": "Nord"})
    assert r.status_code == 302
    cycle_url = r.headers["Location"]
    cycle_id = int(re.search(r"/cycles/(\d+)", cycle_url).group(1))
    page = text(client.get(cycle_url))
    assert "Lancement et interconnaissance" in page
    r = client.post(
        f"/animateur/cycles/{cycle_id}/ateliers",
        data={"script_id": "lancement-interconnaissance", "date": "2035-01-15", "mode": "hybride"},
    )
    assert r.status_code == 302
    atelier = db.session.query(Atelier).one()
    # its five steps and the model cycle's closing météo (issue 16)
    assert atelier.mode == "hybride" and len(atelier.steps) == 6
    console = text(client.get(f"/animateur/ateliers/{atelier.id}"))
    assert atelier.join_code in console and 'data-socket-token="' in console
    assert client.get(f"/animateur/ateliers/{atelier.id}/projection").status_code == 200
    bad = client.post(f"/animateur/cycles/{cycle_id}/ateliers", data={"script_id": "nope"})
    assert bad.status_code == 400 and "Choisissez un déroulé" in text(bad)


def test_another_animateur_is_refused(client: Any, make_animateur: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    intruder = make_animateur()
    login(client, intruder)
    for url in (
        f"/animateur/ateliers/{atelier.id}",
        f"/animateur/ateliers/{atelier.id}/projection",
        f"/animateur/cycles/{atelier.cycle_id}",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/animateur/ateliers/{atelier.id}/liens").status_code == 403


def test_qr_code_is_an_svg_of_the_participant_link(client: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    r = client.get(f"/qr/{atelier.link_token}.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert r.data.startswith(b"<?xml") and b"<svg" in r.data


def test_regenerated_links_revoke_the_old_ones(
    client: Any, make_animateur: Any, make_atelier: Any
) -> None:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    old_link, old_code = atelier.link_token, atelier.join_code
    login(client, animateur)
    assert client.post(f"/animateur/ateliers/{atelier.id}/liens").status_code == 302
    assert client.get(f"/rejoindre/{old_link}").status_code == 404
    db.session.refresh(atelier)
    assert atelier.join_code != old_code and atelier.link_token != old_link
    assert client.post("/rejoindre", data={"code": old_code}).status_code == 404
    assert client.get(f"/rejoindre/{atelier.link_token}").status_code == 200


def test_closed_atelier_link_says_so(client: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    atelier.close()
    db.session.commit()
    r = client.get(f"/rejoindre/{atelier.link_token}")  # an old QR code, after the close
    page = text(r)
    assert r.status_code == 410 and "Cet atelier est clos" in page
    assert "Une erreur est survenue" not in page and "page du cycle" in page
    assert client.post(f"/rejoindre/{atelier.link_token}", data={}).status_code == 410


def test_forms_require_csrf_token(app: Any, make_animateur: Any) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    animateur = make_animateur()
    r = login(client, animateur)
    assert r.status_code == 400 and "expiré" in text(r)


def test_co_animateur_invitation(client: Any, make_animateur: Any, make_atelier: Any) -> None:
    owner = make_animateur()
    atelier = make_atelier(owner)
    colleague = make_animateur()
    login(client, owner)
    url = f"/animateur/cycles/{atelier.cycle_id}/co-animateurs"
    unknown = client.post(url, data={"email": "personne@exemple.fr"})
    assert unknown.status_code == 400 and "Aucun compte animateur" in text(unknown)
    assert client.post(url, data={"email": colleague.email.upper()}).status_code == 302
    again = client.post(url, data={"email": colleague.email})
    assert again.status_code == 400 and "anime déjà" in text(again)
    other = client.application.test_client()
    login(other, colleague)
    assert other.get(f"/animateur/ateliers/{atelier.id}").status_code == 200


def test_privacy_page(client: Any) -> None:
    page = text(client.get("/confidentialite"))
    assert "24 mois" in page and "adresse IP" in page


def test_participants_can_still_read_a_closed_atelier(client: Any, make_atelier: Any) -> None:
    atelier = make_atelier()
    structure = atelier.cycle.structures[0]
    link = atelier.link_token
    client.post(f"/rejoindre/{link}", data={"display_name": "Sam", "structure_id": structure.id})
    atelier.close()
    db.session.commit()
    assert client.get(f"/atelier/{link}").status_code == 200
    again = client.get(f"/rejoindre/{link}")  # nobody joins any more: their cycle page instead
    assert again.status_code == 410
    assert f'href="/cycle/{atelier.cycle_id}"' in again.get_data(as_text=True)


def test_console_and_read_only_view_list_the_documents(
    client: Any, make_animateur: Any, make_atelier: Any
) -> None:
    owner = make_animateur()
    atelier = make_atelier(owner)
    login(client, owner)
    # the console links its documents page once; that page lists them
    console = client.get(f"/animateur/ateliers/{atelier.id}").get_data(as_text=True)
    assert f'href="/animateur/ateliers/{atelier.id}/documents"' in console
    page = client.get(
        f"/animateur/ateliers/{atelier.id}/documents", headers={"Accept": "text/html"}
    )
    assert "Compte rendu" in text(page)
    assert f"/animateur/ateliers/{atelier.id}/documents/compte-rendu.docx" in text(page)
    reader = client.application.test_client()
    page = text(reader.get(f"/lecture/{atelier.read_token}"))
    assert f"/lecture/{atelier.read_token}/documents/compte-rendu.docx" in page
    assert "Régénérer" not in page
