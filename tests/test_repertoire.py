"""Répertoire des acteurs: entries by territory, contact only with consent, the structure's
own update link, CSV and DOCX exports; consent withdrawn → the contact disappears."""

from __future__ import annotations

import html
import io
from typing import Any

import pytest

from facilitator.activities.cartographie.models import Actor, ActorAction
from facilitator.cycle_life import repertoire
from facilitator.documents import compile_document, restitution
from facilitator.extensions import db
from facilitator.models.cycle_life import StructureProfile

CONTACT = {
    "type": "association",
    "territoire": "Val-de-Lys",
    "champs": ["Action sociale", "Santé"],
    "actions": "Accompagnement à la scolarité",
    "consent": "oui",
    "contact_name": "Sacha Lefebvre",
    "contact_role": "Coordinatrice",
    "contact_email": "sacha@centre-social.fr",
    "contact_phone": "03 20 00 00 00",
    "confirm_personal": "oui",
}


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def login(client: Any, animateur: Any) -> None:
    r = client.post(
        "/connexion", data={"email": animateur.email, "password": "mot-de-passe-solide"}
    )
    assert r.status_code == 302


@pytest.fixture
def cycle(client: Any, make_animateur: Any, make_atelier: Any) -> dict[str, Any]:
    owner = make_animateur()
    atelier = make_atelier(owner)
    login(client, owner)
    structure = next(s for s in atelier.cycle.structures if s.name == "Centre social")
    return {"owner": owner, "cycle": atelier.cycle, "structure": structure}


def _docx_text(cycle_id: int) -> str:
    from docx import Document

    d = Document(io.BytesIO(compile_document("repertoire", cycle_id, "docx").content))
    return "\n".join(p.text for p in d.paragraphs)


def test_entry_with_consent_appears_everywhere(client: Any, cycle: dict[str, Any]) -> None:
    cid, sid = cycle["cycle"].id, cycle["structure"].id
    actor = Actor(
        cycle_id=cid,
        client_id="act-000001",
        structure_id=sid,
        name="Centre social",
        type="association",
    )
    db.session.add(actor)
    db.session.flush()
    db.session.add(ActorAction(actor_id=actor.id, client_id="aa-000001", text="Café des parents"))
    db.session.commit()
    r = client.post(f"/animateur/cycles/{cid}/repertoire/{sid}", data=CONTACT)
    assert r.status_code == 302, text(r)
    profile = db.session.query(StructureProfile).filter_by(structure_id=sid).one()
    assert profile.contact_consent_at is not None and profile.updated_by == "animateur"
    page = text(client.get(f"/animateur/cycles/{cid}/repertoire"))
    assert "Val-de-Lys" in page and "Sacha Lefebvre" in page and "Café des parents" in page
    csv_text = client.get(f"/animateur/cycles/{cid}/repertoire.csv").get_data().decode("utf-8-sig")
    header, *rows = csv_text.strip().split("\r\n")
    assert header.startswith("Territoire;Structure;Type;Champs d'intervention;Actions;Contact")
    row = next(r for r in rows if "Centre social" in r)
    assert "Sacha Lefebvre" in row and "Café des parents" in row and "Santé" in row
    # DOCX: the fiche under its territory, the summary table unchanged
    docx = _docx_text(cid)
    assert "Sacha Lefebvre, Coordinatrice" in docx and "Café des parents" in docx
    assert client.get(f"/animateur/cycles/{cid}/documents/repertoire.docx").status_code == 200


