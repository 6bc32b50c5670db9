"""Addresses and what each campaign says to whom: the invitees' CSV import (each bad row's
error, nothing imported until fixed or skipped explicitly), the imported invitee's one
message asking for consent, the compte rendu to those present and excused (DOCX under the
size limit), the catch-up to absentees, the reminders J-7 / J-1, the répertoire and the
animateurs' digest; erasure with the cycle and the participant."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from facilitator.core import retention
from facilitator.cycle_life import async_steps, repertoire
from facilitator.documents import storage
from facilitator.errors import InvalidInput
from facilitator.extensions import db
from facilitator.mail import addresses, compose, links, worker
from facilitator.mail.models import MailCampaign, MailContact, MailMessage
from facilitator.models import Atelier, Attendance, Participant, Structure
from tests.mail_helpers import people
from tests.test_plain_pages import _login

CSV_OK = "nom;structure;e-mail\nAmina Diallo;Centre social;amina@exemple.fr\nLuc Martin;Mairie;LUC@exemple.fr\n"  # noqa: E501
CSV_BAD = (
    "nom,structure,e-mail\n"
    "Amina Diallo,Centre social,amina@exemple.fr\n"
    "Sans adresse,Mairie,\n"
    "Mauvaise,Collège,pas-une-adresse\n"
    '"Injection\nBcc: x@y.fr",Collège,inj@exemple.fr\n'
    "Amina bis,Centre social,AMINA@exemple.fr\n"
)


@pytest.fixture
def request_ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context("/", base_url="https://facilitator.example"):
        yield


def _kinds(campaign: MailCampaign) -> list[str]:
    return sorted(r.email for r in compose.recipients(campaign))


def test_csv_rows_are_checked_one_by_one_and_nothing_is_imported_until_fixed_or_skipped(
    app: Flask, make_animateur: Callable[..., Any], make_atelier: Callable[..., Atelier]
) -> None:
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    cycle_id = atelier.cycle_id
    report = addresses.import_invitees(cycle_id, CSV_BAD.encode(), skip_errors=False)
    assert [n for n, _m, _l in report.errors] == [3, 4, 5]
    messages = [m for _n, m, _l in report.errors]
    assert "Indiquez une adresse" in messages[0]
    assert "pas une adresse électronique valide" in messages[1]
    assert "en-tête" in messages[2]
    assert report.duplicates == 1
    assert db.session.scalar(select(func.count()).select_from(MailContact)) == 0
    # the page lists each bad row and imports nothing; then skipping explicitly imports
    client = app.test_client()
    _login(client, animateur)
    url = f"/animateur/cycles/{cycle_id}/courriels/import"
    form = {"fichier": (__import__("io").BytesIO(CSV_BAD.encode()), "invites.csv")}
    page = client.post(url, data=form, content_type="multipart/form-data")
    assert page.status_code == 400
    assert "Ligne 4" in page.text and "rien n&#39;a été importé" in page.text.replace("'", "&#39;")
    assert db.session.scalar(select(func.count()).select_from(MailContact)) == 0
    form = {"fichier": (__import__("io").BytesIO(CSV_BAD.encode()), "invites.csv"), "ignorer": "1"}
    done = client.post(url, data=form, content_type="multipart/form-data")
    assert done.status_code == 302
    assert db.session.scalars(select(MailContact.email)).all() == ["amina@exemple.fr"]
    # a semicolon file with a header, Windows-1252: fine; the known address is a duplicate
    again = addresses.import_invitees(cycle_id, CSV_OK.encode("cp1252"), skip_errors=False)
    assert again.errors == [] and again.duplicates == 1 and len(again.valid) == 1
    with pytest.raises(InvalidInput):
        addresses.import_invitees(cycle_id, b"  ", skip_errors=False)


def test_an_invitee_gets_one_invitation_asking_consent_and_nothing_more_without_it(
    app: Flask, make_atelier: Callable[..., Atelier], request_ctx: None
) -> None:
    atelier = make_atelier()
    addresses.import_invitees(atelier.cycle_id, CSV_OK.encode(), skip_errors=False)
    first = compose.create(atelier.cycle, "invitation", atelier.id, None)
    assert compose.queue(first) == 2
    message = db.session.scalar(select(MailMessage).where(MailMessage.to_addr == "luc@exemple.fr"))
    assert message is not None and "Recevoir la suite du cycle ?" in message.body_text
    second = compose.create(atelier.cycle, "invitation", atelier.id, None)
    assert _kinds(second) == []
    # Luc says yes from his link: invitations from now on, but no compte rendu
    luc = db.session.scalar(select(MailContact).where(MailContact.email == "luc@exemple.fr"))
    assert luc is not None
    client = app.test_client()
    token = links.contact_token(luc)
    assert client.post(f"/courriel/{token}/choix", data={"invitations": "1"}).status_code == 302
    assert _kinds(second) == ["luc@exemple.fr"]
    assert "Recevoir la suite" not in compose.preview(second)[0].text


def _closed_with_attendance(atelier: Atelier, who: list[Participant]) -> None:
    present, excused, absent = who
    db.session.execute(delete(Attendance).where(Attendance.atelier_id == atelier.id))
    db.session.add(Attendance(participant_id=present.id, atelier_id=atelier.id, status="present"))
    db.session.add(Attendance(participant_id=excused.id, atelier_id=atelier.id, status="excuse"))
    db.session.add(Attendance(participant_id=absent.id, atelier_id=atelier.id, status="absent"))
    async_steps.open_async(atelier.steps[1], date.today() + timedelta(days=5))
    atelier.start()
    atelier.close()
    db.session.commit()
    storage.store_compte_rendu(atelier.id)


def test_compte_rendu_to_present_and_excused_catch_up_to_absentees(
    app: Flask, make_atelier: Callable[..., Atelier], request_ctx: None
) -> None:
    atelier = make_atelier()
    who = people(atelier, 3)
    _closed_with_attendance(atelier, who)
    cr = compose.create(atelier.cycle, "compte_rendu", atelier.id, None)
    assert _kinds(cr) == ["p0@exemple.fr", "p1@exemple.fr"]
    rendered, _n, files = compose.preview(cr)
    assert [f.filename.endswith(".docx") for f in files] == [True]
    assert files[0].data[:2] == b"PK"
    assert "Il est aussi joint à ce courriel" in rendered.text
    catch_up = compose.create(atelier.cycle, "rattrapage", atelier.id, None)
    assert _kinds(catch_up) == ["p2@exemple.fr"]
    text = compose.preview(catch_up)[0].text
    assert "Contribuer avant le prochain atelier" in text and atelier.steps[1].title in text
    # over the size limit: a link, no file
    app.config["MAIL_MAX_ATTACHMENT_BYTES"] = 100
    rendered, _n, files = compose.preview(cr)
    assert files == [] and "trop volumineux pour être joint" in rendered.text
    # an atelier not closed yet has no compte rendu to send
    other = make_atelier()
    with pytest.raises(InvalidInput):
        compose.create(other.cycle, "compte_rendu", other.id, None)


def test_reminders_j7_and_j1_are_queued_once_per_atelier_and_day(
    app: Flask, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    people(atelier, 2, purposes=("invitations",))
    # consent for comptes rendus only: no reminder
    people(atelier, 1, purposes=("comptes_rendus",), first=2)
    atelier.date = date.today() + timedelta(days=7)
    db.session.commit()
    with app.test_request_context("/", base_url="https://facilitator.example"):
        assert worker.schedule_reminders() == 1
        assert worker.schedule_reminders() == 0  # the same day again: already there
        assert worker.schedule_reminders(date.today() + timedelta(days=3)) == 0
        assert worker.schedule_reminders(date.today() + timedelta(days=6)) == 1  # J-1
        compose.set_reminder_days(atelier.cycle_id, "3")
        assert worker.schedule_reminders(date.today() + timedelta(days=4)) == 1
    rows = db.session.scalars(select(MailMessage.subject)).all()
    assert len(rows) == 6 and all(s.startswith("Rappel : Atelier de test") for s in rows)
    with pytest.raises(InvalidInput):
        compose.set_reminder_days(atelier.cycle_id, "7, demain")


def test_repertoire_link_to_structures_with_a_consented_contact_and_digest_to_animateurs(
    app: Flask, make_atelier: Callable[..., Atelier], request_ctx: None
) -> None:
    atelier = make_atelier()
    structures = db.session.scalars(
        select(Structure).where(Structure.cycle_id == atelier.cycle_id)
    ).all()  # noqa: E501
    form = {"consent": True, "contact_name": "Nadia", "contact_email": "nadia@exemple.fr"}
    repertoire.update_entry(structures[0], form, by="animateur")
    campaign = compose.create(atelier.cycle, "repertoire", None, None)
    assert _kinds(campaign) == ["nadia@exemple.fr"]
    compose.queue(campaign)
    message = db.session.scalar(select(MailMessage))
    assert message is not None and "/repertoire/fiche/" in message.body_text
    token = message.body_text.split("/repertoire/fiche/")[1].split()[0]
    assert repertoire.structure_by_token(token).id == structures[0].id
    # unsubscribing withdraws the contact from the fiche
    url = message.headers["List-Unsubscribe"].strip("<>").replace("https://facilitator.example", "")  # noqa: E501
    assert app.test_client().post(url).status_code == 200
    assert _kinds(compose.create(atelier.cycle, "repertoire", None, None)) == []
    digest = compose.create(atelier.cycle, "digest", None, None)
    assert len(compose.recipients(digest)) == 1
    assert "Contributions entre les ateliers" in compose.preview(digest)[0].text


def test_addresses_are_erased_with_the_participant_and_with_the_cycle(
    app: Flask, make_atelier: Callable[..., Atelier], request_ctx: None
) -> None:
    atelier = make_atelier()
    who = people(atelier, 3)
    compose.queue(compose.create(atelier.cycle, "invitation", atelier.id, None))
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 3
    # the participant's erasure (issue 20's code, or the cascade from participant)
    assert addresses.erase_participant_addresses(who[0].id) == 1
    db.session.delete(db.session.get(Participant, who[1].id))
    db.session.commit()
    assert db.session.scalars(select(MailContact.email)).all() == ["p2@exemple.fr"]
    assert db.session.scalars(select(MailMessage.to_addr)).all() == ["p2@exemple.fr"]
    retention.delete_cycle(atelier.cycle_id)
    for model in (MailContact, MailMessage, MailCampaign):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
