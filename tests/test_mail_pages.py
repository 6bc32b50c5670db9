"""The mail pages without SMTP (``make run``): a participant gives an address with consent
on their cycle page; the animateur composes a campaign, previews and edits it, sends a test
to themself, sends it; the « Boîte d'envoi » shows exactly what would have gone, personal
links masked; the person's own link opens their cycle page on a new device; GET writes
nothing and templates get plain data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from facilitator.core import participants
from facilitator.extensions import db
from facilitator.mail import links
from facilitator.mail.models import MailCampaign, MailContact, MailMessage
from facilitator.models import Animateur, Atelier, Participant
from tests.test_plain_pages import _dump, _login, _orm_paths, rendered  # noqa: F401


def _participant(app: Flask, atelier: Atelier, name: str) -> Any:
    client = app.test_client()
    _p, token = participants.join(atelier, name, structure_id=atelier.cycle.structures[0].id)
    client.set_cookie(f"fac_p{atelier.cycle_id}", token)
    return client


def _setup(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> dict[str, Any]:  # noqa: E501
    animateur = make_animateur()
    atelier = make_atelier(animateur)
    client = app.test_client()
    _login(client, animateur)
    return {
        "animateur": animateur,
        "atelier": atelier,
        "cycle_id": atelier.cycle_id,
        "client": client,
    }


def test_a_participant_gives_an_address_with_consent_per_purpose(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    s = _setup(app, make_animateur, make_atelier)
    me = _participant(app, s["atelier"], "Alice")
    url = f"/cycle/{s['cycle_id']}/courriels"
    assert "Recevoir les invitations" in me.get(f"/cycle/{s['cycle_id']}").text
    bad = me.post(url, data={"email": "alice@", "invitations": "1"})
    assert bad.status_code == 400 and "pas une adresse électronique valide" in bad.text
    none = me.post(url, data={"email": "alice@exemple.fr"})
    assert none.status_code == 400 and "Cochez au moins" in none.text
    assert db.session.scalar(select(func.count()).select_from(MailContact)) == 0
    ok = me.post(url, data={"email": "Alice@Exemple.fr", "comptes_rendus": "1"})
    assert ok.status_code == 302
    contact = db.session.scalar(select(MailContact))
    assert contact is not None and contact.email == "alice@exemple.fr"
    assert contact.consent_comptes_rendus_at is not None and contact.consent_invitations_at is None
    # someone else of the cycle cannot take the same address; a stranger has no page
    other = _participant(app, s["atelier"], "Bruno")
    taken = other.post(url, data={"email": "alice@exemple.fr", "invitations": "1"})
    assert taken.status_code == 400 and "déjà celle d&#39;un autre participant" in taken.text
    assert app.test_client().get(url).status_code == 403
    # the address is never shown to other participants
    assert "alice@exemple.fr" not in other.get(f"/cycle/{s['cycle_id']}").text
    assert "alice@exemple.fr" not in other.get(url).text
    # withdrawing: the address is erased
    assert me.post(url, data={"action": "retirer"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MailContact)) == 0


def test_compose_preview_edit_test_and_send_to_the_outbox_without_smtp(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    s = _setup(app, make_animateur, make_atelier)
    c, client = s["cycle_id"], s["client"]
    for name in ("Alice", "Bruno"):
        me = _participant(app, s["atelier"], name)
        me.post(
            f"/cycle/{c}/courriels",
            data={"email": f"{name.lower()}@exemple.fr", "invitations": "1"},
        )  # noqa: E501
    index = client.get(f"/animateur/cycles/{c}/courriels")
    assert "Aucun serveur d'envoi (SMTP)" in index.text and "alice@exemple.fr" in index.text
    created = client.post(
        f"/animateur/cycles/{c}/courriels/campagnes",
        data={"kind": "invitation", "atelier_id": s["atelier"].id},
    )  # noqa: E501
    assert created.status_code == 302
    page_url = created.headers["Location"]
    page = client.get(page_url)
    assert "<strong>2</strong> destinataire(s)" in page.text
    assert "Rejoindre l&#39;atelier" in page.text  # the text version of the preview
    preview = client.get(page_url + "/apercu.html")
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    assert "Bonjour Alice" in preview.text
    # a header injection in the subject: refused, nothing saved, nothing queued
    bad = client.post(
        page_url, data={"action": "envoyer", "subject": "Salut\r\nBcc: x@y.fr", "intro": "x"}
    )  # noqa: E501
    assert bad.status_code == 400 and "en-tête" in bad.text
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0
    edited = client.post(
        page_url,
        data={
            "action": "enregistrer",
            "subject": "Venez !",
            "intro": "Premier paragraphe.\n\nDeuxième.",
        },
    )  # noqa: E501
    assert edited.status_code == 302
    assert '<p style="margin:0 0 12px;">Deuxième.</p>' in client.get(page_url + "/apercu.html").text  # noqa: E501
    client.post(page_url, data={"action": "test", "subject": "Venez !", "intro": "Texte."})
    test = db.session.scalar(select(MailMessage))
    assert (
        test is not None
        and test.subject == "[TEST] Venez !"
        and test.to_addr == s["animateur"].email
    )  # noqa: E501
    assert test.status == "local"
    sent = client.post(
        page_url, data={"action": "envoyer", "subject": "Venez !", "intro": "Texte."}
    )
    assert sent.status_code == 302
    rows = db.session.scalars(
        select(MailMessage).where(~MailMessage.recipient_key.startswith("t"))
    ).all()  # noqa: E501
    assert sorted(r.to_addr for r in rows) == ["alice@exemple.fr", "bruno@exemple.fr"]
    assert {r.status for r in rows} == {"local"}
    # sent: no more edits
    again = client.post(page_url, data={"action": "envoyer", "subject": "x", "intro": ""})
    assert again.status_code == 400
    # the Boîte d'envoi: each message as it would have left, personal links masked
    box = client.get(f"/animateur/cycles/{c}/courriels/boite")
    assert "Venez !" in box.text and "alice@exemple.fr" in box.text
    alice = next(r for r in rows if r.to_addr == "alice@exemple.fr")
    secret = re.search(r"/courriel/([\w.\-]{16,})", alice.body_text)
    assert secret is not None
    shown = client.get(f"/animateur/cycles/{c}/courriels/boite/{alice.id}")
    assert "Texte." in shown.text and "/courriel/••••••" in shown.text
    assert secret.group(1) not in shown.text
    html = client.get(f"/animateur/cycles/{c}/courriels/boite/{alice.id}/contenu.html")
    assert secret.group(1) not in html.text and "Bonjour Alice" in html.text
    # another animateur's cycle: refused
    stranger = app.test_client()
    _login(stranger, make_animateur())
    assert stranger.get(f"/animateur/cycles/{c}/courriels/boite/{alice.id}").status_code in (
        403,
        404,
    )  # noqa: E501


def test_the_personal_link_opens_the_cycle_page_on_a_new_device(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    s = _setup(app, make_animateur, make_atelier)
    me = _participant(app, s["atelier"], "Alice")
    me.post(
        f"/cycle/{s['cycle_id']}/courriels", data={"email": "alice@exemple.fr", "invitations": "1"}
    )  # noqa: E501
    contact = db.session.scalar(select(MailContact))
    assert contact is not None
    device = app.test_client()
    assert device.get(f"/cycle/{s['cycle_id']}").status_code == 403
    opened = device.get(f"/courriel/{links.contact_token(contact)}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/cycle/{s['cycle_id']}"
    page = device.get(f"/cycle/{s['cycle_id']}")
    assert page.status_code == 200 and "Bonjour Alice" in page.text
    assert "/lien/" not in page.text  # no participant token on this device to show
    # a forged or foreign link does nothing
    assert app.test_client().get("/courriel/abc.def").status_code == 404
    # once the address is erased, the link and the device's cookie are dead
    me.post(f"/cycle/{s['cycle_id']}/courriels", data={"action": "retirer"})
    assert device.get(f"/cycle/{s['cycle_id']}").status_code == 403


def test_a_code_reset_closes_the_devices_a_personal_link_opened(
    app: Flask, make_animateur: Callable[..., Animateur], make_atelier: Callable[..., Atelier]
) -> None:
    """A lost phone holds the e-mails too: after « Réinitialiser mon code » neither the
    device the personal link opened nor the link itself opens the person's space (no taking
    the new code from there); the link still lets them choose or unsubscribe."""
    from facilitator.core import identity  # noqa: PLC0415

    s = _setup(app, make_animateur, make_atelier)
    me = _participant(app, s["atelier"], "Alice")
    me.post(
        f"/cycle/{s['cycle_id']}/courriels", data={"email": "alice@exemple.fr", "invitations": "1"}
    )  # noqa: E501
    contact = db.session.scalar(select(MailContact))
    assert contact is not None
    token = links.contact_token(contact)
    lost = app.test_client()
    assert lost.get(f"/courriel/{token}").status_code == 302
    assert lost.get(f"/cycle/{s['cycle_id']}").status_code == 200
    alice = db.session.scalar(select(Participant).where(Participant.display_name == "Alice"))
    assert alice is not None
    identity.reset_code(alice)
    assert lost.get(f"/cycle/{s['cycle_id']}").status_code == 403
    assert lost.post(f"/cycle/{s['cycle_id']}/code").status_code in (400, 403)
    again = lost.get(f"/courriel/{token}", follow_redirects=True)
    assert "code personnel a été réinitialisé" in again.text
    assert lost.get(f"/cycle/{s['cycle_id']}").status_code == 403
    assert lost.post(f"/courriel/{token}/desinscription").status_code == 200  # still theirs
    # a link sent after the reset opens a device again
    fresh = app.test_client()
    assert fresh.get(f"/courriel/{links.contact_token(contact)}").status_code == 302
    assert fresh.get(f"/cycle/{s['cycle_id']}").status_code == 200


def test_mail_pages_write_nothing_on_get_and_get_plain_data(
    app: Flask,
    make_animateur: Callable[..., Animateur],
    make_atelier: Callable[..., Atelier],
    rendered: list[tuple[str, list[str]]],  # noqa: F811
) -> None:
    s = _setup(app, make_animateur, make_atelier)
    c, client = s["cycle_id"], s["client"]
    me = _participant(app, s["atelier"], "Alice")
    me.post(f"/cycle/{c}/courriels", data={"email": "alice@exemple.fr", "invitations": "1"})
    client.post(
        f"/animateur/cycles/{c}/courriels/campagnes",
        data={"kind": "invitation", "atelier_id": s["atelier"].id},
    )  # noqa: E501
    campaign = db.session.scalar(select(MailCampaign))
    assert campaign is not None
    client.post(
        f"/animateur/cycles/{c}/courriels/campagnes/{campaign.id}",
        data={"action": "envoyer", "subject": "Venez", "intro": ""},
    )  # noqa: E501
    message = db.session.scalar(select(MailMessage))
    contact = db.session.scalar(select(MailContact))
    assert message is not None and contact is not None
    token = links.contact_token(contact)
    pages = [
        (client, f"/animateur/cycles/{c}/courriels"),
        (client, f"/animateur/cycles/{c}/courriels/campagnes/{campaign.id}"),
        (client, f"/animateur/cycles/{c}/courriels/campagnes/{campaign.id}/apercu.html"),
        (client, f"/animateur/cycles/{c}/courriels/boite"),
        (client, f"/animateur/cycles/{c}/courriels/boite/{message.id}"),
        (client, f"/animateur/cycles/{c}/courriels/boite/{message.id}/contenu.html"),
        (client, f"/animateur/cycles/{c}/courriels/import"),
        (me, f"/cycle/{c}/courriels"),
        (app.test_client(), f"/courriel/{token}/choix"),
        (app.test_client(), f"/courriel/{token}/desinscription"),
    ]
    for who, url in pages:
        before = _dump()
        response = who.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert _dump() == before, f"GET {url} wrote to the database"
    leaks = {name: found for name, found in rendered if found}
    assert not leaks, leaks
    assert len({name for name, _found in rendered}) >= 7


def test_an_address_given_when_joining_needs_a_purpose_and_a_valid_form(
    app: Flask, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    url = f"/rejoindre/{atelier.link_token}"
    structure = atelier.cycle.structures[0].id
    assert 'id="email"' in app.test_client().get(url).text
    base = {"display_name": "Chloé", "structure_id": str(structure)}
    for extra, error in (
        ({"email": "chloe@exemple"}, "adresse électronique valide"),
        ({"email": "chloe@exemple.fr"}, "cochez ce que vous voulez recevoir"),
    ):
        refused = app.test_client().post(url, data={**base, **extra})
        assert refused.status_code == 400 and error in refused.text
        assert db.session.scalar(select(func.count()).select_from(MailContact)) == 0
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    joined = app.test_client().post(
        url, data={**base, "email": "Chloe@exemple.fr", "comptes_rendus": "1"}
    )
    assert joined.status_code == 302
    contact = db.session.scalar(select(MailContact))
    assert contact is not None and contact.email == "chloe@exemple.fr"
    assert contact.consent_comptes_rendus_at is not None and contact.consent_invitations_at is None
    # without an address, joining is as before
    assert app.test_client().post(url, data={**base, "display_name": "Dan"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MailContact)) == 1