def test_no_consent_no_contact(client: Any, cycle: dict[str, Any]) -> None:
    cid, sid = cycle["cycle"].id, cycle["structure"].id
    data = {**CONTACT, "consent": ""}
    assert client.post(f"/animateur/cycles/{cid}/repertoire/{sid}", data=data).status_code == 302
    profile = db.session.query(StructureProfile).filter_by(structure_id=sid).one()
    assert profile.contact_name == "" and profile.contact_consent_at is None
    assert "Sacha Lefebvre" not in text(client.get(f"/animateur/cycles/{cid}/repertoire"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contact_email": "pas-un-courriel"}, "nom@domaine.fr"),
        ({"contact_name": ""}, "Indiquez le nom"),
        ({"type": "pirate"}, "type de la structure"),
        ({"champs": ["Inventé"]}, "Champ d'intervention inconnu"),
        ({"actions": "Appeler Mme Durand au 06 12 34 56 78", "confirm_personal": ""}, "données"),
    ],
)
def test_bad_entries_are_refused_in_french(
    client: Any, cycle: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    cid, sid = cycle["cycle"].id, cycle["structure"].id
    r = client.post(f"/animateur/cycles/{cid}/repertoire/{sid}", data={**CONTACT, **change})
    assert r.status_code == 400 and message in text(r)


def test_self_update_link_and_consent_withdrawal(
    client: Any, cycle: dict[str, Any], app: Any
) -> None:
    cid, sid = cycle["cycle"].id, cycle["structure"].id
    r = client.post(f"/animateur/cycles/{cid}/repertoire/{sid}/lien")
    page = text(r)
    assert r.status_code == 200 and "/repertoire/fiche/" in page
    token = page.split("/repertoire/fiche/")[1].split('"')[0]
    structure_client = app.test_client()
    assert structure_client.get(f"/repertoire/fiche/{token}").status_code == 200
    r = structure_client.post(f"/repertoire/fiche/{token}", data={**CONTACT, "version": "1"})
    assert r.status_code == 302, text(r)
    profile = db.session.query(StructureProfile).filter_by(structure_id=sid).one()
    assert profile.updated_by == "structure" and profile.contact_name == "Sacha Lefebvre"
    # public restitution shows the consenting contact
    row = restitution.publish(cycle["cycle"], True)
    public = app.test_client()
    assert "Sacha Lefebvre" in text(public.get(f"/restitution/{row.public_token}"))
    # a stale form is refused with the fresh data
    stale = structure_client.post(f"/repertoire/fiche/{token}", data={**CONTACT, "version": "1"})
    assert stale.status_code == 409
    # consent withdrawn: the contact disappears from public pages and future documents
    fresh = db.session.query(StructureProfile).filter_by(structure_id=sid).one().version
    data = {**CONTACT, "consent": "", "version": str(fresh)}
    assert structure_client.post(f"/repertoire/fiche/{token}", data=data).status_code == 302
    assert "Sacha Lefebvre" not in text(public.get(f"/restitution/{row.public_token}"))
    assert "Sacha Lefebvre" not in _docx_text(cid)
    csv_text = client.get(f"/animateur/cycles/{cid}/repertoire.csv").get_data().decode("utf-8-sig")
    assert "Sacha" not in csv_text and "sacha@" not in csv_text
    assert "Sacha" not in compile_document("repertoire", cid, "md").content.decode()
    # a regenerated link replaces the old one; a revoked one stops working
    page = text(client.post(f"/animateur/cycles/{cid}/repertoire/{sid}/lien"))
    new_token = page.split("/repertoire/fiche/")[1].split('"')[0]
    assert structure_client.get(f"/repertoire/fiche/{token}").status_code == 404
    assert structure_client.get(f"/repertoire/fiche/{new_token}").status_code == 200
    client.post(f"/animateur/cycles/{cid}/repertoire/{sid}/lien", data={"action": "revoquer"})
    gone = structure_client.get(f"/repertoire/fiche/{new_token}")
    assert gone.status_code == 404 and "demandez-en un nouveau" in text(gone)


def test_entries_are_organised_by_territory(cycle: dict[str, Any]) -> None:
    cid = cycle["cycle"].id
    groups = repertoire.by_territory(repertoire.entries(cid))
    assert groups[-1][0] == repertoire.NO_TERRITORY
    assert sum(len(items) for _t, items in groups) == len(cycle["cycle"].structures)


def test_other_animateurs_cannot_read_the_repertoire(
    client: Any, cycle: dict[str, Any], make_animateur: Any
) -> None:
    client.post("/deconnexion")
    login(client, make_animateur())
    assert client.get(f"/animateur/cycles/{cycle['cycle'].id}/repertoire").status_code == 403
