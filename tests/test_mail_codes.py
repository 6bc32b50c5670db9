"""The personal code by e-mail (issue 16's « Êtes-vous déjà venu·e ? », issue 17): an
invitation to a participant carries their code (never an invitee's, never in the Boîte
d'envoi or the preview); « Recevoir mon code par e-mail » on the join page sends it to a
consenting participant's address, answers the same for an unknown address, refuses a
malformed one and is rate-limited."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask
from markupsafe import escape
from sqlalchemy import func, select

from facilitator.core import identity, participants
from facilitator.extensions import db
from facilitator.mail import addresses, compose, worker
from facilitator.mail.models import MailContact, MailMessage
from facilitator.models import Atelier
from facilitator.web.mail_pages import mask
from facilitator.web.public import CODE_MAIL_SENT
from tests.mail_helpers import *  # noqa: F403  (the fixtures: app with SMTP, smtp)
from tests.mail_helpers import SmtpServer, people


def _request(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_request_context("/", base_url="https://facilitator.example")


def test_an_invitation_carries_a_participant_s_code_and_not_an_invitee_s(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    (participant,) = people(atelier, 1)
    code = identity.personal_code(participant)
    addresses.import_invitees(atelier.cycle_id, b"Invite Un,Centre social,inv@exemple.fr\n",
                              skip_errors=False)  # fmt: skip
    with _request(app):
        campaign = compose.create(atelier.cycle, "invitation", atelier.id, None)
        rendered, count, _files = compose.preview(campaign)
        assert count == 2 and code not in rendered.text and code not in rendered.html
        assert compose.queue(campaign) == 2
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 2}
    by_to = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in smtp.recorder.messages()}
    parts = {
        to: {p.get_content_type(): p.get_content() for p in m.walk() if not p.is_multipart()}
        for to, m in by_to.items()
    }
    assert f"Votre code personnel : {code}" in parts["p0@exemple.fr"]["text/plain"]
    assert code in parts["p0@exemple.fr"]["text/html"]
    assert "code personnel" not in parts["inv@exemple.fr"]["text/plain"]
    # the animateur's Boîte d'envoi masks it
    row = db.session.scalar(select(MailMessage).where(MailMessage.to_addr == "p0@exemple.fr"))
    assert row is not None and code in row.body_text
    assert code not in mask(row.body_text) and code not in mask(row.body_html)


def _returning_client(app: Flask, atelier: Atelier) -> tuple[object, str, dict[str, str]]:
    structure = atelier.cycle.structures[0].id
    form = {"display_name": "Chloé", "structure_id": str(structure)}
    return app.test_client(), f"/rejoindre/{atelier.link_token}", form


def _messages() -> int:
    return db.session.scalar(select(func.count()).select_from(MailMessage)) or 0


def test_receive_my_code_by_e_mail_never_tells_whether_an_address_is_known(
    app: Flask, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    chloe, _token = participants.join(atelier, "Chloé", structure_id=atelier.cycle.structures[0].id)
    addresses.set_participant_address(chloe, "chloe@exemple.fr", {"comptes_rendus"})
    code = identity.personal_code(chloe)
    client, url, form = _returning_client(app, atelier)
    asked = client.post(url, data=form)  # another device: « Êtes-vous déjà venu·e ? »
    assert "Recevoir mon code par e-mail" in asked.text
    send = f"{url}/code-par-courriel"

    known = client.post(send, data={**form, "code_email": "Chloe@exemple.fr"})
    assert known.status_code == 200 and str(escape(CODE_MAIL_SENT)) in known.text
    row = db.session.scalar(select(MailMessage))
    assert row is not None and row.to_addr == "chloe@exemple.fr" and row.status == "pending"
    assert f"Votre code personnel : {code}" in row.body_text and code in row.body_html
    assert "https://" in row.body_text and "/desinscription" in row.body_text

    unknown = app.test_client().post(send, data={**form, "code_email": "personne@exemple.fr"})
    assert unknown.status_code == 200
    assert unknown.text.replace("personne@exemple.fr", "X") == known.text.replace(
        "Chloe@exemple.fr", "X"
    )
    assert _messages() == 1

    bad = app.test_client().post(send, data={**form, "code_email": "chloe@exemple"})
    assert bad.status_code == 400 and "adresse électronique valide" in bad.text
    assert _messages() == 1


def test_receive_my_code_is_rate_limited_and_respects_unsubscribing(
    app: Flask, make_atelier: Callable[..., Atelier]
) -> None:
    atelier = make_atelier()
    chloe, _token = participants.join(atelier, "Chloé", structure_id=atelier.cycle.structures[0].id)
    addresses.set_participant_address(chloe, "chloe@exemple.fr", {"invitations"})
    client, url, form = _returning_client(app, atelier)
    send = f"{url}/code-par-courriel"
    for _ in range(3):
        assert client.post(send, data={**form, "code_email": "chloe@exemple.fr"}).status_code == 200
    assert _messages() == 3
    refused = client.post(send, data={**form, "code_email": "chloe@exemple.fr"})
    assert refused.status_code == 429 and "Trop de demandes" in refused.text
    # another browser, the same address: the address's own budget is spent too
    other = app.test_client().post(send, data={**form, "code_email": "chloe@exemple.fr"})
    assert other.status_code == 429
    assert _messages() == 3
    # the case of the address does not give a fresh budget
    again = app.test_client().post(send, data={**form, "code_email": "CHLOE@exemple.fr"})
    assert again.status_code == 429
    # an unsubscribed participant gets nothing, and the page says the same as ever
    dan, _token = participants.join(atelier, "Dan", structure_id=atelier.cycle.structures[0].id)
    addresses.set_participant_address(dan, "dan@exemple.fr", {"invitations"})
    contact = db.session.scalar(select(MailContact).where(MailContact.email == "dan@exemple.fr"))
    assert contact is not None
    addresses.unsubscribe(contact)
    answer = app.test_client().post(send, data={**form, "code_email": "dan@exemple.fr"})
    assert answer.status_code == 200 and str(escape(CODE_MAIL_SENT)) in answer.text
    assert _messages() == 3


def test_the_whole_cycle_export_holds_no_code_no_personal_link_no_feed_key(
    app: Flask, smtp: SmtpServer, make_atelier: Callable[..., Atelier]
) -> None:
    """The export is a file that travels (an e-mail, a USB key): what opens a person's
    access — their code, their e-mailed personal link — and the calendar feed's key stay
    out of it; the import gives fresh ones."""
    from facilitator.cycle_life import portability  # noqa: PLC0415

    atelier = make_atelier()
    cycle_id, feed_key = atelier.cycle_id, atelier.cycle.feed_key
    (participant,) = people(atelier, 1)
    code, token_hash = identity.personal_code(participant), participant.token_hash
    with _request(app):
        campaign = compose.create(atelier.cycle, "invitation", atelier.id, None)
        assert compose.queue(campaign) == 1
    assert worker.run(idle_exit=True, poll=0.01) == {"sent": 1}
    sent = db.session.scalar(select(MailMessage.body_text))
    assert sent is not None and code in sent and "/courriel/" in sent
    text = json.dumps(portability.export_cycle(cycle_id))
    assert feed_key and feed_key not in text
    assert code not in text and "/courriel/" not in text
    assert token_hash not in text


def test_made_up_addresses_do_not_spend_anyone_s_code_requests(
    app: Flask, make_atelier: Callable[..., Atelier]
) -> None:
    """A visitor sending 80 requests with made-up addresses (fresh browsers) queues nothing
    and leaves the real person's request untouched: the cycle's cap counts real messages."""
    atelier = make_atelier()
    chloe, _token = participants.join(atelier, "Chloé", structure_id=atelier.cycle.structures[0].id)
    addresses.set_participant_address(chloe, "chloe@exemple.fr", {"invitations"})
    client, url, form = _returning_client(app, atelier)
    send = f"{url}/code-par-courriel"
    for i in range(80):
        noise = app.test_client().post(send, data={**form, "code_email": f"x{i}@exemple.fr"})
        assert noise.status_code == 200
    assert _messages() == 0
    assert client.post(send, data={**form, "code_email": "chloe@exemple.fr"}).status_code == 200
    assert _messages() == 1
